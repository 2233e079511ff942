#include "platform/auth/principal.h"

namespace ecity::platform {

std::string_view to_string(DataScope s) {
  switch (s) {
    case DataScope::kAll: return "all";
    case DataScope::kDepartment: return "department";
    case DataScope::kRegion: return "region";
    case DataScope::kSelf: return "self";
  }
  return "self";
}

std::optional<DataScope> data_scope_from(std::string_view s) {
  if (s == "all") return DataScope::kAll;
  if (s == "department") return DataScope::kDepartment;
  if (s == "region") return DataScope::kRegion;
  if (s == "self") return DataScope::kSelf;
  return std::nullopt;
}

DataScope Principal::widest_scope() const {
  // std::set orders by enum value, which lists the scopes from widest to narrowest.
  return scopes.empty() ? DataScope::kSelf : *scopes.begin();
}

}  // namespace ecity::platform
