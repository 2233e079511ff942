// Surface-water monitoring sections (地表水断面) and their samples, for the API, the console and
// the command line: the registry of sections with their target class, samples entered, corrected
// or imported from CSV, and each section's class over a period, by month and of its latest
// sample, by the single-factor evaluation of GB 3838-2002 (water_quality.h). A section is located
// like a station, so a town's staff see the sections in their town.
//
// Thread-safety: safe from any worker thread.
#pragma once

#include "environment/csv_io.h"
#include "environment/water_quality.h"

#include "platform/audit/audit_log.h"
#include "platform/auth/principal.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace ecity::platform {
class Runtime;
}

namespace ecity::environment {

struct WaterSection {
  std::int64_t id = 0;
  std::string code, name, river;
  WaterBody kind = WaterBody::kRiver;
  std::string control;   // national, provincial, city, county (国控, 省控, 市控, 县控)
  int target_class = 3;  // 1–5 for I–V
  std::optional<double> lng, lat;
  std::optional<std::int64_t> region_id, town_id;
  bool enabled = true;
  std::int64_t created_at = 0, updated_at = 0;
  int version = 1;
};

// What a caller may set. Absent optionals leave a field as it is on update; on create, code,
// name, kind, control and target_class are required.
struct WaterSectionInput {
  std::optional<std::string> code, name, river, control;
  std::optional<WaterBody> kind;
  std::optional<int> target_class;
  std::optional<double> lng, lat;
  bool clear_location = false;  // lng and lat given as null
  std::optional<bool> enabled;
  std::optional<int> version;  // optimistic lock on update
};

struct WaterSampleInput {
  std::optional<std::string> sampled_on;  // YYYY-MM-DD; required on create, fixed after
  std::optional<WaterSample> values;      // required on create; replaces all values on update
  std::optional<std::string> note;
  std::optional<int> version;  // optimistic lock on update
};

// Validate JSON bodies (POST: create, PUT: update); throw Error (invalid "validation") naming
// every bad field (`values.<code>` for a value).
WaterSectionInput parse_water_section(const nlohmann::json& body, bool create);
WaterSampleInput parse_water_sample(const nlohmann::json& body, bool create);

struct WaterImportResult {
  std::size_t lines = 0, added = 0, unchanged = 0;
};

class WaterService {
 public:
  explicit WaterService(platform::Runtime& rt) : rt_(rt) {}

  // {from, to, summary, items}: the sections in scope with their class over [from, to]
  // (dates YYYY-MM-DD, inclusive), by month, and their latest sample of the period.
  nlohmann::json sections(const platform::Principal& who, const std::string& from, const std::string& to);
  // {section, samples}: one section as in sections() and its samples of the period, newest first.
  // Throws Error (not_found) when absent or out of scope.
  nlohmann::json section(const platform::Principal& who, std::int64_t id, const std::string& from,
                         const std::string& to);
  // Throw Error: forbidden without environment:config; conflict ("duplicate") for a known code,
  // ("stale") for an old version; invalid for a location outside the district.
  WaterSection create_section(const platform::Principal& who, const platform::Actor& actor,
                              const WaterSectionInput& in);
  WaterSection update_section(const platform::Principal& who, const platform::Actor& actor, std::int64_t id,
                              const WaterSectionInput& in);
  // A new sample (conflict "duplicate" when the section has one that day; invalid for a date in
  // the future) and a correction of one (the operation log keeps the values it replaced).
  nlohmann::json add_sample(const platform::Principal& who, const platform::Actor& actor, std::int64_t section,
                            const WaterSampleInput& in);
  nlohmann::json correct_sample(const platform::Principal& who, const platform::Actor& actor, std::int64_t id,
                                const WaterSampleInput& in);
  // Samples from CSV (read_water_samples_csv), all or nothing, in one transaction: a sample that
  // is stored already with the same values is counted unchanged; with other values it is a
  // conflict naming the line. `who` null: the command line or the demo, unchecked.
  WaterImportResult import_samples(const platform::Principal* who, const platform::Actor& actor,
                                   const std::vector<WaterCsvSample>& samples);
  // For the command line and the demo: a section by code, and create() by the system.
  std::optional<WaterSection> by_code(const std::string& code);
  WaterSection add_section(const platform::Actor& actor, const WaterSectionInput& in);

 private:
  WaterSection insert_section(const platform::Actor& actor, const WaterSectionInput& in);
  platform::Runtime& rt_;
};

nlohmann::json water_section_json(const WaterSection& s);

// `from`/`to` query values (default: 1 January of this year to today) checked as dates, `to` not
// before `from`; throws Error (invalid) naming the field.
std::pair<std::string, std::string> water_period(const std::optional<std::string>& from,
                                                 const std::optional<std::string>& to, std::int64_t now_ms);

}  // namespace ecity::environment
