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

}  // namespace ecity::environment
