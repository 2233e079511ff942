// Air quality from stored station data, for the API and the console: a station's readings, daily
// AQI, and the evaluation of a period with its year-on-year comparison and the rankings of
// stations and towns. The figures are those of the pure computations (air_daily, air_evaluation)
// applied to hourly data (2061) as stored; the district's and a town's hour is the mean of its
// stations' valid values for that hour (HJ 663: a city's concentration is the mean of its points),
// over the reference stations (national, provincial and county kinds; micro sensors are shown but
// not evaluated).
//
// Thread-safety: safe from any worker thread.
#pragma once

#include "environment/air_daily.h"
#include "environment/air_evaluation.h"
#include "environment/stations.h"

#include "platform/auth/principal.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ecity::platform {
class Runtime;
}

namespace ecity::environment {

// What an air query covers: one station, one town's stations, or (neither) the district's.
struct AirScope {
  std::optional<std::int64_t> station, town;
  std::string from, to;                 // local dates YYYY-MM-DD, inclusive
  std::optional<AqiStandard> standard;  // nullopt: the one in force on each date
};

class AirService {
 public:
  AirService(platform::Runtime& rt, StationService& stations) : rt_(rt), stations_(stations) {}

  // Rows of a station between two instants (epoch ms, to exclusive) for one command, oldest
  // first, at most 5,000. Throws Error (not_found) for a station out of scope, (invalid) for a
  // range that would hold more.
  nlohmann::json readings(const platform::Principal& who, std::int64_t station, int cn, std::int64_t from,
                          std::int64_t to);
  // Daily results of every date of the scope's range (366 at most).
  std::vector<DailyResult> daily(const platform::Principal& who, const AirScope& scope);
  // {evaluation, previous (the same dates a year earlier), year_on_year, stations: [...], towns: [...]}
  // with the ranks by composite index (smaller first) and by good-day rate.
  nlohmann::json evaluation(const platform::Principal& who, const AirScope& scope);
  // Each station in scope with its latest hourly AQI (HJ 633 real-time rules of the standard in
  // force at that hour, over the 24 hours up to it), from data of the last 7 days.
  nlohmann::json latest(const platform::Principal& who);
  // Per station in scope: hourly rows received, missing and flagged over a date range, and the
  // refusals of that range by reason.
  nlohmann::json quality(const platform::Principal& who, const AirScope& scope);
  // Refused packets and connections, newest first, optionally of one reason.
  nlohmann::json rejections(const platform::Principal& who, int page, int size, const std::string& reason);

 private:
  platform::Runtime& rt_;
  StationService& stations_;
};

nlohmann::json daily_json(const DailyResult& r);
nlohmann::json evaluation_json(const Evaluation& e);

// Parses and checks an AirScope from query values; throws Error (invalid) naming the field.
AirScope air_scope(const std::optional<std::string>& from, const std::optional<std::string>& to,
                   const std::optional<std::string>& standard, std::optional<std::int64_t> station,
                   std::optional<std::int64_t> town, std::int64_t now_ms);

}  // namespace ecity::environment
