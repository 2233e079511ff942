// Who is calling: the authenticated user with the union of their roles' permissions and
// data scopes. Built by auth/session_service for every authenticated request; immutable.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace ecity::platform {

// RuoYi-style data scope, as Chinese government administrators know it.
enum class DataScope {
  kAll,         // everything
  kDepartment,  // own department and the departments below it
  kRegion,      // own region (town, village, grid) and the regions below it
  kSelf,        // own records only
};

std::string_view to_string(DataScope s);
std::optional<DataScope> data_scope_from(std::string_view s);

struct Principal {
  std::int64_t user_id = 0;
  std::int64_t session_id = 0;
  std::string username;
  std::string name;
  std::optional<std::int64_t> department_id;
  std::string department_path;  // materialised path, e.g. "/1/7/"; empty if none
  std::optional<std::int64_t> region_id;
  std::string region_path;
  std::set<std::string> permissions;
  std::set<DataScope> scopes;  // a user with several roles sees the union of their scopes

  bool can(std::string_view permission) const { return permissions.count(std::string(permission)) > 0; }
  bool sees_all() const { return scopes.count(DataScope::kAll) > 0; }
  // The broadest scope, for display.
  DataScope widest_scope() const;
};

}  // namespace ecity::platform
