#include "environment/air_hourly.h"

#include <gtest/gtest.h>

#include <vector>

namespace ecity::environment {
namespace {

constexpr std::int64_t kUnit = 1'000'000;

HourValues hour(std::int64_t so2, std::int64_t no2, std::int64_t co_tenths, std::int64_t o3, std::int64_t pm10,
                std::int64_t pm25) {
  return {so2 * kUnit, no2 * kUnit, co_tenths * kUnit / 10, o3 * kUnit, pm10 * kUnit, pm25 * kUnit};
}

TEST(AirHourly, MovingAveragesUnder2012OneHourValuesUnder2026) {
  // 23 quiet hours, then an hour of PM2.5 300 (e.g. fireworks at midnight, across the day line).
  std::vector<HourValues> h(23, hour(10, 30, 8, 60, 50, 30));
  h.push_back(hour(10, 30, 8, 60, 50, 300));
  auto r = hourly_result(h, AqiStandard::k2012);
  // 2012: PM2.5 on its 24-hour moving average ((30·23 + 300)/24 = 41.25 → 41): IAQI 58.
  EXPECT_EQ(r.pm25_24h, 41);
  EXPECT_EQ(r.iaqi_pm25, 58);
  EXPECT_EQ(r.aqi.aqi, 58);
  // 2026: the hour's own 300 on the daily breakpoints: 350 below → 300 + (300−250)·100/100 = 350.
  r = hourly_result(h, AqiStandard::k2026);
  EXPECT_EQ(r.hour[5], 300);
  EXPECT_EQ(r.iaqi_pm25, 350);
  EXPECT_EQ(r.aqi.aqi, 350);
  ASSERT_EQ(r.aqi.primary.size(), 1u);
  EXPECT_EQ(r.aqi.primary[0], "PM2.5");
}

TEST(AirHourly, SulphurDioxideAbove800) {
  std::vector<HourValues> h(24, hour(100, 30, 8, 60, 50, 30));
  h.back() = hour(900, 30, 8, 60, 50, 30);
  // 2012: the 24-hour moving average (100·23 + 900)/24 = 133.3 → 133 on the SO2 24-h column: 92.
  auto r = hourly_result(h, AqiStandard::k2012);
  EXPECT_EQ(r.so2_24h, 133);
  EXPECT_EQ(r.iaqi_so2, 92);
  // 2026: 200.
  r = hourly_result(h, AqiStandard::k2026);
  EXPECT_EQ(r.iaqi_so2, 200);
  EXPECT_EQ(r.aqi.aqi, 200);
}

TEST(AirHourly, TooFewHoursForAMovingAverage) {
  std::vector<HourValues> h(19, hour(10, 30, 8, 60, 50, 30));  // 19 hours only
  auto r = hourly_result(h, AqiStandard::k2012);
  EXPECT_FALSE(r.pm25_24h.has_value());
  EXPECT_FALSE(r.aqi.aqi.has_value());  // a missing item: NA under 2012
  EXPECT_TRUE(hourly_result(h, AqiStandard::k2026).aqi.aqi.has_value());
  h.resize(5);
  EXPECT_FALSE(hourly_result(h, AqiStandard::k2012).o3_8h.has_value());  // 5 < 6 hours
  h.push_back(hour(10, 30, 8, 60, 50, 30));
  EXPECT_EQ(hourly_result(h, AqiStandard::k2012).o3_8h, 60);
  // A missing hour inside the window counts against it: 6 hours with one gap is 5 valid.
  h[2] = HourValues{};
  EXPECT_FALSE(hourly_result(h, AqiStandard::k2012).o3_8h.has_value());
}

}  // namespace
}  // namespace ecity::environment
