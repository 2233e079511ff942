// The operation log and the login log (等保2.0 audit). Entries are appended inside the
// caller's transaction, so a write and its audit row commit or vanish together. Both tables
// are append-only: database triggers refuse UPDATE and DELETE, and no API alters them.
//
// Thread-safety: free functions; each call uses only the Tx or session it is given.
#pragma once

#include "platform/db/database.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ecity::platform {

struct Actor {
  std::optional<std::int64_t> user_id;  // none: the system or the command line
  std::string username;
  std::string client_ip;
};

// Appends one operation entry. `before`/`after` are the entity's state (null when absent);
// callers must already have masked or dropped secrets (password hashes never go here).
void audit_operation(Tx& tx, const Actor& who, const std::string& entity, const std::string& entity_id,
                     const std::string& action, const nlohmann::json& before, const nlohmann::json& after);

// Appends one login attempt.
void audit_login(Tx& tx, const std::string& username, std::optional<std::int64_t> user_id,
                 const std::string& client_ip, const std::string& user_agent, bool success,
                 const std::string& reason);

struct AuditQuery {
  std::optional<std::string> username;
  std::optional<std::string> entity;
  std::optional<std::string> action;
  std::optional<std::int64_t> entity_user_scope;  // unused for now
  std::optional<bool> success;                    // login log only
  std::optional<std::int64_t> from_ms;
  std::optional<std::int64_t> to_ms;  // exclusive
  int page = 1;
  int size = 20;
};

struct Page {
  std::vector<nlohmann::json> items;
  std::int64_t total = 0;
};

Page query_operations(Database& db, const AuditQuery& q);
Page query_logins(Database& db, const AuditQuery& q);

}  // namespace ecity::platform
