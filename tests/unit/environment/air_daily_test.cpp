#include "environment/air_daily.h"
#include "environment/air_evaluation.h"

#include <gtest/gtest.h>

namespace ecity::environment {
namespace {

constexpr std::int64_t kUnit = 1'000'000;  // 10^kInputScale
constexpr auto kSO2 = static_cast<std::size_t>(Pollutant::kSO2);
constexpr auto kNO2 = static_cast<std::size_t>(Pollutant::kNO2);
constexpr auto kCO = static_cast<std::size_t>(Pollutant::kCO);
constexpr auto kO3 = static_cast<std::size_t>(Pollutant::kO3);
constexpr auto kPM10 = static_cast<std::size_t>(Pollutant::kPM10);
constexpr auto kPM25 = static_cast<std::size_t>(Pollutant::kPM25);

// A day with the same value every hour (CO in tenths of a mg/m³).
DayHours steady(std::int64_t so2, std::int64_t no2, std::int64_t co_tenths, std::int64_t o3, std::int64_t pm10,
                std::int64_t pm25) {
  DayHours d;
  d.date = "2022-06-15";
  for (auto& h : d.hours) {
    h[kSO2] = so2 * kUnit;
    h[kNO2] = no2 * kUnit;
    h[kCO] = co_tenths * kUnit / 10;
    h[kO3] = o3 * kUnit;
    h[kPM10] = pm10 * kUnit;
    h[kPM25] = pm25 * kUnit;
  }
  return d;
}

TEST(AirDaily, TheWholeDayExampleUnderBothStandards) {
  const auto day = steady(20, 45, 12, 130, 160, 80);
  auto r = daily_result(day, AqiStandard::k2012);
  EXPECT_EQ(r.mean[kPM25], 80);
  EXPECT_EQ(r.mean[kCO], 12);
  EXPECT_EQ(r.o3_8h_max, 130);
  EXPECT_EQ(r.iaqi_pm10, 105);
  EXPECT_EQ(r.iaqi_pm25, 107);
  EXPECT_EQ(r.iaqi_o3_1h, 41);
  EXPECT_EQ(r.aqi.aqi, 107);
  ASSERT_EQ(r.aqi.primary.size(), 1u);
  EXPECT_EQ(r.aqi.primary[0], "PM2.5");
  r = daily_result(day, AqiStandard::k2026);
  EXPECT_FALSE(r.iaqi_o3_1h.has_value());  // not scored daily since 2026
  EXPECT_EQ(r.iaqi_pm10, 116);
  EXPECT_EQ(r.aqi.aqi, 119);
}

TEST(AirDaily, MeansAreRoundedHalfToEvenFromTheExactValue) {
  auto day = steady(20, 45, 12, 130, 60, 0);
  for (std::size_t h = 0; h < 24; ++h) day.hours[h][kPM25] = (h % 2 ? 75 : 74) * kUnit;  // mean 74.5
  auto r = daily_result(day, AqiStandard::k2012);
  EXPECT_EQ(r.mean[kPM25], 74);  // not 75
  EXPECT_EQ(r.iaqi_pm25, 99);
  // CO to one decimal: 1.25 → 1.2, 1.35 → 1.4.
  for (std::size_t h = 0; h < 24; ++h) day.hours[h][kCO] = (h % 2 ? 1'300'000 : 1'200'000);
  EXPECT_EQ(daily_result(day, AqiStandard::k2012).mean[kCO], 12);
  for (std::size_t h = 0; h < 24; ++h) day.hours[h][kCO] = (h % 2 ? 1'400'000 : 1'300'000);
  EXPECT_EQ(daily_result(day, AqiStandard::k2012).mean[kCO], 14);
}

TEST(AirDaily, TwentyValidHoursMakeADay) {
  auto day = steady(20, 45, 12, 130, 60, 40);
  for (std::size_t h = 0; h < 4; ++h) day.hours[h][kNO2].reset();
  auto r = daily_result(day, AqiStandard::k2012);
  EXPECT_EQ(r.mean[kNO2], 45);
  EXPECT_TRUE(r.aqi.aqi.has_value());
  day.hours[4][kNO2].reset();  // 19 hours
  r = daily_result(day, AqiStandard::k2012);
  EXPECT_FALSE(r.mean[kNO2].has_value());
  EXPECT_FALSE(r.aqi.aqi.has_value());  // 2012: a missing item leaves the day without an AQI
  EXPECT_FALSE(daily_result(day, AqiStandard::k2026).aqi.aqi.has_value());  // others <= 100
}

TEST(AirDaily, OzoneEightHourMaximumInsideTheDay) {
  auto day = steady(20, 45, 12, 100, 60, 40);
  for (std::size_t h = 12; h < 20; ++h) day.hours[h][kO3] = 200 * kUnit;
  EXPECT_EQ(daily_result(day, AqiStandard::k2026).o3_8h_max, 200);
  // Hours 0–4 missing: windows 0–2 have fewer than 6 hours, 14 valid windows remain.
  for (std::size_t h = 0; h < 5; ++h) day.hours[h][kO3].reset();
  EXPECT_EQ(daily_result(day, AqiStandard::k2026).o3_8h_max, 200);
  // Hour 5 too: 13 windows, still valid because the maximum exceeds 160.
  day.hours[5][kO3].reset();
  EXPECT_EQ(daily_result(day, AqiStandard::k2026).o3_8h_max, 200);
  // The same gaps with a maximum within the limit: not valid.
  for (std::size_t h = 12; h < 20; ++h) day.hours[h][kO3] = 150 * kUnit;
  EXPECT_FALSE(daily_result(day, AqiStandard::k2026).o3_8h_max.has_value());
  // A window's mean is exact before rounding: seven hours of 130 and one of 150 is 132.5 → 132.
  day = steady(20, 45, 12, 130, 60, 40);
  day.hours[23][kO3] = 150 * kUnit;
  EXPECT_EQ(daily_result(day, AqiStandard::k2026).o3_8h_max, 132);
}

TEST(AirDaily, OzoneAbove800UnderEachStandard) {
  const auto day = steady(20, 45, 12, 850, 60, 40);
  auto r = daily_result(day, AqiStandard::k2012);
  EXPECT_EQ(r.aqi.aqi, 325);  // the 1-hour value stands for the 8-hour one
  ASSERT_EQ(r.aqi.primary.size(), 1u);
  EXPECT_EQ(r.aqi.primary[0], "O3_1h");
  r = daily_result(day, AqiStandard::k2026);
  EXPECT_EQ(r.aqi.aqi, 300);
  EXPECT_EQ(r.aqi.primary[0], "O3_8h");
}

TEST(AirEvaluation, PercentilesByHj663) {
  const std::vector<std::int64_t> v{160, 12, 35, 48, 50, 61, 77, 80, 95, 110};
  EXPECT_EQ(percentile(v, 90), 115);
  EXPECT_EQ(percentile(v, 95), 138);  // 137.5 → 138
  EXPECT_EQ(percentile(v, 98), 151);
  EXPECT_EQ(percentile({42}, 95), 42);
  EXPECT_FALSE(percentile({}, 90).has_value());
}

// Published reports recomputed (docs/environment.md): each term rounded half to even first.
TEST(AirEvaluation, CompositeIndexOfPublishedReports) {
  EXPECT_EQ(composite_index({3, 13, 16, 13, 9, 87}), 173);   // Heyuan 2022-02: 1.73
  EXPECT_EQ(composite_index({9, 14, 77, 23, 11, 96}), 314);  // Naiman Q1: 3.14
  EXPECT_EQ(composite_index({9, 15, 39, 21, 7, 192}), 307);
  CompositeRule sum_only;
  sum_only.round_each_term = false;
  EXPECT_EQ(composite_index({9, 15, 39, 21, 7, 192}, sum_only), 306);
  EXPECT_EQ(composite_index({3, 13, 16, 13, 9, 87}, sum_only), 174);
}

TEST(AirEvaluation, GoodDaysRateAndPeriodFigures) {
  std::vector<DailyResult> days;
  for (int i = 0; i < 91; ++i) {
    // 86 good days (AQI <= 100), 5 polluted.
    days.push_back(daily_result(steady(10, 30, 8, 120, 60, i < 86 ? 40 : 90), AqiStandard::k2012));
  }
  auto missing = steady(10, 30, 8, 120, 60, 40);
  for (auto& h : missing.hours) h[kPM25].reset();
  days.push_back(daily_result(missing, AqiStandard::k2012));  // no AQI: not a valid day
  const auto e = evaluate(days);
  EXPECT_EQ(e.days, 92);
  EXPECT_EQ(e.valid_days, 91);
  EXPECT_EQ(e.good_days, 86);
  EXPECT_EQ(e.good_rate_tenths, 945);  // 94.505 % → 94.5
  EXPECT_EQ(e.so2_mean, 10);
  EXPECT_EQ(e.pm25_mean, 43);  // (86 × 40 + 5 × 90) / 91 = 42.75
  EXPECT_EQ(e.co_p95, 8);
  EXPECT_EQ(e.o3_8h_p90, 120);
  ASSERT_TRUE(e.composite_hundredths.has_value());
  EXPECT_TRUE(evaluate({}).composite_hundredths == std::nullopt);
}

// The reference district: composite index 4.39, "0.5 % better than last year" (4.41).
TEST(AirEvaluation, YearOnYearAsBulletinsStateIt) {
  Evaluation now, before;
  now.good_days = 200;
  now.good_rate_tenths = 658;
  now.composite_hundredths = 439;
  now.pm25_mean = 38;
  now.co_p95 = 12;
  before.good_days = 186;
  before.good_rate_tenths = 612;
  before.composite_hundredths = 441;
  before.pm25_mean = 42;
  before.co_p95 = 0;
  const auto y = year_on_year(now, before);
  EXPECT_EQ(y.good_days, 14);
  EXPECT_EQ(y.good_rate_points_tenths, 46);
  EXPECT_EQ(y.composite_tenths, -5);       // (4.39 − 4.41) / 4.41 = −0.45 % → −0.5 %
  EXPECT_EQ(y.pm25_tenths, -95);           // (38 − 42) / 42 = −9.52 % → −9.5 %
  EXPECT_FALSE(y.co_tenths.has_value());   // the earlier value is 0
  EXPECT_FALSE(y.so2_tenths.has_value());  // missing on both sides
}

TEST(AirEvaluation, RanksShareTiesAndSkip) {
  const std::vector<std::optional<std::int64_t>> index{439, 412, std::nullopt, 439, 398};
  EXPECT_EQ(rank(index, true), (std::vector<std::optional<int>>{3, 2, std::nullopt, 3, 1}));
  const std::vector<std::optional<std::int64_t>> rate{658, 700, 658};
  EXPECT_EQ(rank(rate, false), (std::vector<std::optional<int>>{2, 1, 2}));
  EXPECT_TRUE(rank({}, true).empty());
}

}  // namespace
}  // namespace ecity::environment
