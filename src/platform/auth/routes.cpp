// HTTP ↔ auth and user services. No rules here: parse, call, shape.
#include "platform/auth/permissions.h"
#include "platform/error.h"
#include "platform/http/fields.h"
#include "platform/runtime.h"

namespace ecity::platform {

void add_auth_routes(Runtime& rt) {
  auto& r = rt.router;
  r.add({"POST", "/api/auth/login", "", false, "auth", "Sign in with user name and password",
         [&rt](const Request& req, const Principal*) {
           auto body = req.json_object();
           Fields f(body, {"username", "password"});
           auto username = f.str("username", 64);
           auto password = f.str("password", 128);
           f.done();
           auto res = rt.auth.login(username, password, req.client_ip, std::string(req.header("user-agent")));
           auto user = rt.users.get(rt.db.read([&](soci::session& sql) { return AuthService::load_principal(sql, res.user_id); }),
                                    res.user_id);
           return Response::json(200, {{"token", res.token}, {"expires_at", res.expires_at}, {"user", user}});
         }});
  r.add({"POST", "/api/auth/logout", "", true, "auth", "Sign out (revokes this session)",
         [&rt](const Request& req, const Principal* who) {
           rt.auth.logout(*who, actor_of(req, who));
           return Response::no_content();
         }});
  r.add({"GET", "/api/auth/me", "", true, "auth", "The caller, with permissions and data scope",
         [&rt](const Request&, const Principal* who) {
           nlohmann::json perms = nlohmann::json::array();
           for (const auto& p : who->permissions) perms.push_back(p);
           return Response::json(200, {{"user", rt.users.get(*who, who->user_id)},
                                       {"permissions", perms},
                                       {"data_scope", to_string(who->widest_scope())}});
         }});
  r.add({"GET", "/api/auth/sessions", "session:admin", true, "auth", "Live sessions",
         [&rt](const Request&, const Principal* who) { return Response::json(200, rt.auth.list_sessions(*who)); }});
  r.add({"DELETE", "/api/auth/sessions/{id}", "session:admin", true, "auth", "Revoke a session",
         [&rt](const Request& req, const Principal* who) {
           rt.auth.revoke(req.id_param(), actor_of(req, who));
           return Response::no_content();
         }});

  r.add({"GET", "/api/users", "user:read", true, "users", "Users in the caller's data scope (paged)",
         [&rt](const Request& req, const Principal* who) {
           UserQuery q;
           std::tie(q.page, q.size) = paging_of(req);
           if (auto v = req.q("q"); v && !v->empty()) {
             if (utf8_length(*v) > 64) throw Error::invalid("validation", "搜索词过长", "search text too long");
             q.q = *v;
           }
           q.department_id = int_query(req, "department_id");
           if (auto v = req.q("status"); v && !v->empty()) {
             if (*v != "active" && *v != "disabled")
               throw Error::invalid("validation", "status 应为 active 或 disabled", "status must be active or disabled");
             q.status = *v;
           }
           return Response::json_text(200, to_json_text(rt.users.list(*who, q)));
         }});
  r.add({"POST", "/api/users", "user:write", true, "users", "Create a user",
         [&rt](const Request& req, const Principal* who) {
           return Response::json(201, rt.users.create(*who, actor_of(req, who), req.json_object()));
         }});
  r.add({"GET", "/api/users/{id}", "user:read", true, "users", "One user",
         [&rt](const Request& req, const Principal* who) { return Response::json(200, rt.users.get(*who, req.id_param())); }});
  r.add({"PUT", "/api/users/{id}", "user:write", true, "users", "Update a user",
         [&rt](const Request& req, const Principal* who) {
           return Response::json(200, rt.users.update(*who, actor_of(req, who), req.id_param(), req.json_object()));
         }});
  r.add({"POST", "/api/users/{id}/password", "user:write", true, "users", "Reset a user's password",
         [&rt](const Request& req, const Principal* who) {
           rt.users.set_password(*who, actor_of(req, who), req.id_param(), req.json_object());
           return Response::no_content();
         }});
  r.add({"POST", "/api/users/{id}/lock", "user:write", true, "users", "Lock a user until unlocked",
         [&rt](const Request& req, const Principal* who) {
           rt.users.set_locked(*who, actor_of(req, who), req.id_param(), true);
           return Response::no_content();
         }});
  r.add({"POST", "/api/users/{id}/unlock", "user:write", true, "users", "Unlock a user",
         [&rt](const Request& req, const Principal* who) {
           rt.users.set_locked(*who, actor_of(req, who), req.id_param(), false);
           return Response::no_content();
         }});

  r.add({"GET", "/api/roles", "role:read", true, "roles", "Roles",
         [&rt](const Request&, const Principal* who) { return Response::json(200, rt.users.list_roles(*who)); }});
  r.add({"POST", "/api/roles", "role:write", true, "roles", "Create a role",
         [&rt](const Request& req, const Principal* who) {
           return Response::json(201, rt.users.create_role(actor_of(req, who), *who, req.json_object()));
         }});
  r.add({"PUT", "/api/roles/{id}", "role:write", true, "roles", "Update a role",
         [&rt](const Request& req, const Principal* who) {
           return Response::json(200, rt.users.update_role(actor_of(req, who), *who, req.id_param(), req.json_object()));
         }});
  r.add({"DELETE", "/api/roles/{id}", "role:write", true, "roles", "Delete a role nobody holds",
         [&rt](const Request& req, const Principal* who) {
           rt.users.delete_role(actor_of(req, who), req.id_param());
           return Response::no_content();
         }});
  r.add({"GET", "/api/permissions", "role:read", true, "roles", "Every permission a role can hold",
         [](const Request&, const Principal*) {
           nlohmann::json items = nlohmann::json::array();
           for (const auto& p : all_permissions())
             items.push_back({{"code", p.code}, {"name_zh", p.name_zh}, {"name_en", p.name_en}});
           return Response::json(200, {{"items", items}});
         }});
}

}  // namespace ecity::platform
