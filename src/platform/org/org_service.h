// The org tree: regions (district → town → village → grid, with optional GeoJSON shapes),
// departments (a tree, each optionally tied to a region) and positions. Also answers
// "which grid, village and town contains this point" from an in-memory R-tree that is
// rebuilt whenever regions are imported.
//
// Thread-safety: all methods are safe from any worker thread; the locator is swapped
// atomically, so a locate() during an import sees the old tree or the new one.
#pragma once

#include "platform/audit/audit_log.h"
#include "platform/auth/principal.h"
#include "platform/db/database.h"
#include "platform/events/event_bus.h"
#include "platform/org/locator.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <mutex>

namespace ecity::platform {

class OrgService {
 public:
  // Department changes are published on `bus` as org.department.{created,updated,deleted}
  // with {id, code, name, parent_id}, in the same transaction as the change.
  OrgService(Database& db, EventBus& bus);

  // Regions the caller may see (a region-scoped user: its subtree and its ancestors).
  nlohmann::json list_regions(const Principal& who);
  // One region with its geometry. Throws Error not_found / forbidden.
  nlohmann::json get_region(const Principal& who, std::int64_t id);
  // The regions of one level the caller may see, with geometry, as a GeoJSON FeatureCollection
  // (properties id, code, name, level, parent_id): the map the console draws. Throws Error
  // invalid for an unknown level.
  nlohmann::json map(const Principal& who, const std::string& level);
  nlohmann::json locate(double lng, double lat) const;
  // Imports a GeoJSON FeatureCollection (properties code, name, level, parent_code):
  // inserts new codes, updates existing ones, in one transaction. Returns the count.
  // Throws Error (invalid "geojson-invalid") naming the first bad feature; nothing is kept.
  int import_regions(const Actor& actor, const nlohmann::json& feature_collection);
  // Rebuilds the locator from the database (start-up, after import).
  void reload_locator();

  nlohmann::json list_departments(const Principal& who);
  nlohmann::json create_department(const Principal& who, const Actor& actor, const nlohmann::json& body);
  nlohmann::json update_department(const Principal& who, const Actor& actor, std::int64_t id, const nlohmann::json& body);
  // Throws Error conflict "department-not-empty" when it has sub-departments or users.
  void delete_department(const Principal& who, const Actor& actor, std::int64_t id);
  // Loads departments.json's shape ({departments:[{code,name,parent_code,region_code,sort}],
  // positions:[{code,name}]}); existing codes are left as they are.
  int import_departments(const Actor& actor, const nlohmann::json& doc);
  nlohmann::json list_positions();

 private:
  void require_department_scope(soci::session& sql, const Principal& who, std::optional<std::int64_t> dept_id);

  Database& db_;
  EventBus& bus_;
  mutable std::mutex mu_;
  std::shared_ptr<const RegionLocator> locator_;  // guarded by mu_ (the pointer, not the object)
};

}  // namespace ecity::platform
