// The CSV faces of the air and water computations (`ecity air daily|evaluate`, `ecity water
// classify`, and later `ecity import air`), documented with examples in docs/environment.md.
// Readers check everything and throw ecity::Error naming the line; writers produce the whole
// text at once, so a bad line leaves no partial output.
#pragma once

#include "environment/air_daily.h"
#include "environment/air_evaluation.h"
#include "environment/water_quality.h"

#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace ecity::environment {

// Hourly data: header `time,so2,no2,co,o3,pm10,pm25` (a UTF-8 BOM and CRLF are accepted), then
// `YYYY-MM-DD HH,…` with HH the hour that starts then (local time), values in µg/m³ (CO in
// mg/m³), empty for missing. Days in date order; an hour given twice is an error.
std::vector<DayHours> read_hourly_csv(std::istream& in);

// Daily results: `standard` fixed, or nullopt for the standard in force on each date.
std::vector<DailyResult> daily_results(const std::vector<DayHours>& days, std::optional<AqiStandard> standard);

// `date,so2,…,primary` with a header line (see the .cpp for the columns).
std::string daily_csv(const std::vector<DailyResult>& results);
// `key,value` lines: valid_days, good_days, good_rate, so2_mean, no2_mean, pm10_mean, pm25_mean,
// co_p95, o3_8h_p90, composite_index.
std::string evaluation_csv(const Evaluation& e);

// Water samples: header `section,kind,` then any of the indicator codes (water_indicators());
// one sample per line, kind `river` or `lake`. Answers `section,class,exceeding` per section
// (samples of a section averaged), in the order sections first appear.
std::string classify_water_csv(std::istream& in);

// Water samples to store: header `section,date,` then any of the indicator codes; one sample per
// line: the section's code, the local date YYYY-MM-DD and the values (empty: not measured; at
// least one measured). A (section, date) given twice is an error.
struct WaterCsvSample {
  std::size_t line = 0;
  std::string section, date;
  WaterSample values{};
};
std::vector<WaterCsvSample> read_water_samples_csv(std::istream& in);

}  // namespace ecity::environment
