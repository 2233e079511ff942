// The closed set of permissions a role can hold. Scenarios add theirs here as they land.
#pragma once

#include <string>
#include <vector>

namespace ecity::platform {

struct PermissionInfo {
  const char* code;
  const char* name_zh;
  const char* name_en;
};

const std::vector<PermissionInfo>& all_permissions();
bool is_permission(const std::string& code);

}  // namespace ecity::platform
