// The environment part of the demo district: Yicheng's air stations (one provincial station at the
// district government and one county station per town, placed inside their towns through the
// platform's locator) and two years of their hourly data (2021 and 2022) from the air model, tuned
// so that January-October 2022 lands near the district's published figures (composite index 4.39,
// 0.5 % better than 2021; docs/environment.md has what the model gives). Live data comes from
// `ecity simulate stations --prefix YCAQ --count 8 --password …` (the same model, so it continues
// the history), which `make demo` starts.
//
// Thread-safety: call once, from the command line.
#pragma once

#include "environment/air_model.h"

#include "platform/runtime.h"

#include <string>

namespace ecity::environment {

inline constexpr const char* kDemoStationPrefix = "YCAQ";
inline constexpr const char* kDemoStationPassword = "yc-demo-2022";
inline constexpr int kDemoStations = 8;

// The model's settings for a year of the demo (the tuned 2021 and 2022; other years as 2022).
AirModelParams demo_air_params(int year);

struct DemoAirResult {
  int stations = 0;        // added now
  std::int64_t hours = 0;  // hourly readings written
  bool skipped = false;    // the history was there already
};

// Registers the stations that are missing and writes their 2021-2022 history once.
DemoAirResult load_demo_air(platform::Runtime& rt);

struct DemoWaterResult {
  int sections = 0;           // added now
  std::size_t samples = 0;    // added now
  std::size_t unchanged = 0;  // there already
};

// The district's surface-water sections (the national-control section 贾庄闸 on the 峄城大沙河,
// target class III, and three illustrative provincial and county ones, one a reservoir) and a
// monthly sample of each for 2021-2022 with seasonal variation: 贾庄闸 meets class III every month,
// the others lapse by a class in their season (summer phosphorus, winter ammonia). Idempotent.
DemoWaterResult load_demo_water(platform::Runtime& rt);

}  // namespace ecity::environment
