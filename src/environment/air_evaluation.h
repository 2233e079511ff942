// Evaluation of a period (month, quarter, year, any range) from daily results (HJ 663): valid
// and good days, the good-day rate, period means, the CO 95th and O3 90th percentiles, and the
// composite index (环境空气质量综合指数). Pure functions; thread-safe.
#pragma once

#include "environment/air_daily.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace ecity::environment {

// The p-th percentile (p in percent) of `values` by HJ 663 Annex A: sorted ascending, rank
// k = 1 + (n − 1)p/100, linear between the neighbours of k; rounded by GB/T 8170 to the
// values' own resolution. nullopt for no values. The values need not be sorted.
std::optional<std::int64_t> percentile(std::vector<std::int64_t> values, int p);

// How the composite index is computed: the denominators S_i (GB 3095—2012 二级 by default: SO2
// 60, NO2 40, PM10 70, PM2.5 35 µg/m³ annual, CO 4 mg/m³ daily, O3 160 µg/m³ 8-hour) and whether
// each term C_i/S_i is rounded to two decimals before summing (the default, which matches the
// published reports recomputed in docs/environment.md) or only the sum.
struct CompositeRule {
  std::int64_t so2 = 60, no2 = 40, pm10 = 70, pm25 = 35, o3 = 160;
  std::int64_t co_tenths = 40;  // 4.0 mg/m³
  bool round_each_term = true;
};

// The composite index in hundredths (439 = 4.39) of period concentrations: SO2, NO2, PM10,
// PM2.5 means and the O3 90th percentile in µg/m³, the CO 95th percentile in tenths of a mg/m³.
struct PeriodConcentrations {
  std::int64_t so2 = 0, no2 = 0, pm10 = 0, pm25 = 0, co_tenths = 0, o3 = 0;
};
std::int64_t composite_index(const PeriodConcentrations& c, const CompositeRule& rule = {});

struct Evaluation {
  int days = 0;                                  // days with any result
  int valid_days = 0;                            // days with an AQI
  int good_days = 0;                             // AQI <= 100
  std::optional<std::int64_t> good_rate_tenths;  // good / valid in tenths of a percent (658 = 65.8 %)
  // Means of the valid daily values (µg/m³), and the percentiles (CO in tenths of a mg/m³).
  std::optional<std::int64_t> so2_mean, no2_mean, pm10_mean, pm25_mean, co_p95, o3_8h_p90;
  std::optional<std::int64_t> composite_hundredths;  // 439 = 4.39; nullopt if a term is missing
};

Evaluation evaluate(const std::vector<DailyResult>& days, const CompositeRule& rule = {});

// A period against the same period a year earlier, as bulletins state it: good days ±N, the
// good-day rate in percentage points, and relative changes in percent of the composite index
// and the period concentrations (negative = lower = better), each to one decimal by GB/T 8170
// from the published (rounded) figures. nullopt where either side is missing or the earlier
// value is 0.
struct YearOnYear {
  int good_days = 0;
  std::optional<std::int64_t> good_rate_points_tenths;  // 65.8 % vs 61.2 % → 46 (4.6 points)
  std::optional<std::int64_t> composite_tenths;         // 4.39 vs 4.41 → −5 (−0.5 %)
  std::optional<std::int64_t> so2_tenths, no2_tenths, pm10_tenths, pm25_tenths, co_tenths, o3_tenths;
};
YearOnYear year_on_year(const Evaluation& now, const Evaluation& before);

// Ranks of `values` (1 = first), equal values sharing a rank and the next rank skipping
// (1, 2, 2, 4); `ascending`: smaller first (the composite index), else larger first (the
// good-day rate). Missing values get no rank.
std::vector<std::optional<int>> rank(const std::vector<std::optional<std::int64_t>>& values, bool ascending);

}  // namespace ecity::environment
