#include "environment/air_hourly.h"

namespace ecity::environment {

namespace {

constexpr std::size_t at(Pollutant p) { return static_cast<std::size_t>(p); }

// The mean of `p` over the last `window` hours, if at least `min_valid` are valid, rounded.
std::optional<std::int64_t> moving(std::span<const HourValues> hours, Pollutant p, std::size_t window,
                                   std::size_t min_valid) {
  const std::size_t from = hours.size() > window ? hours.size() - window : 0;
  std::int64_t sum = 0, n = 0;
  for (std::size_t i = from; i < hours.size(); ++i)
    if (const auto& v = hours[i][at(p)]) {
      sum += *v;
      ++n;
    }
  if (n < static_cast<std::int64_t>(min_valid)) return std::nullopt;
  return rounded_mean(sum, n, p);
}

}  // namespace

HourlyResult hourly_result(std::span<const HourValues> hours, AqiStandard s) {
  HourlyResult r;
  r.standard = s;
  const auto& now = hours.back();
  for (std::size_t p = 0; p < kPollutants; ++p)
    if (now[p]) r.hour[p] = rounded_mean(*now[p], 1, static_cast<Pollutant>(p));
  r.iaqi_no2 = iaqi(s, AqiItem::kNO2_1h, r.hour[at(Pollutant::kNO2)]);
  r.iaqi_co = iaqi(s, AqiItem::kCO_1h, r.hour[at(Pollutant::kCO)]);
  r.iaqi_o3_1h = iaqi(s, AqiItem::kO3_1h, r.hour[at(Pollutant::kO3)]);
  r.iaqi_so2 = iaqi(s, AqiItem::kSO2_1h, r.hour[at(Pollutant::kSO2)]);
  std::vector<SubIndex> items;
  if (s == AqiStandard::k2012) {
    r.o3_8h = moving(hours, Pollutant::kO3, 8, kMinWindowHours);
    r.pm10_24h = moving(hours, Pollutant::kPM10, 24, kMinHours);
    r.pm25_24h = moving(hours, Pollutant::kPM25, 24, kMinHours);
    if (r.hour[at(Pollutant::kSO2)] && *r.hour[at(Pollutant::kSO2)] > 800) {
      r.so2_24h = moving(hours, Pollutant::kSO2, 24, kMinHours);
      r.iaqi_so2 = iaqi(s, AqiItem::kSO2_24h, r.so2_24h);
    }
    r.iaqi_o3_8h = iaqi(s, AqiItem::kO3_8h, r.o3_8h);
    r.iaqi_pm10 = iaqi(s, AqiItem::kPM10_24h, r.pm10_24h);
    r.iaqi_pm25 = iaqi(s, AqiItem::kPM25_24h, r.pm25_24h);
    items = {{"SO2", r.iaqi_so2}, {"NO2", r.iaqi_no2}, {"CO", r.iaqi_co}, {"O3_1h", r.iaqi_o3_1h}};
    if (!(r.o3_8h && *r.o3_8h > 800)) items.push_back({"O3_8h", r.iaqi_o3_8h});
  } else {
    r.iaqi_pm10 = iaqi(s, AqiItem::kPM10_24h, r.hour[at(Pollutant::kPM10)]);
    r.iaqi_pm25 = iaqi(s, AqiItem::kPM25_24h, r.hour[at(Pollutant::kPM25)]);
    items = {{"SO2", r.iaqi_so2}, {"NO2", r.iaqi_no2}, {"CO", r.iaqi_co}, {"O3", r.iaqi_o3_1h}};
  }
  items.push_back({"PM10", r.iaqi_pm10});
  items.push_back({"PM2.5", r.iaqi_pm25});
  r.aqi = combine(s, items);
  return r;
}

}  // namespace ecity::environment
