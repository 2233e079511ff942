#include "platform/audit/audit_log.h"

#include "platform/db/row.h"

namespace ecity::platform {

namespace {

// The operation-log INSERT, prepared once per pooled session: every write appends one.
struct OperationInsert : CachedQuery {
  long long at = 0, uid = 0;
  soci::indicator uid_ind = soci::i_null, before_ind = soci::i_null, after_ind = soci::i_null;
  std::string username, ip, entity, entity_id, action, before, after;
  soci::statement st;
  explicit OperationInsert(soci::session& sql)
      : st((sql.prepare << "INSERT INTO audit_operations (at, user_id, username, client_ip, entity, entity_id, action, "
                           "before_json, after_json) VALUES (:at, :uid, :un, :ip, :e, :eid, :a, :b, :af)",
            soci::use(at), soci::use(uid, uid_ind), soci::use(username), soci::use(ip), soci::use(entity),
            soci::use(entity_id), soci::use(action), soci::use(before, before_ind), soci::use(after, after_ind))) {}
};

}  // namespace

void audit_operation(Tx& tx, const Actor& who, const std::string& entity, const std::string& entity_id,
                     const std::string& action, const nlohmann::json& before, const nlohmann::json& after) {
  auto& q = tx.db.cached<OperationInsert>(tx.sql, "audit.operation.insert",
                                          [](soci::session& s) { return std::make_unique<OperationInsert>(s); });
  q.at = now_ms();
  q.uid = who.user_id.value_or(0);
  q.uid_ind = who.user_id ? soci::i_ok : soci::i_null;
  q.before = before.is_null() ? "" : before.dump();
  q.after = after.is_null() ? "" : after.dump();
  q.before_ind = before.is_null() ? soci::i_null : soci::i_ok;
  q.after_ind = after.is_null() ? soci::i_null : soci::i_ok;
  q.username = who.username;
  q.ip = who.client_ip;
  q.entity = entity;
  q.entity_id = entity_id;
  q.action = action;
  q.st.execute(true);
  tx.db.finish(q.st);
}

void audit_login(Tx& tx, const std::string& username, std::optional<std::int64_t> user_id, const std::string& client_ip,
                 const std::string& user_agent, bool success, const std::string& reason) {
  long long at = now_ms();
  long long uid = user_id.value_or(0);
  soci::indicator uid_ind = user_id ? soci::i_ok : soci::i_null;
  int ok = success ? 1 : 0;
  std::string un = username, ip = client_ip, ua = user_agent.substr(0, 512), why = reason;
  tx.sql << "INSERT INTO audit_logins (at, username, user_id, client_ip, user_agent, success, reason) "
            "VALUES (:at, :un, :uid, :ip, :ua, :ok, :why)",
      soci::use(at), soci::use(un), soci::use(uid, uid_ind), soci::use(ip), soci::use(ua), soci::use(ok),
      soci::use(why);
}

namespace {

// Builds "WHERE …" with named binds; values stay bound, never spliced into SQL.
struct Filter {
  std::string where;
  std::vector<std::string> strings;
  std::vector<long long> numbers;
  void add(const std::string& clause) { where += (where.empty() ? " WHERE " : " AND ") + clause; }
};

template <typename Stmt>
void bind(Stmt& st, Filter& f) {
  for (auto& s : f.strings) st.exchange(soci::use(s));
  for (auto& n : f.numbers) st.exchange(soci::use(n));
}

Filter make_filter(const AuditQuery& q, bool logins) {
  Filter f;
  // Strings first, then numbers, matching bind()'s order; SOCI binds by position.
  if (q.username) {
    f.add("username = :s" + std::to_string(f.strings.size()));
    f.strings.push_back(*q.username);
  }
  if (!logins && q.entity) {
    f.add("entity = :s" + std::to_string(f.strings.size()));
    f.strings.push_back(*q.entity);
  }
  if (!logins && q.action) {
    f.add("action = :s" + std::to_string(f.strings.size()));
    f.strings.push_back(*q.action);
  }
  if (logins && q.success) {
    f.add("success = :n" + std::to_string(f.numbers.size()));
    f.numbers.push_back(*q.success ? 1 : 0);
  }
  if (q.from_ms) {
    f.add("at >= :n" + std::to_string(f.numbers.size()));
    f.numbers.push_back(*q.from_ms);
  }
  if (q.to_ms) {
    f.add("at < :n" + std::to_string(f.numbers.size()));
    f.numbers.push_back(*q.to_ms);
  }
  return f;
}

Page run_query(Database& db, const AuditQuery& q, bool logins) {
  Filter f = make_filter(q, logins);
  const char* table = logins ? "audit_logins" : "audit_operations";
  const char* cols = logins
                         ? "id, at, username, user_id, client_ip, user_agent, success, reason"
                         : "id, at, user_id, username, client_ip, entity, entity_id, action, before_json, after_json";
  Page page;
  db.read([&](soci::session& sql) {
    long long total = 0;
    {
      soci::statement st(sql);
      st.alloc();
      bind(st, f);
      st.exchange(soci::into(total));
      st.prepare(std::string("SELECT COUNT(*) FROM ") + table + f.where);
      st.define_and_bind();
      st.execute(true);
    }
    page.total = total;
    long long limit = q.size;
    long long offset = static_cast<long long>(q.page - 1) * q.size;
    std::string sql_text = std::string("SELECT ") + cols + " FROM " + table + f.where + " ORDER BY id DESC LIMIT " +
                           std::to_string(limit) + " OFFSET " + std::to_string(offset);
    soci::row r;
    soci::statement st(sql);
    st.alloc();
    bind(st, f);
    st.exchange(soci::into(r));
    st.prepare(sql_text);
    st.define_and_bind();
    st.execute(false);
    while (st.fetch()) {
      nlohmann::json j;
      if (logins) {
        j = {{"id", get_i64(r, 0)},
             {"at", get_i64(r, 1)},
             {"username", get_str(r, 2)},
             {"user_id", opt_i64(r, 3) ? nlohmann::json(*opt_i64(r, 3)) : nlohmann::json(nullptr)},
             {"client_ip", get_str(r, 4)},
             {"user_agent", get_str(r, 5)},
             {"success", get_i64(r, 6) != 0},
             {"reason", get_str(r, 7)}};
      } else {
        auto parse = [](const std::optional<std::string>& s) {
          return s ? nlohmann::json::parse(*s, nullptr, false) : nlohmann::json(nullptr);
        };
        j = {{"id", get_i64(r, 0)},
             {"at", get_i64(r, 1)},
             {"user_id", opt_i64(r, 2) ? nlohmann::json(*opt_i64(r, 2)) : nlohmann::json(nullptr)},
             {"username", get_str(r, 3)},
             {"client_ip", get_str(r, 4)},
             {"entity", get_str(r, 5)},
             {"entity_id", get_str(r, 6)},
             {"action", get_str(r, 7)},
             {"before", parse(opt_str(r, 8))},
             {"after", parse(opt_str(r, 9))}};
      }
      page.items.push_back(std::move(j));
    }
  });
  return page;
}

}  // namespace

Page query_operations(Database& db, const AuditQuery& q) { return run_query(db, q, false); }
Page query_logins(Database& db, const AuditQuery& q) { return run_query(db, q, true); }

}  // namespace ecity::platform
