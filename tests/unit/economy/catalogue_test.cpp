// The indicator catalogue (the shipped headline set and the refusals of bad entries) and periods.
#include "economy/catalogue.h"

#include "platform/error.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>

namespace ecity::economy {
namespace {

nlohmann::json shipped() {
  const char* dir = std::getenv("ECITY_SOURCE_DIR");
  std::ifstream in(std::string(dir ? dir : ECITY_SOURCE_DIR) + "/data/economy/indicators.json");
  return nlohmann::json::parse(in);
}

// The message of the Error `fn` throws ("" if none).
template <typename F>
std::string refusal(F fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.detail_zh() + " | " + e.extra().dump();
  }
  return "";
}

TEST(EconomyCatalogue, TheShippedHeadlineSetParses) {
  const auto all = parse_catalogue(shipped());
  std::map<std::string, Indicator> by;
  for (const auto& i : all) by[i.code] = i;
  for (const char* code : {"gdp", "budget_revenue", "industrial_value_added", "tech_renovation_investment",
                           "industrial_electricity", "foreign_capital", "fixed_asset_investment", "retail_sales"})
    EXPECT_TRUE(by.count(code)) << code;
  // GDP: totals at current prices, growth at comparable prices (never recomputed); quarterly.
  EXPECT_EQ(by["gdp"].price_basis, PriceBasis::kComparable);
  EXPECT_EQ(by["gdp"].frequency, Frequency::kQuarterly);
  EXPECT_TRUE(by["industrial_value_added"].growth_only);
  EXPECT_EQ(by["foreign_capital"].unit, "万美元");
  EXPECT_EQ(indicator_json(by["budget_revenue"])["price_basis"], "current");
}

TEST(EconomyCatalogue, BadEntriesAreRefusedByName) {
  auto with = [](nlohmann::json entry) {
    nlohmann::json base = {{"code", "x_rate"},         {"name", "测试"},         {"unit", "亿元"},
                           {"price_basis", "current"}, {"frequency", "monthly"}, {"cumulative", true},
                           {"growth_only", false},     {"decimals", 2}};
    for (const auto& [k, v] : entry.items()) {
      if (v.is_null())
        base.erase(k);
      else
        base[k] = v;
    }
    return nlohmann::json{{"indicators", {base}}};
  };
  EXPECT_EQ(refusal([&] { parse_catalogue(with({})); }), "");
  EXPECT_NE(refusal([&] { parse_catalogue(with({{"unit", "斤"}})); }).find("indicators[0].unit"), std::string::npos);
  EXPECT_NE(refusal([&] { parse_catalogue(with({{"code", "GDP"}})); }).find("indicators[0].code"), std::string::npos);
  EXPECT_NE(refusal([&] { parse_catalogue(with({{"frequency", "weekly"}})); }).find("frequency"), std::string::npos);
  EXPECT_NE(refusal([&] { parse_catalogue(with({{"decimals", 7}})); }).find("decimals"), std::string::npos);
  EXPECT_NE(refusal([&] {
              parse_catalogue(with({{"growth_only", true}}));
            }).find("indicators[0].unit"),
            std::string::npos);
  EXPECT_NE(refusal([&] { parse_catalogue(with({{"cumulative", nullptr}})); }).find("cumulative"), std::string::npos);
  auto twice = with({});
  twice["indicators"].push_back(twice["indicators"][0]);
  EXPECT_NE(refusal([&] { parse_catalogue(twice); }).find("indicators[1].code"), std::string::npos);
  EXPECT_NE(refusal([&] { parse_catalogue(nlohmann::json::array()); }), "");
}

TEST(EconomyPeriods, EachFrequencyHasItsForm) {
  EXPECT_EQ(parse_period(Frequency::kMonthly, "2022-09"), (Period{2022, 9}));
  EXPECT_EQ(parse_period(Frequency::kQuarterly, "2022-Q3"), (Period{2022, 3}));
  EXPECT_EQ(parse_period(Frequency::kYearly, "2021"), (Period{2021, 0}));
  // A month for a quarterly indicator, a quarter for a monthly one, malformed or out of range.
  EXPECT_FALSE(parse_period(Frequency::kQuarterly, "2022-09"));
  EXPECT_FALSE(parse_period(Frequency::kMonthly, "2022-Q3"));
  EXPECT_FALSE(parse_period(Frequency::kMonthly, "2022-9"));
  EXPECT_FALSE(parse_period(Frequency::kMonthly, "2022-13"));
  EXPECT_FALSE(parse_period(Frequency::kMonthly, "2022-00"));
  EXPECT_FALSE(parse_period(Frequency::kQuarterly, "2022-Q5"));
  EXPECT_FALSE(parse_period(Frequency::kYearly, "1989"));
  EXPECT_FALSE(parse_period(Frequency::kYearly, "二〇二二"));
  EXPECT_FALSE(parse_period(Frequency::kMonthly, "+022-01"));
  EXPECT_EQ(period_text(Frequency::kMonthly, {2022, 9}), "2022-09");
  EXPECT_EQ(period_text(Frequency::kQuarterly, {2022, 3}), "2022-Q3");
  EXPECT_EQ(year_before({2022, 9}), (Period{2021, 9}));
  EXPECT_EQ(before_in_year({2022, 9}), (Period{2022, 8}));
  EXPECT_FALSE(before_in_year({2022, 1}));
  EXPECT_FALSE(before_in_year({2022, 0}));
}

}  // namespace
}  // namespace ecity::economy
