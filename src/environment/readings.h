// Station data as stored (env_readings): one row per station, HJ 212 command (2011 real-time,
// 2051 minute, 2061 hourly, 2031 daily) and DataTime, with the six AQI pollutants in their own
// columns and every other item of the data area kept as sent. Decoding a packet into a row, and
// writing rows idempotently: a re-sent packet changes nothing, the parts of a split message fill
// one row.
//
// Thread-safety: pure functions, and statements on the caller's transaction.
#pragma once

#include "environment/air_daily.h"
#include "environment/hj212.h"

#include "platform/audit/audit_log.h"
#include "platform/db/database.h"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecity::environment {

// HJ 212 factor codes of the AQI pollutants, in Pollutant order (SO2, NO2, CO, O3, PM10, PM2.5).
// O3 is a05024 (HJ 524-2009; the 2017 table omits it).
constexpr std::array<std::string_view, kPollutants> kAqiCodes = {"a21026", "a21004", "a21005",
                                                                 "a05024", "a34002", "a34004"};

// The data commands stored.
constexpr int kRealtime = 2011, kMinute = 2051, kHourly = 2061, kDaily = 2031;
bool stored_command(int cn);

struct Reading {
  std::int64_t station_id = 0;
  int cn = kHourly;
  std::int64_t data_time = 0;  // epoch ms of the local DataTime
  // Millionths of µg/m³ (CO: of mg/m³); nullopt when not sent.
  std::array<std::optional<std::int64_t>, kPollutants> value{};
  std::array<char, kPollutants> flag{};  // the HJ 212 data flag, 0 when none was sent
  std::string other;                     // the other items as sent, `key=value;key=value`
  std::uint64_t parts = 1;               // bit PNO-1 of each sub-packet in this row
  int pnum = 1;
  std::string_view source = "hj212";  // or "import"
};

// DataTime `YYYYMMDDhhmmss` (Asia/Shanghai, UTC+8 all year) as epoch ms; 17 digits keep their
// milliseconds. nullopt if it is not a real time.
std::optional<std::int64_t> data_time_ms(std::string_view digits);
// A local date `YYYY-MM-DD` as the epoch ms of its midnight; nullopt if it is not a real date.
std::optional<std::int64_t> local_midnight_ms(std::string_view date);
// Epoch ms as local `YYYY-MM-DD HH:MM:SS`.
std::string local_time_text(std::int64_t ms);
// Epoch ms as a DataTime (`YYYYMMDDhhmmss`, with `with_ms` 17 digits): the inverse of data_time_ms().
std::string data_time_digits(std::int64_t ms, bool with_ms = false);

// How one station's values are read: its vendor codes and its units.
struct FactorMap {
  std::map<std::string, std::string, std::less<>> aliases;  // vendor code → standard code
  // Power of ten taking the station's unit to the canonical one: +3 for mg/m³ → µg/m³ (and µg/m³ →
  // mg/m³ for CO: -3), -3 for ng/m³ → µg/m³.
  std::array<int, kPollutants> shift{};
  static FactorMap of(const std::map<std::string, std::string>& units,
                      const std::map<std::string, std::string>& aliases);
};

// Decodes a data upload (2011 reads `-Rtd`, the others `-Avg`). Items whose value is not a
// number are left out and named in `bad` (code-suffix=value); everything else the data area
// holds, except DataTime, goes to `other`.
Reading decode(const hj212::Packet& p, int cn, std::int64_t data_time, const FactorMap& map,
               std::vector<std::string>& bad);

// Writes `r` in `tx`: a new row, or the missing parts of a split message. False when nothing
// changed (the row already held these parts: a re-sent packet).
bool put_reading(platform::Tx& tx, const Reading& r);

// Loads past hourly data (`ecity import air`) as hourly readings (2061, source "import") of one
// station, in one transaction: all or nothing, audited. Hours already stored are kept as they
// are (counted as duplicates); hours without any value are skipped.
struct ImportReport {
  std::int64_t hours = 0, stored = 0, duplicates = 0;
  std::string first, last;  // dates
};
ImportReport import_hourly(platform::Database& db, const platform::Actor& actor, std::int64_t station_id,
                           const std::vector<DayHours>& days);

// A flag that leaves a value usable for AQI: N (normal), S (set manually) or none.
inline bool usable_flag(char f) { return f == 0 || f == 'N' || f == 'S'; }

}  // namespace ecity::environment
