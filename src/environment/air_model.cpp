#include "environment/air_model.h"

#include "platform/numeric/decimal.h"

#include <cmath>

namespace ecity::environment {

namespace {

constexpr double kPi = 3.14159265358979323846;

std::uint64_t mix(std::uint64_t x) {  // splitmix64
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// Uniform in [0, 1) from a key.
double uniform(std::uint64_t a, std::uint64_t b, std::uint64_t salt) {
  return static_cast<double>(mix(mix(a * 0x100000001B3ULL ^ b) ^ salt) >> 11) * 0x1.0p-53;
}

// Roughly standard normal (Irwin-Hall of four).
double normal(std::uint64_t a, std::uint64_t b, std::uint64_t salt) {
  double s = 0;
  for (std::uint64_t i = 0; i < 4; ++i) s += uniform(a, b, salt * 7 + i);
  return (s - 2.0) * std::sqrt(3.0);
}

// Weather that holds for days: smoothed daily noise shared by every station.
double weather(std::int64_t day, std::uint64_t salt) {
  return 0.5 * normal(0, static_cast<std::uint64_t>(day), salt) +
         0.35 * normal(0, static_cast<std::uint64_t>(day - 1), salt) +
         0.25 * normal(0, static_cast<std::uint64_t>(day - 2), salt);
}

std::int64_t scaled(double v, int decimals) {
  if (v < 0) v = 0;
  const double unit = std::pow(10.0, decimals);
  return std::llround(v * unit) * platform::pow10(kInputScale - decimals);
}

}  // namespace

ModelHour model_hour(int station, std::int64_t epoch_ms, const AirModelParams& p) {
  const std::int64_t local_hour = (epoch_ms + 8 * 3'600'000LL) / 3'600'000LL;
  const std::int64_t day = local_hour / 24;
  const int h = static_cast<int>(local_hour % 24);
  const auto st = static_cast<std::uint64_t>(station);
  const auto hour_key = static_cast<std::uint64_t>(local_hour);
  // Day of the year (0 = 1 January), good to a day over the centuries that matter here.
  const double doy = std::fmod(static_cast<double>(day) - 10957.0 + 365.2425 * 100, 365.2425);
  const double winter = std::cos(2 * kPi * (doy - 15) / 365.2425);     // +1 mid-January, -1 mid-July
  const double spring_dust = std::exp(-std::pow((doy - 95) / 25, 2));  // April

  ModelHour m;
  if (uniform(st, hour_key, 11) < p.gap_rate || uniform(st, static_cast<std::uint64_t>(day), 12) < p.gap_rate / 4) {
    m.missing = true;  // an hour lost, or (rarely) most of a day
    return m;
  }
  if (uniform(st, hour_key, 13) < p.flag_rate) m.flag = "DCM"[mix(st ^ hour_key) % 3];

  // Stagnant weather raises everything but ozone; sunny weather raises ozone.
  const double stagnation = weather(day, 21) * (0.45 + 0.25 * winter) * p.variability;
  const double sun = weather(day, 22) * 0.35 * p.sunshine;
  const double station_bias = 1 + 0.10 * (uniform(st, 0, 31) - 0.5);
  const double noise = std::exp(0.12 * normal(st, hour_key, 41));
  const double night = 1 + 0.18 * std::cos(2 * kPi * (h - 23) / 24.0);
  const double traffic =
      1 + 0.25 * std::exp(-std::pow((h - 8) / 1.8, 2)) + 0.3 * std::exp(-std::pow((h - 19) / 2.2, 2));

  const double pm25 = 38 * p.particulate * (1 + 0.75 * winter) * std::exp(stagnation) * night * station_bias * noise;
  const double pm10 = pm25 * (1.65 + 0.9 * spring_dust + 0.15 * uniform(st, hour_key, 51));
  const double so2 = 11 * (1 + 0.7 * winter) * std::exp(0.5 * stagnation) * station_bias * noise;
  const double no2 = 24 * (1 + 0.3 * winter) * std::exp(0.55 * stagnation) * traffic * station_bias * noise;
  const double co = 0.6 * (1 + 0.45 * winter) * std::exp(0.55 * stagnation) * night * noise;
  const double daylight = h >= 7 && h <= 20 ? std::max(0.0, std::sin(kPi * (h - 7) / 13.0)) : 0.0;
  const double o3 = p.ozone * (18 + 118 * (1 - 0.72 * winter) * (0.3 + 0.85 * daylight) * std::exp(sun - 0.2)) *
                    std::exp(0.08 * normal(st, hour_key, 61));

  m.value[static_cast<std::size_t>(Pollutant::kSO2)] = scaled(so2, 0);
  m.value[static_cast<std::size_t>(Pollutant::kNO2)] = scaled(no2, 0);
  m.value[static_cast<std::size_t>(Pollutant::kCO)] = scaled(co, 3);
  m.value[static_cast<std::size_t>(Pollutant::kO3)] = scaled(o3, 0);
  m.value[static_cast<std::size_t>(Pollutant::kPM10)] = scaled(pm10, 0);
  m.value[static_cast<std::size_t>(Pollutant::kPM25)] = scaled(pm25, 0);
  return m;
}

}  // namespace ecity::environment
