#include "platform/auth/permissions.h"

namespace ecity::platform {

namespace {

std::vector<PermissionInfo>& registry() {
  static std::vector<PermissionInfo> all = {
      {"org:read", "查看组织架构", "View the org tree"},
      {"org:write", "管理组织架构", "Manage regions and departments"},
      {"user:read", "查看用户", "View users"},
      {"user:write", "管理用户", "Manage users"},
      {"role:read", "查看角色", "View roles"},
      {"role:write", "管理角色", "Manage roles"},
      {"audit:read", "查看操作日志和登录日志", "View the operation and login logs"},
      {"session:admin", "管理在线会话", "Manage sessions"},
      {"pii:read", "查看完整手机号和身份证号", "See full phone and ID numbers"},
      {"calendar:write", "调整工作日历", "Adjust the working-day calendar"},
  };
  return all;
}

}  // namespace

const std::vector<PermissionInfo>& all_permissions() { return registry(); }

void register_permissions(const std::vector<PermissionInfo>& more) {
  for (const auto& p : more)
    if (!is_permission(p.code)) registry().push_back(p);
}

bool is_permission(const std::string& code) {
  for (const auto& p : all_permissions())
    if (code == p.code) return true;
  return false;
}

}  // namespace ecity::platform
