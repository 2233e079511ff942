// Users and roles: the RuoYi-style model (users bound to a department and/or a region,
// roles carrying permissions and a data scope). Every write is one transaction with its
// operation-log entry. Reads and writes respect the caller's data scope: a user outside it
// answers 403 (Error forbidden) and nothing of it is returned.
//
// Phone and ID-card numbers are masked in every result unless the caller holds pii:read.
//
// Thread-safety: all methods are safe from any worker thread.
#pragma once

#include "platform/audit/audit_log.h"
#include "platform/auth/auth_service.h"
#include "platform/auth/principal.h"
#include "platform/auth/user_view.h"
#include "platform/db/database.h"
#include "platform/events/event_bus.h"
#include "platform/module.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace ecity::platform {

struct UserQuery {
  std::optional<std::string> q;  // matches username or name (substring)
  std::optional<std::int64_t> department_id;
  std::optional<std::string> status;
  int page = 1;
  int size = 20;
};

class UserService {
 public:
  // User changes are published on `bus` as auth.user.{created,updated} with {id, username,
  // department_id, region_id, status} (no personal data), in the same transaction.
  UserService(Database& db, AuthService& auth, EventBus& bus);

  UserPage list(const Principal& who, const UserQuery& q);
  nlohmann::json get(const Principal& who, std::int64_t id);
  // `body` is the request object; validated here. Returns the created user.
  nlohmann::json create(const Principal& who, const Actor& actor, const nlohmann::json& body);
  nlohmann::json update(const Principal& who, const Actor& actor, std::int64_t id, const nlohmann::json& body);
  void set_password(const Principal& who, const Actor& actor, std::int64_t id, const nlohmann::json& body);
  // Locks until unlocked (locked_until far in the future) or unlocks. Not an error if the
  // account is already in that state.
  void set_locked(const Principal& who, const Actor& actor, std::int64_t id, bool locked);

  nlohmann::json list_roles(const Principal& who);
  nlohmann::json create_role(const Actor& actor, const Principal& who, const nlohmann::json& body);
  nlohmann::json update_role(const Actor& actor, const Principal& who, std::int64_t id, const nlohmann::json& body);
  // Throws Error conflict "role-in-use" if users hold it, "role-builtin" for built-in roles.
  void delete_role(const Actor& actor, std::int64_t id);

  // Creates a user without a caller (command line, demo loader). Throws like create().
  std::int64_t create_system(Tx& tx, const Actor& actor, const std::string& username, const std::string& name,
                             const std::string& password, std::optional<std::int64_t> department_id,
                             std::optional<std::int64_t> region_id, const std::vector<std::string>& role_codes);
  // Resets a password without a caller (command line).
  void set_password_system(const Actor& actor, const std::string& username, const std::string& password);
  void set_locked_system(const Actor& actor, const std::string& username, bool locked);
  // Creates the built-in roles that are missing and gives `admin` every permission.
  // Idempotent; runs at every start.
  void ensure_builtin_roles();
  // Creates the roles a module needs and adds its permissions to them, in one transaction,
  // unless `grants_key` was applied before. Created roles are builtin (not deletable).
  void apply_role_grants(const std::string& grants_key, const std::vector<RoleGrant>& grants);

 private:
  nlohmann::json load_user(soci::session& sql, std::int64_t id, bool show_pii);
  // SQL condition (over alias u) selecting the users `who` may see.
  static std::string scope_condition(const Principal& who);
  void require_in_scope(soci::session& sql, const Principal& who, std::int64_t user_id);
  void require_placement(soci::session& sql, const Principal& who, std::optional<std::int64_t> department_id,
                         std::optional<std::int64_t> region_id);
  // The writes behind set_password/set_locked and their command-line twins; each revokes
  // the user's sessions where it must and appends its audit row.
  void write_password(Tx& tx, const Actor& actor, std::int64_t id, const std::string& hash, bool unlock);
  void write_lock(Tx& tx, const Actor& actor, std::int64_t id, bool locked);
  void require_assignable(soci::session& sql, const Principal& who, const std::vector<std::int64_t>& role_ids);

  Database& db_;
  AuthService& auth_;
  EventBus& bus_;
};

}  // namespace ecity::platform
