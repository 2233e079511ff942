// The economy's figures against published bulletins and the conventions of
// ../shared/domain/governance.md §2 (docs/economy.md).
#include "economy/figures.h"

#include <gtest/gtest.h>

namespace ecity::economy {
namespace {

Value v(std::string_view text) { return *parse_value(text); }

TEST(EconomyValues, ParseAndFormatExactly) {
  EXPECT_EQ(v("138.74"), 1'387'400);
  EXPECT_EQ(v("-3.9"), -39'000);
  EXPECT_EQ(v("7791"), 77'910'000);
  EXPECT_EQ(format_value(v("138.74"), 2), "138.74");
  EXPECT_EQ(format_value(v("0.35"), 1), "0.4");  // half to even on the exact digits: 0.35 → 0.4
  EXPECT_EQ(format_value(v("0.25"), 1), "0.2");
  EXPECT_FALSE(parse_value("1.23456"));  // five decimals: not a published figure
  EXPECT_FALSE(parse_value("1e3"));
  EXPECT_FALSE(parse_value(""));
  EXPECT_FALSE(parse_value("十二"));
  EXPECT_FALSE(parse_value("99999999999999"));  // beyond 10^12 in the unit
}

TEST(EconomyGrowth, FromTotalsOnlyWithAPositiveBase) {
  // Budget revenue Jan–Sep 2022: 9.24亿 against 9.11亿 → 1.4 %.
  EXPECT_EQ(growth_percent(v("9.24"), v("9.11"))->rounded(1), 14);
  EXPECT_EQ(growth_percent(v("90"), v("100"))->rounded(1), -100);
  EXPECT_FALSE(growth_percent(v("5"), 0));
  EXPECT_FALSE(growth_percent(v("5"), v("-2")));
  // Foreign capital 7,791万美元 +180.7 %: the base was about 2,775万美元.
  EXPECT_EQ(growth_percent(v("7791"), v("2775"))->rounded(1), 1808);
}

TEST(EconomyGrowth, SingleMonthsFromYearToDate) {
  EXPECT_EQ(single_month(v("31.5"), std::nullopt), v("31.5"));  // January is its own year to date
  EXPECT_EQ(single_month(v("138.74"), v("121.03")), v("17.71"));
}

TEST(EconomyGrowth, TwoYearAverageIsTheGeometricMean) {
  // 2020 +2.3 %, 2021 +8.1 %: √(1.023 × 1.081) = 1.05160… → 5.2 %.
  EXPECT_EQ(two_year_average_growth(v("8.1"), v("2.3"), 1), 52);
  // The same rate twice is that rate; a fall and a rise of the same size average below zero.
  EXPECT_EQ(two_year_average_growth(v("4.5"), v("4.5"), 1), 45);
  EXPECT_EQ(two_year_average_growth(v("10"), v("-10"), 2), -50);  // √0.99 = 0.994987… → −0.50
  EXPECT_EQ(two_year_average_growth(v("21"), v("0"), 1), 100);    // √1.21 = 1.1 exactly → 10.0
  EXPECT_FALSE(two_year_average_growth(v("-100"), v("5"), 1));
  // Absurd rates (the largest values parse_value accepts) give nothing rather than a wrapped root.
  EXPECT_FALSE(two_year_average_growth(v("999999999999"), v("999999999999"), 1));
  EXPECT_EQ(two_year_average_growth(v("300"), v("0"), 1), 1000);  // √4 = 2 → +100.0 %
}

TEST(EconomyRanks, TiesShareTheBestPlaceAndGapsFollow) {
  const std::vector<std::optional<Value>> growth = {v("4.5"), v("6.1"), v("4.5"), std::nullopt, v("3.2"), v("7")};
  EXPECT_EQ(competition_ranks(growth), (std::vector<int>{3, 2, 3, 0, 5, 1}));
  EXPECT_TRUE(competition_ranks({}).empty());
  EXPECT_EQ(rank_change(5, 3), 2);   // up two places
  EXPECT_EQ(rank_change(2, 4), -2);  // down two
  EXPECT_FALSE(rank_change(0, 3));
}

TEST(EconomyChecks, APublishedRateMustAgreeWithItsTotals) {
  // 9.24 against 9.11 is 1.43 %: 1.4 agrees, so do 1.3 and 1.5 (the totals are rounded), 2.4 does not.
  EXPECT_TRUE(check_growth(v("9.24"), v("9.11"), v("1.4"), 1).consistent);
  EXPECT_TRUE(check_growth(v("9.24"), v("9.11"), v("1.5"), 1).consistent);
  EXPECT_FALSE(check_growth(v("9.24"), v("9.11"), v("2.4"), 1).consistent);
  EXPECT_FALSE(check_growth(v("9.24"), v("9.11"), v("-1.4"), 1).consistent);  // the sign flipped
  const auto none = check_growth(v("9.24"), 0, v("1.4"), 1);
  EXPECT_TRUE(none.consistent);  // nothing to check against
  EXPECT_FALSE(none.computed);
}

TEST(EconomyText, GrowthAsBulletinsWriteIt) {
  EXPECT_EQ(growth_zh(v("4.5"), 1), "增长4.5%");
  EXPECT_EQ(growth_zh(v("-1.4"), 1), "下降1.4%");
  EXPECT_EQ(growth_zh(v("0.04"), 1), "持平");
  EXPECT_EQ(growth_zh(v("180.7"), 1), "增长1.8倍");
  EXPECT_EQ(growth_zh(v("100"), 1), "增长1.0倍");
  EXPECT_EQ(growth_zh(v("99.96"), 1), "增长1.0倍");  // rounds to 100.0 %
  EXPECT_EQ(growth_en(v("60.8"), 1), "up 60.8%");
  EXPECT_EQ(growth_en(v("-3.25"), 1), "down 3.2%");
  EXPECT_EQ(growth_en(v("240"), 1), "up 2.4 times");
}

}  // namespace
}  // namespace ecity::economy
