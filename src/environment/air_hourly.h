// The real-time (hourly) AQI of HJ 633 (实时报), for the hour that ends a series of hourly
// values. Pure functions; thread-safe.
//
// 2012: SO2, NO2, CO, O3 1-hour values, the O3 8-hour moving average (the last 8 hours, at least
// 6 valid) and the PM10 and PM2.5 24-hour moving averages (the last 24 hours, at least 20 valid)
// are scored; SO2 1-hour above 800 is replaced by its 24-hour moving average; an O3 8-hour value
// above 800 is not scored (the 1-hour value stands for it). The windows may cross midnight.
// 2026: the six 1-hour values only; PM10 and PM2.5 are scored on the daily breakpoints; SO2
// 1-hour above 800 scores 200. Concentrations are rounded (GB/T 8170) before scoring.
#pragma once

#include "environment/air_daily.h"

#include <span>

namespace ecity::environment {

struct HourlyResult {
  AqiStandard standard = AqiStandard::k2012;
  std::array<std::optional<std::int64_t>, kPollutants> hour{};     // rounded 1-hour values
  std::optional<std::int64_t> o3_8h, pm10_24h, pm25_24h, so2_24h;  // moving averages (2012)
  std::optional<int> iaqi_so2, iaqi_no2, iaqi_co, iaqi_o3_1h, iaqi_o3_8h, iaqi_pm10, iaqi_pm25;
  AqiResult aqi;
};

// `hours` are consecutive hours, oldest first, the last being the hour reported (up to 24 are
// read; fewer mean the earlier ones are missing). REQUIRES: !hours.empty().
HourlyResult hourly_result(std::span<const HourValues> hours, AqiStandard s);

}  // namespace ecity::environment
