#include "platform/http/rate_limit.h"

#include "platform/error.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace ecity::platform {
namespace {

TEST(RateLimiter, BurstThenRefillEvenly) {
  RateLimiter limit(/*per_minute=*/6, /*burst=*/3);  // one token every 10 s
  const std::int64_t t0 = 1'000'000;
  EXPECT_EQ(limit.take("a", t0), 0);
  EXPECT_EQ(limit.take("a", t0), 0);
  EXPECT_EQ(limit.take("a", t0), 0);
  EXPECT_EQ(limit.take("a", t0), 10) << "the next token in 10 s";
  EXPECT_EQ(limit.take("a", t0 + 4'000), 6);
  EXPECT_EQ(limit.take("a", t0 + 10'000), 0);
  EXPECT_EQ(limit.take("b", t0), 0) << "keys are independent";
  // A costlier request waits for all its tokens; a long pause refills no more than the burst.
  EXPECT_EQ(limit.take("a", t0 + 10'000, 3.0), 30);
  EXPECT_EQ(limit.take("a", t0 + 3'600'000, 3.0), 0);
  EXPECT_EQ(limit.take("a", t0 + 3'600'000), 10);
  // A clock that steps back never mints tokens.
  EXPECT_EQ(limit.take("a", t0), 10);
}

TEST(RateLimiter, CheckThrowsTooManyRequestsWithTheWait) {
  RateLimiter limit(1, 1);
  limit.check("k");
  try {
    limit.check("k");
    FAIL() << "expected a refusal";
  } catch (const Error& e) {
    EXPECT_EQ(e.status(), 429);
    EXPECT_GE(e.extra()["retry_after"].get<long long>(), 59);
    EXPECT_NE(e.detail_zh().find("请求过于频繁"), std::string::npos);
  }
}

TEST(RateLimiter, ForgetsRefilledKeysWhenFull) {
  RateLimiter limit(60, 1, /*max_keys=*/4);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(limit.take("k" + std::to_string(i), 0), 0);
  // All four refilled after a second: a fifth key prunes them rather than growing without end.
  EXPECT_EQ(limit.take("k4", 2'000), 0);
  EXPECT_EQ(limit.take("k0", 2'000), 0) << "a forgotten key starts with a full bucket";
}

TEST(RateLimiter, ConcurrentTakersNeverOverspend) {
  RateLimiter limit(1, 100);
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i)
        if (limit.take("shared", 5'000) == 0) ++allowed;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 100);
}

}  // namespace
}  // namespace ecity::platform
