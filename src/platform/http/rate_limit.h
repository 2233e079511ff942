// A token-bucket rate limit per key (a client IP, an API key): each key holds up to `burst`
// tokens and regains `per_minute` of them a minute; a request spends `cost` tokens or is
// refused with the seconds to wait. For the endpoints anyone on the internet may call
// (citizens' appeals, Open311), so that one caller cannot flood the centre or guess codes.
//
// Memory is bounded: when more than `max_keys` keys are held, the ones whose buckets have
// refilled (and so carry no state worth keeping) are forgotten.
//
// Thread-safe. State is per process: a restart forgives everyone.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace ecity::platform {

class RateLimiter {
 public:
  RateLimiter(double per_minute, double burst, std::size_t max_keys = 100'000);

  // Spends `cost` tokens of `key` at `now_ms`; returns 0 if allowed, otherwise the whole
  // seconds (≥ 1) until that many tokens will be there again.
  long long take(const std::string& key, std::int64_t now_ms, double cost = 1.0);
  // take() at the current time, throwing Error::too_many_requests when refused.
  void check(const std::string& key, double cost = 1.0);

 private:
  struct Bucket {
    double tokens;
    std::int64_t at_ms;
  };
  double refill(const Bucket& b, std::int64_t now_ms) const;
  void prune(std::int64_t now_ms);

  const double per_ms_;
  const double burst_;
  const std::size_t max_keys_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // guarded by mu_
};

}  // namespace ecity::platform
