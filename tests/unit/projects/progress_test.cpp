#include "projects/progress.h"

#include <gtest/gtest.h>

namespace ecity::projects {
namespace {

constexpr Yuan kYi = 100'000'000;  // 1 亿元

TEST(Progress, AmountsIn10kAndHundredMillionYuan) {
  EXPECT_EQ(parse_wan("1234.56"), 12'345'600);
  EXPECT_EQ(parse_wan("0.0001"), 1);  // one 元
  EXPECT_EQ(parse_wan("-3"), -30'000);
  EXPECT_FALSE(parse_wan("0.00001").has_value());  // below one 元: refused, not rounded
  EXPECT_FALSE(parse_wan("1e3").has_value());
  EXPECT_FALSE(parse_wan("").has_value());
  EXPECT_FALSE(parse_wan("12,5").has_value());
  EXPECT_FALSE(parse_wan("10000000001").has_value());  // beyond 10^14 元
  EXPECT_EQ(format_wan(12'345'600), "1234.56");
  EXPECT_EQ(format_yi(14'837'000'000), "148.37");
  EXPECT_EQ(format_yi(125'000'000, 1), "1.2");  // 1.25 → 1.2, half to even
  EXPECT_EQ(format_yi(135'000'000, 1), "1.4");  // 1.35 → 1.4
  EXPECT_EQ(format_yi(-125'000'000, 1), "-1.2");
  EXPECT_EQ(format_wan(0), "0.00");
}

// ../shared/domain/governance.md §1.4: Jiangmen 1–10月 629.0亿元 of 647.4亿元 = 97.2 %, 13.8 points
// ahead of time progress (83.3 %), from the unrounded values (97.2 − 83.3 would be 13.9).
TEST(Progress, TheJiangmenCheck) {
  const Yuan done = 6290 * kYi / 10, plan = 6474 * kYi / 10;
  EXPECT_EQ(completion_percent(done, plan)->rounded(1), 972);
  EXPECT_EQ(time_progress_percent(10).rounded(1), 833);
  EXPECT_EQ(gap_points(done, plan, 10)->rounded(1), 138);
  EXPECT_NE(completion_percent(done, plan)->rounded(1) - time_progress_percent(10).rounded(1), 138);
}

TEST(Progress, ReferenceDistrictAndSanming) {
  // 148.37亿元 of a plan of 106.13亿元 by October: 139.8 %.
  EXPECT_EQ(completion_percent(14'837'000'000, 10'613'000'000)->rounded(1), 1398);
  // Sanming 1–8月: 74 % of plan, 7.33 points ahead of 66.67 %.
  EXPECT_EQ(gap_points(74, 100, 8)->rounded(2), 733);
  EXPECT_EQ(time_progress_percent(8).rounded(2), 6667);
}

TEST(Progress, EdgesOfThePlan) {
  EXPECT_FALSE(completion_percent(5, 0).has_value());
  EXPECT_FALSE(gap_points(5, 0, 3).has_value());
  EXPECT_FALSE(shortfall_percent(5, 100, 0).has_value());
  EXPECT_EQ(time_progress_percent(12).rounded(1), 1000);
  EXPECT_EQ(time_progress_percent(0).rounded(1), 0);
  // Nothing done after 6 months: 50 points behind, 100 % short.
  EXPECT_EQ(gap_points(0, 1200, 6)->rounded(1), -500);
  EXPECT_EQ(shortfall_percent(0, 1200, 6)->rounded(1), 1000);
  // Ahead: 700 of 1200 after 6 months is 16.7 % above the time target of 600.
  EXPECT_EQ(shortfall_percent(700, 1200, 6)->rounded(1), -167);
  // A district-sized plan in 元 (10^13) does not overflow.
  EXPECT_EQ(gap_points(9'000'000'000'000, 10'000'000'000'000, 12)->rounded(1), -100);
  // Exact comparisons at a threshold: 10 points behind exactly.
  const auto g = gap_points(400, 1200, 6);  // 33.33 % vs 50 %: 16.67 behind
  ASSERT_TRUE(g.has_value());
  Fraction behind{-g->num, g->den};
  EXPECT_TRUE(behind.at_least_tenths(166));
  EXPECT_FALSE(behind.at_least_tenths(167));
  Fraction ten{-gap_points(480, 1200, 6)->num, 12 * 1200};  // 40 % vs 50 %: exactly 10 behind
  EXPECT_TRUE(ten.at_least_tenths(100));
  EXPECT_FALSE(ten.above_tenths(100));
}

}  // namespace
}  // namespace ecity::projects
