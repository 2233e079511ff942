// A user as the API shows it, and its one JSON form. Phone and ID numbers arrive here
// already masked or not, as the caller's permissions decide.
#pragma once

#include "platform/http/json_writer.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ecity::platform {

struct RoleRef {
  std::int64_t id = 0;
  std::string code;
  std::string name;
};

struct UserView {
  std::int64_t id = 0;
  std::string username;
  std::string name;
  std::optional<std::string> phone;
  std::optional<std::string> id_card;
  std::optional<std::string> email;
  std::optional<std::int64_t> department_id;
  std::optional<std::string> department_name;
  std::optional<std::int64_t> region_id;
  std::optional<std::string> region_name;
  std::string status;
  std::optional<std::int64_t> locked_until;  // only while in the future
  std::int64_t created_at = 0;
  std::optional<std::int64_t> last_login_at;
  std::vector<RoleRef> roles;
};

struct UserPage {
  std::vector<UserView> items;
  std::int64_t total = 0;
  int page = 1;
  int size = 20;
};

void write_json(JsonWriter& w, const UserView& u);
std::string to_json_text(const UserPage& p);
nlohmann::json to_json(const UserView& u);

}  // namespace ecity::platform
