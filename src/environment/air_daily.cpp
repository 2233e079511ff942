#include "environment/air_daily.h"

#include "platform/numeric/decimal.h"

namespace ecity::environment {

namespace {

using platform::pow10;
using platform::round_half_even;

// An exact mean: sum / n of values at kInputScale.
struct Mean {
  std::int64_t sum = 0;
  std::int64_t n = 0;
  // this > other, exactly (cross-multiplied).
  bool above(const Mean& o) const { return static_cast<__int128>(sum) * o.n > static_cast<__int128>(o.sum) * n; }
};

std::optional<std::int64_t> mean_of_day(const DayHours& day, Pollutant p) {
  Mean m;
  for (const auto& h : day.hours)
    if (const auto& v = h[static_cast<std::size_t>(p)]) {
      m.sum += *v;
      ++m.n;
    }
  if (m.n < kMinHours) return std::nullopt;
  return rounded_mean(m.sum, m.n, p);
}

std::optional<std::int64_t> o3_max_1h(const DayHours& day) {
  std::optional<std::int64_t> top;
  int n = 0;
  for (const auto& h : day.hours)
    if (const auto& v = h[static_cast<std::size_t>(Pollutant::kO3)]) {
      ++n;
      if (!top || *v > *top) top = v;
    }
  if (n < kMinHours) return std::nullopt;
  return rounded_mean(*top, 1, Pollutant::kO3);
}

// The largest of the 17 eight-hour moving averages that lie inside the day (hours 0–7 … 16–23).
std::optional<std::int64_t> o3_max_8h(const DayHours& day) {
  std::optional<Mean> top;
  int valid = 0;
  for (int start = 0; start + 8 <= 24; ++start) {
    Mean w;
    for (int h = start; h < start + 8; ++h)
      if (const auto& v = day.hours[static_cast<std::size_t>(h)][static_cast<std::size_t>(Pollutant::kO3)]) {
        w.sum += *v;
        ++w.n;
      }
    if (w.n < kMinWindowHours) continue;
    ++valid;
    if (!top || w.above(*top)) top = w;
  }
  if (!top) return std::nullopt;
  const std::int64_t rounded = rounded_mean(top->sum, top->n, Pollutant::kO3);
  // Too few windows, unless those there already exceed the limit (that cannot be undone).
  if (valid < kMinWindows && rounded <= 160) return std::nullopt;
  return rounded;
}

}  // namespace

int result_decimals(Pollutant p) { return p == Pollutant::kCO ? 1 : 0; }

std::int64_t rounded_mean(std::int64_t sum, std::int64_t n, Pollutant p) {
  return round_half_even(sum * pow10(result_decimals(p)), n * pow10(kInputScale));
}

DailyResult daily_result(const DayHours& day, AqiStandard s) {
  DailyResult r;
  r.date = day.date;
  r.standard = s;
  for (auto p : {Pollutant::kSO2, Pollutant::kNO2, Pollutant::kCO, Pollutant::kPM10, Pollutant::kPM25})
    r.mean[static_cast<std::size_t>(p)] = mean_of_day(day, p);
  r.o3_1h_max = o3_max_1h(day);
  r.o3_8h_max = o3_max_8h(day);
  const auto& m = r.mean;
  r.iaqi_so2 = iaqi(s, AqiItem::kSO2_24h, m[static_cast<std::size_t>(Pollutant::kSO2)]);
  r.iaqi_no2 = iaqi(s, AqiItem::kNO2_24h, m[static_cast<std::size_t>(Pollutant::kNO2)]);
  r.iaqi_co = iaqi(s, AqiItem::kCO_24h, m[static_cast<std::size_t>(Pollutant::kCO)]);
  r.iaqi_pm10 = iaqi(s, AqiItem::kPM10_24h, m[static_cast<std::size_t>(Pollutant::kPM10)]);
  r.iaqi_pm25 = iaqi(s, AqiItem::kPM25_24h, m[static_cast<std::size_t>(Pollutant::kPM25)]);
  r.iaqi_o3_8h = iaqi(s, AqiItem::kO3_8h, r.o3_8h_max);
  std::vector<SubIndex> items{{"SO2", r.iaqi_so2}, {"NO2", r.iaqi_no2}, {"CO", r.iaqi_co}};
  if (s == AqiStandard::k2012) {
    // The daily report of 2012 also scores the O3 1-hour maximum; an 8-hour maximum above 800
    // is not scored (the 1-hour value stands for it), which is not a missing value.
    r.iaqi_o3_1h = iaqi(s, AqiItem::kO3_1h, r.o3_1h_max);
    items.push_back({"O3_1h", r.iaqi_o3_1h});
    if (!(r.o3_8h_max && *r.o3_8h_max > 800)) items.push_back({"O3_8h", r.iaqi_o3_8h});
  } else {
    items.push_back({"O3_8h", r.iaqi_o3_8h});
  }
  items.push_back({"PM10", r.iaqi_pm10});
  items.push_back({"PM2.5", r.iaqi_pm25});
  r.aqi = combine(s, items);
  return r;
}

}  // namespace ecity::environment
