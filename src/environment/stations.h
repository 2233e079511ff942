// The registry of monitoring stations (环境监测站点) that send HJ 212 packets: who they are (MN),
// what they are, where (located to town and grid through the platform), their access password
// (kept as SHA-256), the factors they report, their protocol version and whether they may send.
//
// Thread-safety: safe from any worker thread.
#pragma once

#include "platform/audit/audit_log.h"
#include "platform/auth/principal.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ecity::platform {
class Runtime;
}

namespace ecity::environment {

struct Station {
  std::int64_t id = 0;
  std::string mn, name, kind, protocol;
  std::optional<double> lng, lat;
  std::optional<std::int64_t> region_id, town_id;
  std::vector<std::string> factors;
  // Units of AQI factors that differ from µg/m³ (CO mg/m³): factor code → ug/m3, mg/m3 or ng/m3.
  std::map<std::string, std::string> units;
  // Vendor factor codes → standard codes (o31104 → a05024).
  std::map<std::string, std::string> aliases;
  bool enabled = true;
  std::optional<std::int64_t> last_seen_at;
  std::int64_t created_at = 0, updated_at = 0;
  int version = 1;
};

// What a caller may set. Absent optionals leave a field as it is on update; on create, `mn`,
// `name` and `password` are required.
struct StationInput {
  std::optional<std::string> mn, name, kind, protocol, password;
  std::optional<double> lng, lat;
  bool clear_location = false;  // lng and lat given as null
  std::optional<std::vector<std::string>> factors;
  std::optional<std::map<std::string, std::string>> units, aliases;
  std::optional<bool> enabled;
  std::optional<int> version;  // optimistic lock on update
};

// Validates a JSON body (POST: create, PUT: update). Throws Error (invalid "validation") naming
// every bad field.
StationInput parse_station(const nlohmann::json& body, bool create);

class StationService {
 public:
  explicit StationService(platform::Runtime& rt) : rt_(rt) {}

  // Stations the caller may see: everything, or, for a region-scoped user, those located in
  // their region. Ordered by name.
  std::vector<Station> list(const platform::Principal& who);
  // Throws Error (not_found) when absent or out of scope.
  Station get(const platform::Principal& who, std::int64_t id);
  // Throws Error: forbidden without environment:config; conflict ("duplicate") for a known MN;
  // invalid for a location outside the district's map.
  Station create(const platform::Principal& who, const platform::Actor& actor, const StationInput& in);
  // Throws Error (conflict "stale") if `in.version` is not the stored one.
  Station update(const platform::Principal& who, const platform::Actor& actor, std::int64_t id, const StationInput& in);
  // For the command line (`ecity station add`): as create(), by the system.
  Station add(const platform::Actor& actor, const StationInput& in);
  // Registers, in one transaction, those of `inputs` whose MN is not known yet (the simulator's
  // fleet). Returns how many were added.
  int add_missing(const platform::Actor& actor, const std::vector<StationInput>& inputs);
  // The station with this MN, whoever asks (the command line).
  std::optional<Station> by_mn(const std::string& mn);
  // Called after a station was created or changed (the listener reloads its directory).
  void on_change(std::function<void()> fn) { changed_ = std::move(fn); }

 private:
  Station write_new(const platform::Actor& actor, const StationInput& in);
  Station prepare_new(const StationInput& in);
  void insert(platform::Tx& tx, const platform::Actor& actor, Station& s, const std::string& password);
  platform::Runtime& rt_;
  std::function<void()> changed_;
};

nlohmann::json station_json(const Station& s);

// Whether `who` sees every station (a scope of all or of a department), not only those located
// in their region.
bool sees_all_stations(const platform::Principal& who);
// The SQL condition on a located thing's region column (e.g. "s.region_id") that lets `who` see
// it: true for those who see all, the rows located in their region for a region-scoped user.
std::string located_scope(const platform::Principal& who, const std::string& region_column);

// Where a point lies in the district: the most specific region (grid, village or town) and its
// town; both empty without a point. Throws Error (invalid, field lng) for a point outside.
struct PointRegions {
  std::optional<std::int64_t> region_id, town_id;
};
PointRegions locate_point(platform::Runtime& rt, std::optional<double> lng, std::optional<double> lat);

// `k=v,k=v` (the stored form of units and aliases) and back.
std::string join_pairs(const std::map<std::string, std::string>& pairs);
std::map<std::string, std::string> split_pairs(std::string_view text);

}  // namespace ecity::environment
