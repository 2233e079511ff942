#include "platform/auth/user_service.h"

#include "platform/auth/masking.h"
#include "platform/auth/password.h"
#include "platform/auth/permissions.h"
#include "platform/auth/user_view.h"
#include "platform/db/row.h"
#include "platform/db/tree_path.h"
#include "platform/db/where.h"
#include "platform/error.h"
#include "platform/http/fields.h"

#include <algorithm>
#include <map>

namespace ecity::platform {

namespace {

// Far enough to mean "until an administrator unlocks": 9999-12-31.
constexpr std::int64_t kLockedForever = 253402214400000;

void validate_phone(Fields& f, const std::optional<std::string>& phone) {
  if (!phone || phone->empty()) return;
  bool ok = phone->size() >= 5 && phone->size() <= 20 &&
            std::all_of(phone->begin(), phone->end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+'; });
  if (!ok) f.fail("phone", "电话号码格式错误", "malformed phone number");
}

void validate_id_card(Fields& f, const std::optional<std::string>& id) {
  if (!id || id->empty()) return;
  bool ok = id->size() == 18 && std::all_of(id->begin(), id->end() - 1, [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) &&
            (std::isdigit(static_cast<unsigned char>(id->back())) || id->back() == 'X');
  if (!ok) f.fail("id_card", "身份证号应为 18 位", "an ID card number has 18 characters");
}

void validate_email(Fields& f, const std::optional<std::string>& e) {
  if (!e || e->empty()) return;
  auto at = e->find('@');
  if (at == std::string::npos || at == 0 || at == e->size() - 1 || e->find(' ') != std::string::npos)
    f.fail("email", "邮箱格式错误", "malformed e-mail address");
}

using NullableId = Nullable<long long>;
struct NullableStr {
  std::string value;
  soci::indicator ind = soci::i_null;
  explicit NullableStr(const std::optional<std::string>& v) {
    if (v && !v->empty()) {
      value = *v;
      ind = soci::i_ok;
    }
  }
};

bool exists(soci::session& sql, const std::string& table, std::int64_t id) {
  long long i = id;
  int n = 0;
  sql << "SELECT COUNT(*) FROM " + table + " WHERE id = :id", soci::use(i), soci::into(n);
  return n > 0;
}

void set_roles(soci::session& sql, std::int64_t user_id, const std::vector<std::int64_t>& role_ids) {
  long long uid = user_id;
  sql << "DELETE FROM user_roles WHERE user_id = :u", soci::use(uid);
  for (auto rid : role_ids) {
    long long r = rid;
    sql << "INSERT INTO user_roles (user_id, role_id) VALUES (:u, :r)", soci::use(uid), soci::use(r);
  }
}

}  // namespace

UserService::UserService(Database& db, AuthService& auth, EventBus& bus) : db_(db), auth_(auth), bus_(bus) {}

namespace {
// The payload of auth.user.* events: identifiers and placement only, never PII.
nlohmann::json user_event(const nlohmann::json& u) {
  return {{"id", u["id"]}, {"username", u["username"]}, {"department_id", u["department_id"]},
          {"region_id", u["region_id"]}, {"status", u["status"]}};
}
}  // namespace

std::string UserService::scope_condition(const Principal& who) {
  if (who.sees_all()) return "1=1";
  std::vector<std::string> parts;
  for (auto s : who.scopes) {
    switch (s) {
      case DataScope::kAll: return "1=1";
      case DataScope::kDepartment:
        if (!who.department_path.empty())
          parts.push_back("u.department_id IN " + subtree_ids("departments", who.department_path));
        break;
      case DataScope::kRegion:
        if (!who.region_path.empty()) {
          const auto& p = checked_tree_path(who.region_path);
          parts.push_back("u.region_id IN " + subtree_ids("regions", p) +
                          " OR u.department_id IN (SELECT d.id FROM departments d JOIN regions r ON r.id = "
                          "d.region_id WHERE r.path LIKE '" +
                          p + "%')");
        }
        break;
      case DataScope::kSelf: parts.push_back("u.id = " + std::to_string(who.user_id)); break;
    }
  }
  if (parts.empty()) return "1=0";
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "(" : " OR (") + p + ")";
  return "(" + out + ")";
}

void UserService::require_in_scope(soci::session& sql, const Principal& who, std::int64_t user_id) {
  long long id = user_id;
  int n = 0;
  sql << "SELECT COUNT(*) FROM users u WHERE u.id = :id", soci::use(id), soci::into(n);
  if (n == 0) throw Error::not_found("用户不存在", "no such user");
  sql << "SELECT COUNT(*) FROM users u WHERE u.id = :id AND " + scope_condition(who), soci::use(id), soci::into(n);
  if (n == 0) throw Error::forbidden();
}

void UserService::require_placement(soci::session& sql, const Principal& who, std::optional<std::int64_t> department_id,
                                    std::optional<std::int64_t> region_id) {
  if (department_id && !exists(sql, "departments", *department_id))
    throw Error::invalid("validation", "部门不存在", "no such department")
        .on_field("department_id", "部门不存在");
  if (region_id && !exists(sql, "regions", *region_id))
    throw Error::invalid("validation", "区域不存在", "no such region")
        .on_field("region_id", "区域不存在");
  if (who.sees_all()) return;
  for (auto s : who.scopes) {
    if (s == DataScope::kDepartment && department_id && !who.department_path.empty() &&
        tree_path(sql, "departments", *department_id).rfind(who.department_path, 0) == 0)
      return;
    if (s == DataScope::kRegion && !who.region_path.empty()) {
      if (region_id && tree_path(sql, "regions", *region_id).rfind(who.region_path, 0) == 0) return;
    }
  }
  throw Error::forbidden("不能在您的数据权限范围之外创建或调整用户", "you cannot place users outside your data scope");
}

void UserService::require_assignable(soci::session& sql, const Principal& who, const std::vector<std::int64_t>& role_ids) {
  for (auto rid : role_ids) {
    long long r = rid;
    std::string scope;
    soci::indicator ind = soci::i_null;
    sql << "SELECT data_scope FROM roles WHERE id = :id", soci::use(r), soci::into(scope, ind);
    if (ind != soci::i_ok)
      throw Error::invalid("validation", "角色不存在", "no such role")
          .on_field("role_ids", "角色不存在");
    if (who.sees_all()) continue;
    // No escalation: a role may be granted only by someone who holds all of its
    // permissions, and an all-data role only by someone who sees all data.
    if (scope == "all") throw Error::forbidden("不能授予超出自身权限的角色", "you cannot grant a role wider than your own");
    soci::rowset<std::string> perms = (sql.prepare << "SELECT permission FROM role_permissions WHERE role_id = :id", soci::use(r));
    for (const auto& p : perms)
      if (!who.can(p)) throw Error::forbidden("不能授予超出自身权限的角色", "you cannot grant a role wider than your own");
  }
}

namespace {

// The columns every user read selects, in the order fetch_users() binds them.
constexpr const char* kUserColumns =
    "SELECT u.id, u.username, u.name, u.phone, u.id_card, u.email, u.department_id, d.name, u.region_id, r.name, "
    "u.status, u.locked_until, u.created_at, u.last_login_at, "
    // The user's roles in the same row: "id\x1Fcode\x1Fname" joined by \x1E (control
    // characters never occur in codes or names: validation refuses them).
    "(SELECT group_concat(CAST(r2.id AS TEXT) || '\x1F' || r2.code || '\x1F' || r2.name, '\x1E') "
    "FROM user_roles ur2 JOIN roles r2 ON r2.id = ur2.role_id WHERE ur2.user_id = u.id) "
    "FROM users u "
    "LEFT JOIN departments d ON d.id = u.department_id LEFT JOIN regions r ON r.id = u.region_id";

// Parses the aggregated roles column (see kUserColumns), ordered by role id.
std::vector<RoleRef> parse_roles(const std::string& text) {
  std::vector<RoleRef> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\x1E', pos);
    if (end == std::string::npos) end = text.size();
    auto item = std::string_view(text).substr(pos, end - pos);
    auto a = item.find('\x1F');
    auto b = a == std::string_view::npos ? a : item.find('\x1F', a + 1);
    if (b != std::string_view::npos)
      out.push_back({std::strtoll(std::string(item.substr(0, a)).c_str(), nullptr, 10), std::string(item.substr(a + 1, b - a - 1)),
                     std::string(item.substr(b + 1))});
    pos = end + 1;
  }
  std::sort(out.begin(), out.end(), [](const RoleRef& x, const RoleRef& y) { return x.id < y.id; });
  return out;
}

// The columns of kUserColumns as typed vectors for one bulk fetch: soci::row's dynamic
// types and SOCI's per-row fetch cost more than the query itself on a 50-row page.
struct UserRows {
  std::vector<long long> id, dept, region, locked, created, last;
  std::vector<std::string> username, name, phone, idc, email, dname, rname, status, roles;
  std::vector<soci::indicator> phone_i, idc_i, email_i, dept_i, dname_i, region_i, rname_i, locked_i, last_i, roles_i;

  // SOCI 4.0's SQLite backend returns no rows into vectors of size 1 (it takes the
  // single-row path, then resizes the vectors to 0), so never ask for fewer than 2.
  void resize(std::size_t n) {
    n = std::max<std::size_t>(n, 2);
    for (auto* v : {&id, &dept, &region, &locked, &created, &last}) v->resize(n);
    for (auto* v : {&username, &name, &phone, &idc, &email, &dname, &rname, &status, &roles}) v->resize(n);
    for (auto* v : {&phone_i, &idc_i, &email_i, &dept_i, &dname_i, &region_i, &rname_i, &locked_i, &last_i, &roles_i})
      v->resize(n);
  }
  void bind(soci::details::prepare_temp_type& prep) {
    prep, soci::into(id), soci::into(username), soci::into(name), soci::into(phone, phone_i), soci::into(idc, idc_i),
        soci::into(email, email_i), soci::into(dept, dept_i), soci::into(dname, dname_i), soci::into(region, region_i),
        soci::into(rname, rname_i), soci::into(status), soci::into(locked, locked_i), soci::into(created),
        soci::into(last, last_i), soci::into(roles, roles_i);
  }
  // The fetched rows (id.size() of them after execute) as views.
  std::vector<UserView> take(bool show_pii) {
    std::vector<UserView> out;
    const auto now = now_ms();
    auto opt_s = [](std::string& v, soci::indicator i) { return i == soci::i_ok ? std::optional(std::move(v)) : std::nullopt; };
    auto opt_n = [](long long v, soci::indicator i) {
      return i == soci::i_ok ? std::optional<std::int64_t>(v) : std::nullopt;
    };
    out.reserve(id.size());
    for (std::size_t i = 0; i < id.size(); ++i) {
      UserView u;
      u.id = id[i];
      u.username = std::move(username[i]);
      u.name = std::move(name[i]);
      u.phone = opt_s(phone[i], phone_i[i]);
      u.id_card = opt_s(idc[i], idc_i[i]);
      if (u.phone && !show_pii) u.phone = mask_phone(*u.phone);
      if (u.id_card && !show_pii) u.id_card = mask_id_card(*u.id_card);
      u.email = opt_s(email[i], email_i[i]);
      u.department_id = opt_n(dept[i], dept_i[i]);
      u.department_name = opt_s(dname[i], dname_i[i]);
      u.region_id = opt_n(region[i], region_i[i]);
      u.region_name = opt_s(rname[i], rname_i[i]);
      u.status = std::move(status[i]);
      u.locked_until = opt_n(locked[i], locked_i[i]);
      if (u.locked_until && *u.locked_until <= now) u.locked_until.reset();
      u.created_at = created[i];
      u.last_login_at = opt_n(last[i], last_i[i]);
      if (roles_i[i] == soci::i_ok) u.roles = parse_roles(roles[i]);
      out.push_back(std::move(u));
    }
    return out;
  }
};

// One user by id (not cached: writes and single reads are not the hot path).
std::vector<UserView> fetch_user(soci::session& sql, std::int64_t user_id, bool show_pii) {
  UserRows rows;
  rows.resize(1);
  long long uid = user_id;
  soci::details::prepare_temp_type prep = (sql.prepare << std::string(kUserColumns) + " WHERE u.id = :id");
  prep, soci::use(uid);
  rows.bind(prep);
  soci::statement st(prep);
  if (!st.execute(true)) return {};
  return rows.take(show_pii);
}

// The user list's count, prepared once per session and data-scope condition.
struct UserCountQuery : CachedQuery {
  std::string like, status;
  long long dept = 0, total = 0;
  soci::statement st;

  UserCountQuery(soci::session& sql, const std::string& text)
      : st((sql.prepare << text, soci::use(like), soci::use(like), soci::use(like), soci::use(dept), soci::use(dept),
            soci::use(status), soci::use(status), soci::into(total))) {}
};

// The user list's page statement, prepared once per session and data-scope condition.
struct UserListQuery : CachedQuery {
  std::string like, status;
  long long dept = 0, limit = 0, offset = 0;
  UserRows rows;
  soci::statement st;

  UserListQuery(soci::session& sql, const std::string& text) : st(prepare(sql, text)) {}

  soci::details::prepare_temp_type prepare(soci::session& sql, const std::string& text) {
    rows.resize(2);
    soci::details::prepare_temp_type prep = (sql.prepare << text);
    prep, soci::use(like), soci::use(like), soci::use(like), soci::use(dept), soci::use(dept), soci::use(status),
        soci::use(status), soci::use(limit), soci::use(offset);
    rows.bind(prep);
    return prep;
  }
};

}  // namespace

nlohmann::json UserService::load_user(soci::session& sql, std::int64_t id, bool show_pii) {
  auto users = fetch_user(sql, id, show_pii);
  if (users.empty()) throw Error::not_found("用户不存在", "no such user");
  return to_json(users[0]);
}

UserPage UserService::list(const Principal& who, const UserQuery& q) {
  UserPage page;
  page.page = q.page;
  page.size = q.size;
  db_.read([&](soci::session& sql) {
    std::string where = " WHERE " + scope_condition(who);
    // The search text is literal: % and _ typed by a user match themselves.
    const std::string like = q.q ? contains_pattern(*q.q) : "";
    long long dept = q.department_id.value_or(0);
    std::string status = q.status.value_or("");
    // Fixed placeholders with "match anything" values keep one statement shape.
    where += " AND (:q1 = '' OR u.username LIKE :q2 ESCAPE '!' OR u.name LIKE :q3 ESCAPE '!')";
    where += " AND (:d1 = 0 OR u.department_id = :d2)";
    where += " AND (:s1 = '' OR u.status = :s2)";
    auto& count = db_.cached<UserCountQuery>(sql, "users.count" + where, [&](soci::session& session) {
      return std::make_unique<UserCountQuery>(session, "SELECT COUNT(*) FROM users u" + where);
    });
    count.like = like;
    count.dept = dept;
    count.status = status;
    count.total = 0;
    count.st.execute(true);
    db_.finish(count.st);
    page.total = count.total;
    if (page.total == 0) return;
    auto& query = db_.cached<UserListQuery>(sql, "users.list" + where, [&](soci::session& session) {
      return std::make_unique<UserListQuery>(session, std::string(kUserColumns) + where +
                                                          " ORDER BY u.id LIMIT :l OFFSET :o");
    });
    query.like = like;
    query.dept = dept;
    query.status = status;
    query.limit = q.size;
    query.offset = static_cast<long long>(q.page - 1) * q.size;
    query.rows.resize(static_cast<std::size_t>(q.size));
    bool got = false;
    try {
      got = query.st.execute(true);
    } catch (...) {
      db_.finish(query.st);
      throw;
    }
    db_.finish(query.st);
    if (got) page.items = query.rows.take(who.can("pii:read"));
  });
  return page;
}

nlohmann::json UserService::get(const Principal& who, std::int64_t id) {
  return db_.read([&](soci::session& sql) {
    require_in_scope(sql, who, id);
    return load_user(sql, id, who.can("pii:read"));
  });
}

std::int64_t UserService::create_system(Tx& tx, const Actor& actor, const std::string& username,
                                        const std::string& name, const std::string& password,
                                        std::optional<std::int64_t> department_id,
                                        std::optional<std::int64_t> region_id,
                                        const std::vector<std::string>& role_codes) {
  check_password_policy(password);
  std::string hash = auth_.hash(password);
  long long at = now_ms();
  NullableId dept(department_id), region(region_id);
  std::string un = username, nm = name;
  long long id = 0;
  tx.sql << "INSERT INTO users (username, name, password_hash, department_id, region_id, status, created_at, "
            "updated_at) VALUES (:u, :n, :h, :d, :r, 'active', :c, :m) RETURNING id",
      soci::use(un), soci::use(nm), soci::use(hash), soci::use(dept.value, dept.ind), soci::use(region.value, region.ind),
      soci::use(at), soci::use(at), soci::into(id);
  std::vector<std::int64_t> role_ids;
  for (const auto& code : role_codes) {
    long long rid = 0;
    std::string c = code;
    soci::indicator ind = soci::i_null;
    tx.sql << "SELECT id FROM roles WHERE code = :c", soci::use(c), soci::into(rid, ind);
    if (ind != soci::i_ok) throw Error::invalid("unknown-role", "角色不存在：" + code, "no such role: " + code);
    role_ids.push_back(rid);
  }
  set_roles(tx.sql, id, role_ids);
  audit_operation(tx, actor, "user", std::to_string(id), "create", nullptr, load_user(tx.sql, id, false));
  return id;
}

nlohmann::json UserService::create(const Principal& who, const Actor& actor, const nlohmann::json& body) {
  Fields f(body, {"username", "name", "password", "phone", "id_card", "email", "department_id", "region_id", "role_ids"});
  std::string username = f.str("username", 32, 2);
  for (char c : username)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') {
      f.fail("username", "只能包含字母、数字、下划线、点和连字符", "may contain only letters, digits, _ . -");
      break;
    }
  std::string name = f.str("name", 64);
  std::string password = f.str("password", 128);
  auto phone = f.opt_str("phone", 20);
  auto id_card = f.opt_str("id_card", 18);
  auto email = f.opt_str("email", 128);
  auto dept = f.opt_id("department_id");
  auto region = f.opt_id("region_id");
  auto role_ids = f.id_list("role_ids");
  validate_phone(f, phone);
  validate_id_card(f, id_card);
  validate_email(f, email);
  f.done();
  check_password_policy(password);
  // Hash before the transaction: argon2id must not hold the write lock.
  std::string hash = auth_.hash(password);
  std::int64_t id = db_.write([&](Tx& tx) {
    require_placement(tx.sql, who, dept, region);
    require_assignable(tx.sql, who, role_ids);
    long long at = now_ms();
    NullableId d(dept), r(region);
    NullableStr p(phone), i(id_card), e(email);
    long long new_id = 0;
    try {
      tx.sql << "INSERT INTO users (username, name, password_hash, phone, id_card, email, department_id, region_id, "
                "status, created_at, updated_at) VALUES (:u, :n, :h, :p, :i, :e, :d, :r, 'active', :c, :m) RETURNING id",
          soci::use(username), soci::use(name), soci::use(hash), soci::use(p.value, p.ind), soci::use(i.value, i.ind),
          soci::use(e.value, e.ind), soci::use(d.value, d.ind), soci::use(r.value, r.ind), soci::use(at), soci::use(at),
          soci::into(new_id);
    } catch (const soci::soci_error& ex) {
      if (Database::is_unique_violation(ex))
        throw Error::conflict("username-taken", "用户名已存在", "the user name is taken")
            .on_field("username", "用户名已存在");
      throw;
    }
    set_roles(tx.sql, new_id, role_ids);
    auto after = load_user(tx.sql, new_id, false);
    audit_operation(tx, actor, "user", std::to_string(new_id), "create", nullptr, after);
    bus_.publish(tx, "auth.user.created", user_event(after));
    return static_cast<std::int64_t>(new_id);
  });
  return get(who, id);
}

nlohmann::json UserService::update(const Principal& who, const Actor& actor, std::int64_t id, const nlohmann::json& body) {
  Fields f(body, {"name", "phone", "id_card", "email", "department_id", "region_id", "role_ids", "status"});
  auto name = f.opt_str("name", 64);
  if (name && name->empty()) f.fail("name", "不能为空", "must not be empty");
  auto phone = f.opt_str("phone", 20);
  auto id_card = f.opt_str("id_card", 18);
  auto email = f.opt_str("email", 128);
  auto dept = f.opt_id("department_id");
  auto region = f.opt_id("region_id");
  bool set_role_ids = f.has("role_ids");
  auto role_ids = f.id_list("role_ids");
  auto status = f.opt_str("status", 16);
  if (status && *status != "active" && *status != "disabled")
    f.fail("status", "应为 active 或 disabled", "must be active or disabled");
  validate_phone(f, phone);
  validate_id_card(f, id_card);
  validate_email(f, email);
  f.done();
  // A masked value sent back unchanged by a form must not overwrite the real number.
  auto masked = [](const std::optional<std::string>& v) { return v && v->find('*') != std::string::npos; };
  db_.write([&](Tx& tx) {
    require_in_scope(tx.sql, who, id);
    auto before = load_user(tx.sql, id, false);
    if (dept || region) require_placement(tx.sql, who, dept, region);
    if (set_role_ids) require_assignable(tx.sql, who, role_ids);
    if (id == who.user_id && status && *status == "disabled")
      throw Error::conflict("cannot-disable-self", "不能停用自己的账号", "you cannot disable your own account");
    long long uid = id, at = now_ms();
    if (name) tx.sql << "UPDATE users SET name = :n WHERE id = :id", soci::use(*name), soci::use(uid);
    if (f.has("phone") && !masked(phone)) {
      NullableStr p(phone);
      tx.sql << "UPDATE users SET phone = :p WHERE id = :id", soci::use(p.value, p.ind), soci::use(uid);
    }
    if (f.has("id_card") && !masked(id_card)) {
      NullableStr i(id_card);
      tx.sql << "UPDATE users SET id_card = :p WHERE id = :id", soci::use(i.value, i.ind), soci::use(uid);
    }
    if (f.has("email")) {
      NullableStr e(email);
      tx.sql << "UPDATE users SET email = :p WHERE id = :id", soci::use(e.value, e.ind), soci::use(uid);
    }
    if (body.contains("department_id")) {
      NullableId d(dept);
      tx.sql << "UPDATE users SET department_id = :d WHERE id = :id", soci::use(d.value, d.ind), soci::use(uid);
    }
    if (body.contains("region_id")) {
      NullableId r(region);
      tx.sql << "UPDATE users SET region_id = :d WHERE id = :id", soci::use(r.value, r.ind), soci::use(uid);
    }
    if (status) {
      tx.sql << "UPDATE users SET status = :s WHERE id = :id", soci::use(*status), soci::use(uid);
      if (*status == "disabled") auth_.revoke_user_sessions(tx, id);
    }
    if (set_role_ids) set_roles(tx.sql, id, role_ids);
    tx.sql << "UPDATE users SET updated_at = :t WHERE id = :id", soci::use(at), soci::use(uid);
    auto after = load_user(tx.sql, id, false);
    audit_operation(tx, actor, "user", std::to_string(id), "update", before, after);
    bus_.publish(tx, "auth.user.updated", user_event(after));
    tx.after_commit([this] { auth_.invalidate(); });
  });
  return get(who, id);
}

namespace {

std::int64_t user_id_by_name(Tx& tx, const std::string& username) {
  std::string un = username;
  long long id = 0;
  soci::indicator ind = soci::i_null;
  tx.sql << "SELECT id FROM users WHERE username = :u", soci::use(un), soci::into(id, ind);
  if (ind != soci::i_ok) throw Error::not_found("用户不存在：" + username, "no such user: " + username);
  return id;
}

}  // namespace

void UserService::write_password(Tx& tx, const Actor& actor, std::int64_t id, const std::string& hash, bool unlock) {
  long long uid = id, at = now_ms();
  std::string h = hash;
  tx.sql << std::string("UPDATE users SET password_hash = :h, failed_logins = 0, updated_at = :t") +
                (unlock ? ", locked_until = NULL" : "") + " WHERE id = :id",
      soci::use(h), soci::use(at), soci::use(uid);
  auth_.revoke_user_sessions(tx, id);
  audit_operation(tx, actor, "user", std::to_string(id), "reset-password", nullptr, nullptr);
}

void UserService::write_lock(Tx& tx, const Actor& actor, std::int64_t id, bool locked) {
  long long uid = id;
  if (locked) {
    long long until = kLockedForever;
    tx.sql << "UPDATE users SET locked_until = :t WHERE id = :id", soci::use(until), soci::use(uid);
    auth_.revoke_user_sessions(tx, id);
  } else {
    tx.sql << "UPDATE users SET locked_until = NULL, failed_logins = 0 WHERE id = :id", soci::use(uid);
  }
  audit_operation(tx, actor, "user", std::to_string(id), locked ? "lock" : "unlock", nullptr, nullptr);
}

void UserService::set_password(const Principal& who, const Actor& actor, std::int64_t id, const nlohmann::json& body) {
  Fields f(body, {"password"});
  std::string password = f.str("password", 128);
  f.done();
  check_password_policy(password);
  std::string hash = auth_.hash(password);
  db_.write([&](Tx& tx) {
    require_in_scope(tx.sql, who, id);
    write_password(tx, actor, id, hash, false);
  });
}

void UserService::set_locked(const Principal& who, const Actor& actor, std::int64_t id, bool locked) {
  if (locked && id == who.user_id)
    throw Error::conflict("cannot-lock-self", "不能锁定自己的账号", "you cannot lock your own account");
  db_.write([&](Tx& tx) {
    require_in_scope(tx.sql, who, id);
    write_lock(tx, actor, id, locked);
  });
}

void UserService::set_password_system(const Actor& actor, const std::string& username, const std::string& password) {
  check_password_policy(password);
  std::string hash = auth_.hash(password);
  db_.write([&](Tx& tx) { write_password(tx, actor, user_id_by_name(tx, username), hash, true); });
}

void UserService::set_locked_system(const Actor& actor, const std::string& username, bool locked) {
  db_.write([&](Tx& tx) { write_lock(tx, actor, user_id_by_name(tx, username), locked); });
}

// ---------------------------------------------------------------------------------- roles

namespace {

nlohmann::json load_role(soci::session& sql, std::int64_t id) {
  long long rid = id;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT r.id, r.code, r.name, r.data_scope, r.builtin, "
                      "(SELECT COUNT(*) FROM user_roles ur WHERE ur.role_id = r.id) FROM roles r WHERE r.id = :id",
       soci::use(rid));
  nlohmann::json j;
  for (const auto& r : rows)
    j = {{"id", get_i64(r, 0)},           {"code", get_str(r, 1)},         {"name", get_str(r, 2)},
         {"data_scope", get_str(r, 3)},   {"builtin", get_i64(r, 4) != 0}, {"user_count", get_i64(r, 5)},
         {"permissions", nlohmann::json::array()}};
  if (j.is_null()) throw Error::not_found("角色不存在", "no such role");
  soci::rowset<std::string> perms =
      (sql.prepare << "SELECT permission FROM role_permissions WHERE role_id = :id ORDER BY permission", soci::use(rid));
  for (const auto& p : perms) j["permissions"].push_back(p);
  return j;
}

struct RoleInput {
  std::optional<std::string> code, name, scope;
  std::optional<std::vector<std::string>> permissions;
};

RoleInput read_role(const nlohmann::json& body, bool create) {
  Fields f(body, {"code", "name", "data_scope", "permissions"});
  RoleInput in;
  if (create) {
    in.code = f.str("code", 32, 2);
  } else if (f.has("code")) {
    f.fail("code", "角色编码不可修改", "a role's code cannot change");
  }
  in.name = create ? std::optional(f.str("name", 64)) : f.opt_str("name", 64);
  in.scope = create ? std::optional(f.str("data_scope", 16)) : f.opt_str("data_scope", 16);
  if (in.scope && !data_scope_from(*in.scope)) f.fail("data_scope", "应为 all/department/region/self", "must be all, department, region or self");
  if (f.has("permissions") || create) {
    auto perms = f.str_list("permissions", 64);
    for (const auto& p : perms)
      if (!is_permission(p)) f.fail("permissions", "未知权限：" + p, "unknown permission: " + p);
    in.permissions = perms;
  }
  f.done();
  return in;
}

void check_grantable(const Principal& who, const RoleInput& in) {
  if (who.sees_all()) return;
  if (in.scope && *in.scope == "all") throw Error::forbidden("不能授予超出自身权限的角色", "you cannot grant a role wider than your own");
  if (in.permissions)
    for (const auto& p : *in.permissions)
      if (!who.can(p)) throw Error::forbidden("不能授予超出自身权限的角色", "you cannot grant a role wider than your own");
}

void write_permissions(soci::session& sql, std::int64_t id, const std::vector<std::string>& perms) {
  long long rid = id;
  sql << "DELETE FROM role_permissions WHERE role_id = :id", soci::use(rid);
  std::set<std::string> unique(perms.begin(), perms.end());
  for (const auto& p : unique) {
    std::string perm = p;
    sql << "INSERT INTO role_permissions (role_id, permission) VALUES (:r, :p)", soci::use(rid), soci::use(perm);
  }
}

}  // namespace

nlohmann::json UserService::list_roles(const Principal&) {
  nlohmann::json items = nlohmann::json::array();
  db_.read([&](soci::session& sql) {
    std::vector<std::int64_t> ids;
    soci::rowset<soci::row> rows = sql.prepare << "SELECT id FROM roles ORDER BY id";
    for (const auto& r : rows) ids.push_back(get_i64(r, 0));
    for (auto id : ids) items.push_back(load_role(sql, id));
  });
  return {{"items", items}};
}

nlohmann::json UserService::create_role(const Actor& actor, const Principal& who, const nlohmann::json& body) {
  auto in = read_role(body, true);
  check_grantable(who, in);
  return db_.write([&](Tx& tx) {
    long long id = 0, at = now_ms();
    try {
      tx.sql << "INSERT INTO roles (code, name, data_scope, builtin, created_at) VALUES (:c, :n, :s, 0, :a) RETURNING id",
          soci::use(*in.code), soci::use(*in.name), soci::use(*in.scope), soci::use(at), soci::into(id);
    } catch (const soci::soci_error& e) {
      if (Database::is_unique_violation(e)) throw Error::conflict("role-code-taken", "角色编码已存在", "the role code is taken");
      throw;
    }
    write_permissions(tx.sql, id, *in.permissions);
    auto after = load_role(tx.sql, id);
    audit_operation(tx, actor, "role", std::to_string(id), "create", nullptr, after);
    return after;
  });
}

nlohmann::json UserService::update_role(const Actor& actor, const Principal& who, std::int64_t id, const nlohmann::json& body) {
  auto in = read_role(body, false);
  check_grantable(who, in);
  return db_.write([&](Tx& tx) {
    auto before = load_role(tx.sql, id);
    if (before["builtin"].get<bool>() && before["code"] == "admin")
      throw Error::conflict("role-builtin", "内置管理员角色不可修改", "the built-in administrator role cannot change");
    long long rid = id;
    if (in.name) tx.sql << "UPDATE roles SET name = :n WHERE id = :id", soci::use(*in.name), soci::use(rid);
    if (in.scope) tx.sql << "UPDATE roles SET data_scope = :n WHERE id = :id", soci::use(*in.scope), soci::use(rid);
    if (in.permissions) write_permissions(tx.sql, id, *in.permissions);
    auto after = load_role(tx.sql, id);
    audit_operation(tx, actor, "role", std::to_string(id), "update", before, after);
    tx.after_commit([this] { auth_.invalidate(); });
    return after;
  });
}

void UserService::delete_role(const Actor& actor, std::int64_t id) {
  db_.write([&](Tx& tx) {
    auto before = load_role(tx.sql, id);
    if (before["builtin"].get<bool>()) throw Error::conflict("role-builtin", "内置角色不可删除", "built-in roles cannot be deleted");
    if (before["user_count"].get<std::int64_t>() > 0)
      throw Error::conflict("role-in-use", "仍有用户使用该角色，不能删除", "users still hold this role");
    long long rid = id;
    tx.sql << "DELETE FROM role_permissions WHERE role_id = :id", soci::use(rid);
    tx.sql << "DELETE FROM roles WHERE id = :id", soci::use(rid);
    audit_operation(tx, actor, "role", std::to_string(id), "delete", before, nullptr);
  });
}

void UserService::ensure_builtin_roles() {
  struct Builtin {
    const char* code;
    const char* name;
    const char* scope;
    std::vector<std::string> permissions;  // empty for admin: it gets all
  };
  static const std::vector<Builtin> builtins = {
      {"admin", "系统管理员", "all", {}},
      {"leader", "区领导", "all", {"org:read", "user:read", "role:read", "audit:read"}},
      {"dept_admin", "部门管理员", "department", {"org:read", "org:write", "user:read", "user:write", "role:read"}},
      {"town_admin", "镇街管理员", "region", {"org:read", "user:read", "user:write", "role:read"}},
      {"staff", "工作人员", "self", {"org:read"}},
      {"grid_worker", "网格员", "self", {"org:read"}},
  };
  db_.write([&](Tx& tx) {
    for (const auto& b : builtins) {
      std::string code = b.code, name = b.name, scope = b.scope;
      long long id = 0;
      soci::indicator ind = soci::i_null;
      tx.sql << "SELECT id FROM roles WHERE code = :c", soci::use(code), soci::into(id, ind);
      bool fresh = ind != soci::i_ok;
      if (fresh) {
        long long at = now_ms();
        tx.sql << "INSERT INTO roles (code, name, data_scope, builtin, created_at) VALUES (:c, :n, :s, 1, :a) RETURNING id",
            soci::use(code), soci::use(name), soci::use(scope), soci::use(at), soci::into(id);
      }
      if (code == "admin") {
        std::vector<std::string> all;
        for (const auto& p : all_permissions()) all.push_back(p.code);
        write_permissions(tx.sql, id, all);
      } else if (fresh) {
        write_permissions(tx.sql, id, b.permissions);
      }
    }
  });
}

void UserService::apply_role_grants(const std::string& grants_key, const std::vector<RoleGrant>& grants) {
  db_.write([&](Tx& tx) {
    std::string key = grants_key;
    long long seen = 0;
    tx.sql << "SELECT COUNT(*) FROM role_grants_applied WHERE grants_key = :k", soci::use(key), soci::into(seen);
    if (seen > 0) return;
    long long at = now_ms();
    for (const auto& g : grants) {
      for (const auto& p : g.permissions)
        if (!is_permission(p)) throw std::logic_error("module grants an unregistered permission: " + p);
      std::string code = g.code, name = g.name, scope = g.data_scope;
      long long id = 0;
      soci::indicator ind = soci::i_null;
      tx.sql << "SELECT id FROM roles WHERE code = :c", soci::use(code), soci::into(id, ind);
      std::vector<std::string> perms;
      if (ind != soci::i_ok) {
        if (!data_scope_from(g.data_scope) || g.name.empty())
          throw std::logic_error("module role without a name or with a bad data scope: " + g.code);
        tx.sql << "INSERT INTO roles (code, name, data_scope, builtin, created_at) VALUES (:c, :n, :s, 1, :a) RETURNING id",
            soci::use(code), soci::use(name), soci::use(scope), soci::use(at), soci::into(id);
      } else {
        soci::rowset<std::string> held = (tx.sql.prepare << "SELECT permission FROM role_permissions WHERE role_id = :r",
                                          soci::use(id));
        perms.assign(held.begin(), held.end());
      }
      for (const auto& p : g.permissions)
        if (std::find(perms.begin(), perms.end(), p) == perms.end()) perms.push_back(p);
      write_permissions(tx.sql, id, perms);
    }
    tx.sql << "INSERT INTO role_grants_applied (grants_key, applied_at) VALUES (:k, :a)", soci::use(key), soci::use(at);
  });
}

}  // namespace ecity::platform
