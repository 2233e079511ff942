// Sign-in, sessions and the caller's identity.
//
// Sessions are random 256-bit bearer tokens; only their SHA-256 is stored. A session ends
// after auth.session_idle_minutes without use, after auth.session_absolute_hours in any
// case, on logout, or when an administrator revokes it. auth.lockout_threshold wrong
// passwords in a row lock the account for auth.lockout_minutes. Every attempt, successful
// or not, goes to the login log.
//
// Thread-safety: all methods are safe from any worker thread. login() is slow by design
// (argon2id); never call it on an I/O thread.
#pragma once

#include "platform/audit/audit_log.h"
#include "platform/auth/hash_pool.h"
#include "platform/auth/password.h"
#include "platform/auth/principal.h"
#include "platform/config/config.h"
#include "platform/db/database.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace ecity::platform {

class AuthService {
 public:
  AuthService(Database& db, const AuthConfig& config);

  struct LoginResult {
    std::string token;
    std::int64_t expires_at = 0;
    std::int64_t user_id = 0;
  };
  // Throws Error: unauthorized "invalid-credentials" (unknown user, wrong password, disabled
  // account — one answer for all, so that user names cannot be probed), locked
  // "account-locked" with `locked_until` (also on the attempt that triggers the lock).
  LoginResult login(const std::string& username, const std::string& password, const std::string& client_ip,
                    const std::string& user_agent);
  // Resolves a bearer token. Throws Error (unauthorized) for a missing, malformed, unknown,
  // expired, idle or revoked session, or a user who is disabled or locked.
  std::shared_ptr<const Principal> authenticate(const std::string& token);
  // True if authenticate(token), called now, would answer from memory without touching the
  // database (a session seen within the last minute, or a token refused on its face). Cheap
  // and non-blocking: an I/O thread may ask.
  bool answers_from_memory(const std::string& token);
  // Ends the caller's own session. Not an error if it has already ended.
  void logout(const Principal& who, const Actor& actor);
  // Every live session (requires session:admin, checked by the route).
  nlohmann::json list_sessions(const Principal& who);
  // Revokes a session. Throws Error (not_found) if there is no such live session.
  void revoke(std::int64_t session_id, const Actor& actor);
  // Ends all sessions of a user (locked, disabled or password reset). Call inside `tx`.
  void revoke_user_sessions(Tx& tx, std::int64_t user_id);
  // Drops cached identities so role, permission and org changes apply to the next request.
  void invalidate();

  PasswordCost password_cost() const { return {config_.argon2_ops, config_.argon2_mem_kib}; }
  // argon2id on the low-priority hashing threads (see hash_pool.h). Blocks the caller.
  std::string hash(const std::string& password) {
    return hashes_.run([&] { return hash_password(password, password_cost()); });
  }
  bool verify(const std::string& encoded, const std::string& password) {
    return hashes_.run([&] { return verify_password(encoded, password); });
  }
  // Reads a user's identity (roles, permissions, scopes, org paths). Throws Error
  // (unauthorized) if the user does not exist.
  static Principal load_principal(soci::session& sql, std::int64_t user_id);

 private:
  struct Cached {
    std::shared_ptr<const Principal> principal;  // shared with the requests using it
    std::int64_t expires_at = 0;
    std::int64_t last_seen = 0;
    std::int64_t persisted_at = 0;
    std::uint64_t generation = 0;
  };

  Database& db_;
  const AuthConfig config_;
  std::atomic<std::uint64_t> generation_{1};
  std::mutex mu_;
  std::unordered_map<std::string, Cached> cache_;  // token hash → session; guarded by mu_
  HashPool hashes_;
};

// Hex SHA-256 of a session token (what the sessions table stores); also used for API keys.
std::string token_hash(const std::string& token);
// 32 random bytes, URL-safe base64 without padding (43 characters): session tokens, API keys.
std::string random_token();

}  // namespace ecity::platform
