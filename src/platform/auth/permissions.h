// The closed set of permissions a role can hold: the platform's own, plus those each module
// registers (platform/module.h) before the Runtime prepares. Registration is not thread-safe
// and happens at start-up only; afterwards the set is read-only.
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
// Adds permissions (codes already known are ignored).
void register_permissions(const std::vector<PermissionInfo>& more);
bool is_permission(const std::string& code);

}  // namespace ecity::platform
