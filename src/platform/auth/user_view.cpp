#include "platform/auth/user_view.h"

namespace ecity::platform {

void write_json(JsonWriter& w, const UserView& u) {
  w.begin_object()
      .field("id", u.id)
      .field("username", u.username)
      .field("name", u.name)
      .field("phone", u.phone)
      .field("id_card", u.id_card)
      .field("email", u.email)
      .field("department_id", u.department_id)
      .field("department_name", u.department_name)
      .field("region_id", u.region_id)
      .field("region_name", u.region_name)
      .field("status", u.status)
      .field("locked_until", u.locked_until)
      .field("created_at", u.created_at)
      .field("last_login_at", u.last_login_at);
  w.key("roles").begin_array();
  for (const auto& r : u.roles) w.begin_object().field("id", r.id).field("code", r.code).field("name", r.name).end_object();
  w.end_array().end_object();
}

std::string to_json_text(const UserPage& p) {
  JsonWriter w;
  w.reserve(64 + p.items.size() * 400);  // a user is 300–400 bytes of JSON
  w.begin_object().key("items").begin_array();
  for (const auto& u : p.items) write_json(w, u);
  w.end_array().field("total", p.total).field("page", p.page).field("size", p.size).end_object();
  return w.take();
}

nlohmann::json to_json(const UserView& u) {
  JsonWriter w;
  write_json(w, u);
  return nlohmann::json::parse(w.str());
}

}  // namespace ecity::platform
