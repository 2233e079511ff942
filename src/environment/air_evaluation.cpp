#include "environment/air_evaluation.h"

#include "platform/numeric/decimal.h"

#include <algorithm>
#include <numeric>

namespace ecity::environment {

namespace {

using platform::round_half_even;

std::optional<std::int64_t> mean_of(const std::vector<std::int64_t>& v) {
  if (v.empty()) return std::nullopt;
  const std::int64_t sum = std::accumulate(v.begin(), v.end(), std::int64_t{0});
  return round_half_even(sum, static_cast<std::int64_t>(v.size()));
}

}  // namespace

std::optional<std::int64_t> percentile(std::vector<std::int64_t> values, int p) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  // k = 1 + (n − 1)p/100 = s + f/100 with s the integer part (1-based) and f in 0..99.
  const std::int64_t q = static_cast<std::int64_t>(values.size() - 1) * p;
  const auto s = static_cast<std::size_t>(q / 100);  // 0-based index of X(s)
  const std::int64_t f = q % 100;
  if (f == 0) return values[s];
  const std::int64_t lo = values[s], hi = values[s + 1];
  return round_half_even(lo * 100 + (hi - lo) * f, 100);
}

std::int64_t composite_index(const PeriodConcentrations& p, const CompositeRule& rule) {
  // Σ C_i / S_i over the six terms (CO in tenths over S in tenths).
  const std::int64_t c[] = {p.so2, p.no2, p.pm10, p.pm25, p.co_tenths, p.o3};
  const std::int64_t s[] = {rule.so2, rule.no2, rule.pm10, rule.pm25, rule.co_tenths, rule.o3};
  if (rule.round_each_term) {
    std::int64_t sum = 0;
    for (std::size_t i = 0; i < 6; ++i) sum += round_half_even(c[i] * 100, s[i]);
    return sum;
  }
  // Exact: over the product of the denominators, rounded once.
  __int128 den = 1;
  for (auto x : s) den *= x;
  __int128 num = 0;
  for (std::size_t i = 0; i < 6; ++i) num += static_cast<__int128>(c[i]) * 100 * (den / s[i]);
  // round half to even on 128 bits
  __int128 q = num / den, r = num % den;
  if (2 * r > den || (2 * r == den && q % 2 == 1)) ++q;
  return static_cast<std::int64_t>(q);
}

Evaluation evaluate(const std::vector<DailyResult>& days, const CompositeRule& rule) {
  Evaluation e;
  std::vector<std::int64_t> so2, no2, pm10, pm25, co, o3;
  auto take = [](std::vector<std::int64_t>& into, const std::optional<std::int64_t>& v) {
    if (v) into.push_back(*v);
  };
  for (const auto& d : days) {
    ++e.days;
    if (d.aqi.aqi) {
      ++e.valid_days;
      if (*d.aqi.aqi <= 100) ++e.good_days;
    }
    take(so2, d.mean[static_cast<std::size_t>(Pollutant::kSO2)]);
    take(no2, d.mean[static_cast<std::size_t>(Pollutant::kNO2)]);
    take(pm10, d.mean[static_cast<std::size_t>(Pollutant::kPM10)]);
    take(pm25, d.mean[static_cast<std::size_t>(Pollutant::kPM25)]);
    take(co, d.mean[static_cast<std::size_t>(Pollutant::kCO)]);
    take(o3, d.o3_8h_max);
  }
  if (e.valid_days > 0) e.good_rate_tenths = round_half_even(std::int64_t{e.good_days} * 1000, e.valid_days);
  e.so2_mean = mean_of(so2);
  e.no2_mean = mean_of(no2);
  e.pm10_mean = mean_of(pm10);
  e.pm25_mean = mean_of(pm25);
  e.co_p95 = percentile(co, 95);
  e.o3_8h_p90 = percentile(o3, 90);
  if (e.so2_mean && e.no2_mean && e.pm10_mean && e.pm25_mean && e.co_p95 && e.o3_8h_p90)
    e.composite_hundredths =
        composite_index({*e.so2_mean, *e.no2_mean, *e.pm10_mean, *e.pm25_mean, *e.co_p95, *e.o3_8h_p90}, rule);
  return e;
}

namespace {

std::optional<std::int64_t> change_tenths(const std::optional<std::int64_t>& now,
                                          const std::optional<std::int64_t>& before) {
  if (!now || !before || *before == 0) return std::nullopt;
  return round_half_even((*now - *before) * 1000, *before);
}

}  // namespace

YearOnYear year_on_year(const Evaluation& now, const Evaluation& before) {
  YearOnYear y;
  y.good_days = now.good_days - before.good_days;
  if (now.good_rate_tenths && before.good_rate_tenths)
    y.good_rate_points_tenths = *now.good_rate_tenths - *before.good_rate_tenths;
  y.composite_tenths = change_tenths(now.composite_hundredths, before.composite_hundredths);
  y.so2_tenths = change_tenths(now.so2_mean, before.so2_mean);
  y.no2_tenths = change_tenths(now.no2_mean, before.no2_mean);
  y.pm10_tenths = change_tenths(now.pm10_mean, before.pm10_mean);
  y.pm25_tenths = change_tenths(now.pm25_mean, before.pm25_mean);
  y.co_tenths = change_tenths(now.co_p95, before.co_p95);
  y.o3_tenths = change_tenths(now.o3_8h_p90, before.o3_8h_p90);
  return y;
}

std::vector<std::optional<int>> rank(const std::vector<std::optional<std::int64_t>>& values, bool ascending) {
  std::vector<std::optional<int>> out(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!values[i]) continue;
    int better = 0;
    for (const auto& v : values)
      if (v && (ascending ? *v < *values[i] : *v > *values[i])) ++better;
    out[i] = better + 1;
  }
  return out;
}

}  // namespace ecity::environment
