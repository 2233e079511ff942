// Daily air quality results from hourly concentrations (HJ 633 daily report, GB 3095 validity
// rules): 24-hour means, the O3 daily maximum 1-hour value and the daily maximum of the 8-hour
// moving averages inside the calendar day, each rounded once by GB/T 8170 from its exact
// value, then indexed. Pure functions; thread-safe.
#pragma once

#include "environment/air_index.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace ecity::environment {

enum class Pollutant { kSO2, kNO2, kCO, kO3, kPM10, kPM25 };
constexpr std::size_t kPollutants = 6;

// Hourly values are kept exact, as value × 10^kInputScale in the units of the data (µg/m³; CO in
// mg/m³). Results come in reporting resolution: µg/m³ integers, CO in tenths of a mg/m³.
constexpr int kInputScale = 6;
// Decimals of a result in its unit: 0, or 1 for CO.
int result_decimals(Pollutant p);
// The exact mean sum / n of values at kInputScale, rounded once (GB/T 8170) to the resolution
// of `p`'s results. REQUIRES: n > 0.
std::int64_t rounded_mean(std::int64_t sum, std::int64_t n, Pollutant p);

// One hour's 1-hour means; nullopt = missing or flagged invalid.
using HourValues = std::array<std::optional<std::int64_t>, kPollutants>;

// One calendar day (local time): hours[h] is the hour that starts at h:00.
struct DayHours {
  std::string date;  // YYYY-MM-DD
  std::array<HourValues, 24> hours{};
};

struct DailyResult {
  std::string date;
  AqiStandard standard = AqiStandard::k2012;
  // Rounded concentrations; nullopt when the validity rules fail.
  std::array<std::optional<std::int64_t>, kPollutants> mean{};  // 24-h means (the O3 slot is unused)
  std::optional<std::int64_t> o3_1h_max;                        // daily maximum 1-hour O3
  std::optional<std::int64_t> o3_8h_max;                        // daily maximum 8-hour moving average
  // Sub-indices; o3_1h is scored under 2012 only.
  std::optional<int> iaqi_so2, iaqi_no2, iaqi_co, iaqi_o3_1h, iaqi_o3_8h, iaqi_pm10, iaqi_pm25;
  AqiResult aqi;
};

// At least 20 valid hours make a 24-hour mean (and the O3 1-hour maximum); an 8-hour window
// needs 6 valid hours; the O3 8-hour maximum needs 14 valid windows of the 17 inside the day,
// unless fewer windows already exceed 160 µg/m³.
constexpr int kMinHours = 20;
constexpr int kMinWindowHours = 6;
constexpr int kMinWindows = 14;
DailyResult daily_result(const DayHours& day, AqiStandard s);

}  // namespace ecity::environment
