#include "platform/http/rate_limit.h"

#include "platform/db/database.h"
#include "platform/error.h"

#include <algorithm>
#include <cmath>

namespace ecity::platform {

RateLimiter::RateLimiter(double per_minute, double burst, std::size_t max_keys)
    : per_ms_(per_minute / 60'000.0), burst_(burst), max_keys_(max_keys) {}

double RateLimiter::refill(const Bucket& b, std::int64_t now_ms) const {
  const auto elapsed = static_cast<double>(std::max<std::int64_t>(0, now_ms - b.at_ms));
  return std::min(burst_, b.tokens + elapsed * per_ms_);
}

void RateLimiter::prune(std::int64_t now_ms) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    if (refill(it->second, now_ms) >= burst_) {
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
}

long long RateLimiter::take(const std::string& key, std::int64_t now_ms, double cost) {
  std::lock_guard lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) prune(now_ms);
    it = buckets_.emplace(key, Bucket{burst_, now_ms}).first;
  }
  Bucket& b = it->second;
  b.tokens = refill(b, now_ms);
  b.at_ms = std::max(b.at_ms, now_ms);
  if (b.tokens >= cost) {
    b.tokens -= cost;
    return 0;
  }
  const double wait_ms = (cost - b.tokens) / per_ms_;
  return std::max<long long>(1, static_cast<long long>(std::ceil(wait_ms / 1000.0)));
}

void RateLimiter::check(const std::string& key, double cost) {
  if (auto wait = take(key, now_ms(), cost); wait > 0) throw Error::too_many_requests(wait);
}

}  // namespace ecity::platform
