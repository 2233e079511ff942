// The air quality index (AQI) of HJ 633—2012 and HJ 633—2026, exactly: sub-indices (IAQI) from
// the breakpoint tables by integer arithmetic with the standards' rounding up, the levels with
// their names and colours, and the primary pollutants. docs/environment.md restates the rules;
// ../shared/standards/air-quality.md collects the sources.
//
// Concentrations are in their reporting resolution, already rounded (GB/T 8170): µg/m³ as
// integers, CO in tenths of a mg/m³ (2.2 mg/m³ is 22). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecity::environment {

enum class AqiStandard { k2012, k2026 };

// HJ 633—2026 is in force from 2026-03-01; earlier data keeps the 2012 rules.
AqiStandard standard_on(std::string_view iso_date);  // "YYYY-MM-DD"
std::string_view code(AqiStandard s);                // "2012", "2026"
std::optional<AqiStandard> standard_from(std::string_view code);

// The columns of HJ 633 Table 1.
enum class AqiItem { kSO2_24h, kSO2_1h, kNO2_24h, kNO2_1h, kCO_24h, kCO_1h, kO3_1h, kO3_8h, kPM10_24h, kPM25_24h };

// Sub-index of a rounded concentration. nullopt (NA) for a negative concentration, and, under
// 2012, for SO2 1-h or O3 8-h above 800 µg/m³: that standard scores the SO2 24-h or O3 1-h
// value instead, which the caller supplies (2026 scores them 200 and 300). Above the last
// breakpoint the index is 500.
std::optional<int> iaqi(AqiStandard s, AqiItem item, std::int64_t concentration);
// The same for a concentration that may be missing (NA in, NA out).
std::optional<int> iaqi(AqiStandard s, AqiItem item, const std::optional<std::int64_t>& concentration);

struct AqiLevel {
  int level = 0;            // 1–6
  std::string_view grade;   // 一级 … 六级
  std::string_view name;    // 优, 良, 轻度污染, 中度污染, 重度污染, 严重污染
  std::string_view colour;  // "#00E400" …
};
// REQUIRES: aqi >= 0.
AqiLevel level_of(int aqi);

// One scored item of a report: its code as the reports print it ("PM2.5", "O3_8h", …) and its
// sub-index, or NA.
struct SubIndex {
  std::string_view code;
  std::optional<int> value;
};

// The AQI and primary pollutants of a report's sub-indices. `complete` says whether every
// item the report needs was measured (a NA that the standard excuses, such as an O3 8-h value
// above 800 under 2012, is left out by the caller, not passed as NA).
struct AqiResult {
  std::optional<int> aqi;                 // NA when the rules of missing data say so
  std::vector<std::string_view> primary;  // the items with the largest sub-index when AQI > 50, ties all
};
// With every item measured, AQI is the largest sub-index. With one missing, 2012 gives NA;
// 2026 (§5.3.1) gives the largest of the others if it exceeds 100, else NA.
AqiResult combine(AqiStandard s, const std::vector<SubIndex>& items);

}  // namespace ecity::environment
