#include "platform/auth/auth_service.h"

#include "platform/db/migrations.h"
#include "platform/db/row.h"
#include "platform/error.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

namespace ecity::platform {

namespace {

constexpr std::int64_t kMinute = 60'000;
// Last-seen times are written back at most this often: a busy console must not turn every
// read into a write.
constexpr std::int64_t kPersistEvery = kMinute;

bool plausible_token(const std::string& t) {
  if (t.size() != 43) return false;
  for (char c : t)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  return true;
}

Error invalid_credentials() {
  return Error(Error::Kind::kUnauthorized, "invalid-credentials", "Invalid credentials", "用户名或密码错误",
               "wrong user name or password");
}

Error account_locked(std::int64_t until) {
  return Error(Error::Kind::kLocked, "account-locked", "Account locked",
               "密码错误次数过多，账号已锁定，请稍后再试或联系管理员",
               "too many wrong passwords: the account is locked for a while; try later or ask an administrator")
      .with("locked_until", until);
}

}  // namespace

std::string token_hash(const std::string& token) { return sha256_hex(token); }

std::string random_token() {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char out[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

AuthService::AuthService(Database& db, const AuthConfig& config) : db_(db), config_(config) {}

Principal AuthService::load_principal(soci::session& sql, std::int64_t user_id) {
  Principal p;
  long long uid = user_id;
  soci::rowset<soci::row> users = (sql.prepare << "SELECT u.id, u.username, u.name, u.department_id, d.path, "
                                                  "u.region_id, r.path FROM users u "
                                                  "LEFT JOIN departments d ON d.id = u.department_id "
                                                  "LEFT JOIN regions r ON r.id = u.region_id WHERE u.id = :id",
                                   soci::use(uid));
  bool found = false;
  for (const auto& r : users) {
    found = true;
    p.user_id = get_i64(r, 0);
    p.username = get_str(r, 1);
    p.name = get_str(r, 2);
    p.department_id = opt_i64(r, 3);
    p.department_path = opt_str(r, 4).value_or("");
    p.region_id = opt_i64(r, 5);
    p.region_path = opt_str(r, 6).value_or("");
  }
  if (!found) throw Error::unauthorized();
  soci::rowset<soci::row> roles = (sql.prepare << "SELECT r.data_scope, rp.permission FROM user_roles ur "
                                                  "JOIN roles r ON r.id = ur.role_id "
                                                  "LEFT JOIN role_permissions rp ON rp.role_id = r.id "
                                                  "WHERE ur.user_id = :id",
                                   soci::use(uid));
  for (const auto& r : roles) {
    if (auto s = data_scope_from(get_str(r, 0))) p.scopes.insert(*s);
    if (auto perm = opt_str(r, 1)) p.permissions.insert(*perm);
  }
  if (p.scopes.empty()) p.scopes.insert(DataScope::kSelf);
  return p;
}

AuthService::LoginResult AuthService::login(const std::string& username, const std::string& password,
                                             const std::string& client_ip, const std::string& user_agent) {
  struct Row {
    std::int64_t id = 0;
    std::string hash;
    std::string status;
    std::optional<std::int64_t> locked_until;
  };
  std::optional<Row> user;
  db_.read([&](soci::session& sql) {
    std::string un = username;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id, password_hash, status, locked_until FROM users WHERE username = :u", soci::use(un));
    for (const auto& r : rows) user = Row{get_i64(r, 0), get_str(r, 1), get_str(r, 2), opt_i64(r, 3)};
  });
  const std::int64_t now = now_ms();
  auto record_failure = [&](std::optional<std::int64_t> uid, const std::string& reason) {
    db_.write([&](Tx& tx) { audit_login(tx, username, uid, client_ip, user_agent, false, reason); });
  };
  if (!user) {
    // Spend the same time as a real check so that response times do not reveal user names.
    static const std::string dummy = hash("ecity-dummy-password");
    verify(dummy, password);
    record_failure(std::nullopt, "unknown user");
    throw invalid_credentials();
  }
  if (user->locked_until && *user->locked_until > now) {
    record_failure(user->id, "locked");
    throw account_locked(*user->locked_until);
  }
  if (!verify(user->hash, password)) {
    std::optional<std::int64_t> locked;
    db_.write([&](Tx& tx) {
      long long id = user->id;
      tx.sql << "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = :id", soci::use(id);
      int failed = 0;
      tx.sql << "SELECT failed_logins FROM users WHERE id = :id", soci::use(id), soci::into(failed);
      if (failed >= config_.lockout_threshold) {
        long long until = now + config_.lockout_minutes * kMinute;
        tx.sql << "UPDATE users SET failed_logins = 0, locked_until = :t WHERE id = :id", soci::use(until),
            soci::use(id);
        locked = until;
        revoke_user_sessions(tx, user->id);
      }
      audit_login(tx, username, user->id, client_ip, user_agent, false,
                  locked ? "wrong password; account locked" : "wrong password");
    });
    if (locked) throw account_locked(*locked);
    throw invalid_credentials();
  }
  if (user->status != "active") {
    record_failure(user->id, "disabled");
    throw invalid_credentials();
  }
  LoginResult result;
  result.token = random_token();
  result.user_id = user->id;
  result.expires_at = now + config_.session_absolute_hours * 60 * kMinute;
  db_.write([&](Tx& tx) {
    long long id = user->id;
    long long at = now;
    long long exp = result.expires_at;
    std::string th = token_hash(result.token);
    std::string ip = client_ip;
    std::string ua = user_agent.substr(0, 512);
    tx.sql << "UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = :at WHERE id = :id",
        soci::use(at), soci::use(id);
    tx.sql << "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, client_ip, user_agent) "
              "VALUES (:h, :u, :c, :l, :e, :ip, :ua)",
        soci::use(th), soci::use(id), soci::use(at), soci::use(at), soci::use(exp), soci::use(ip), soci::use(ua);
    audit_login(tx, username, user->id, client_ip, user_agent, true, "ok");
  });
  return result;
}

bool AuthService::answers_from_memory(const std::string& token) {
  if (!plausible_token(token)) return true;  // refused without the database
  const std::string hash = token_hash(token);
  const std::int64_t now = now_ms();
  std::lock_guard lock(mu_);
  auto it = cache_.find(hash);
  if (it == cache_.end()) return false;
  const auto& c = it->second;
  // A second of margin: authenticate() follows within microseconds, not a second.
  return c.generation == generation_.load() && now - c.persisted_at < kPersistEvery - 1000;
}

std::shared_ptr<const Principal> AuthService::authenticate(const std::string& token) {
  if (!plausible_token(token)) throw Error::unauthorized();
  const std::string hash = token_hash(token);
  const std::int64_t now = now_ms();
  const std::int64_t idle = config_.session_idle_minutes * kMinute;
  const std::uint64_t gen = generation_.load();
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(hash);
    if (it != cache_.end()) {
      auto& c = it->second;
      if (c.expires_at <= now || c.last_seen + idle <= now) {
        cache_.erase(it);
        throw Error::unauthorized("会话已过期，请重新登录", "the session has expired; sign in again");
      }
      if (c.generation == gen && now - c.persisted_at < kPersistEvery) {
        c.last_seen = now;
        return c.principal;
      }
    }
  }
  // Slow path: (re)validate against the database, write back last_seen, refresh the cache.
  Cached fresh;
  db_.write([&](Tx& tx) {
    std::string h = hash;
    soci::rowset<soci::row> rows = (tx.sql.prepare << "SELECT s.id, s.user_id, s.expires_at, s.last_seen_at, "
                                                      "s.revoked_at, u.status, u.locked_until FROM sessions s "
                                                      "JOIN users u ON u.id = s.user_id WHERE s.token_hash = :h",
                                    soci::use(h));
    bool found = false;
    std::int64_t sid = 0, uid = 0;
    for (const auto& r : rows) {
      found = true;
      sid = get_i64(r, 0);
      uid = get_i64(r, 1);
      fresh.expires_at = get_i64(r, 2);
      std::int64_t last_seen = get_i64(r, 3);
      if (opt_i64(r, 4) || get_str(r, 5) != "active" || opt_i64(r, 6).value_or(0) > now)
        throw Error::unauthorized("会话已失效，请重新登录", "the session has ended; sign in again");
      if (fresh.expires_at <= now || last_seen + idle <= now) {
        // The in-memory last_seen may be newer than the stored one.
        std::lock_guard lock(mu_);
        auto it = cache_.find(hash);
        if (it == cache_.end() || it->second.last_seen + idle <= now || fresh.expires_at <= now)
          throw Error::unauthorized("会话已过期，请重新登录", "the session has expired; sign in again");
      }
    }
    if (!found) throw Error::unauthorized();
    long long at = now, id = sid;
    tx.sql << "UPDATE sessions SET last_seen_at = :t WHERE id = :id", soci::use(at), soci::use(id);
    auto p = std::make_shared<Principal>(load_principal(tx.sql, uid));
    p->session_id = sid;
    fresh.principal = std::move(p);
  });
  fresh.last_seen = now;
  fresh.persisted_at = now;
  fresh.generation = gen;
  std::lock_guard lock(mu_);
  // Tokens that are never presented again would otherwise stay cached forever.
  if (cache_.size() > 10000) {
    for (auto it = cache_.begin(); it != cache_.end();)
      it = (it->second.expires_at <= now || it->second.last_seen + idle <= now) ? cache_.erase(it) : std::next(it);
  }
  cache_[hash] = fresh;
  return fresh.principal;
}

void AuthService::logout(const Principal& who, const Actor& actor) {
  db_.write([&](Tx& tx) {
    long long at = now_ms(), id = who.session_id;
    tx.sql << "UPDATE sessions SET revoked_at = :t WHERE id = :id AND revoked_at IS NULL", soci::use(at), soci::use(id);
    audit_operation(tx, actor, "session", std::to_string(who.session_id), "logout", nullptr, nullptr);
  });
  invalidate();
}

nlohmann::json AuthService::list_sessions(const Principal& who) {
  nlohmann::json items = nlohmann::json::array();
  const std::int64_t now = now_ms();
  const std::int64_t idle_cutoff = now - config_.session_idle_minutes * kMinute;
  db_.read([&](soci::session& sql) {
    long long n = now, cutoff = idle_cutoff;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT s.id, s.user_id, u.username, s.created_at, s.last_seen_at, s.expires_at, "
                        "s.client_ip, s.user_agent FROM sessions s JOIN users u ON u.id = s.user_id "
                        "WHERE s.revoked_at IS NULL AND s.expires_at > :n AND s.last_seen_at > :c ORDER BY s.id DESC",
         soci::use(n), soci::use(cutoff));
    for (const auto& r : rows) {
      items.push_back({{"id", get_i64(r, 0)}, {"user_id", get_i64(r, 1)}, {"username", get_str(r, 2)},
                       {"created_at", get_i64(r, 3)}, {"last_seen_at", get_i64(r, 4)}, {"expires_at", get_i64(r, 5)},
                       {"client_ip", get_str(r, 6)}, {"user_agent", get_str(r, 7)},
                       {"current", get_i64(r, 0) == who.session_id}});
    }
  });
  return {{"items", items}};
}

void AuthService::revoke(std::int64_t session_id, const Actor& actor) {
  db_.write([&](Tx& tx) {
    long long at = now_ms(), id = session_id;
    soci::statement st = (tx.sql.prepare << "UPDATE sessions SET revoked_at = :t WHERE id = :id AND revoked_at IS NULL",
                          soci::use(at), soci::use(id));
    st.execute(true);
    if (st.get_affected_rows() == 0) throw Error::not_found("会话不存在或已结束", "no such live session");
    audit_operation(tx, actor, "session", std::to_string(session_id), "revoke", nullptr, nullptr);
  });
  invalidate();
}

void AuthService::revoke_user_sessions(Tx& tx, std::int64_t user_id) {
  long long at = now_ms(), id = user_id;
  tx.sql << "UPDATE sessions SET revoked_at = :t WHERE user_id = :id AND revoked_at IS NULL", soci::use(at),
      soci::use(id);
  tx.after_commit([this] { invalidate(); });
}

void AuthService::invalidate() {
  generation_.fetch_add(1);
  std::lock_guard lock(mu_);
  // Keep last_seen knowledge but force a database re-check on next use.
  for (auto& [k, v] : cache_) v.generation = 0;
}

}  // namespace ecity::platform
