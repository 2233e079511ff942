// Synthetic hourly air quality for a district in the North China Plain (the demo's past years
// and the station simulator's live data): winter particulate episodes, summer ozone, daily
// cycles, weather that holds for days, stations that differ a little, and now and then a gap or
// a flagged hour. Deterministic: the same station and hour always give the same values, so the
// simulator and the demo history agree.
//
// Thread-safety: pure functions.
#pragma once

#include "environment/air_daily.h"

#include <cstdint>

namespace ecity::environment {

struct ModelHour {
  // Values at kInputScale (µg/m³; CO mg/m³) as a station reports them: PM and gases to the
  // unit, CO to 0.001.
  HourValues value{};
  // The HJ 212 flag a station would send with them (N normal; D fault, C calibration, M
  // maintenance) and whether the hour is missing altogether.
  char flag = 'N';
  bool missing = false;
};

struct AirModelParams {
  // Multiplies the particulate level (1.0: a district averaging some 200 good days out of 304
  // between January and October, PM2.5 near 45 µg/m³ over the year).
  double particulate = 1.0;
  double ozone = 1.0;
  double variability = 1.0;  // scales the day-to-day weather: more polluted and more clean days
  double sunshine = 1.0;     // the same for ozone
  double gap_rate = 0.01;    // share of hours missing
  double flag_rate = 0.005;  // share of hours flagged (not usable)
};

// The hour starting at `epoch_ms` (any ms inside the hour gives the same hour) at station
// `station` (0, 1, …).
ModelHour model_hour(int station, std::int64_t epoch_ms, const AirModelParams& p = {});

}  // namespace ecity::environment
