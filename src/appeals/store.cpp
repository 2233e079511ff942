#include "appeals/store.h"

#include "platform/auth/auth_service.h"
#include "platform/db/pg_copy.h"
#include "platform/db/row.h"
#include "platform/db/tree_path.h"
#include "platform/db/where.h"
#include "platform/error.h"

#include "platform/http/fields.h"

#include <fmt/format.h>

#include <chrono>
#include <map>
#include <set>

namespace ecity::appeals {

using platform::get_i64;
using platform::get_str;
using platform::Nullable;
using platform::opt_f64;
using platform::opt_i64;
using platform::opt_str;

namespace {

template <typename E>
E parse_stored(const std::string& text) {
  auto v = parse<E>(text);
  if (!v) throw std::runtime_error("appeals: unknown stored code '" + text + "'");
  return *v;
}

template <typename E>
std::optional<E> parse_stored_opt(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return parse_stored<E>(*text);
}

std::optional<bool> opt_bool(const soci::row& r, std::size_t i) {
  auto v = opt_i64(r, i);
  if (!v) return std::nullopt;
  return *v != 0;
}

constexpr const char* kAppealColumns =
    "id, number, channel, type, category_id, urgency, caller_name, caller_phone, anonymous, confidential, content, "
    "address, lng, lat, region_id, tags, state, lead_department_id, lead_region_id, sub_region_id, created_at, "
    "created_by, dispatched_at, signed_at, replied_at, closed_at, archived_at, sign_due_at, handle_due_at, "
    "sla_pending, sign_late, handle_late, warning, extension_pending, reply_text, reply_result, callback_reached, "
    "callback_solved, satisfaction, master_id, reopen_count, return_count, extension_count, supervise_level, "
    "supervise_due_at, version, is_repeat, town_id, handle_days";

Appeal appeal_of(const soci::row& r) {
  Appeal a;
  std::size_t i = 0;
  a.id = get_i64(r, i++);
  a.number = get_str(r, i++);
  a.channel = parse_stored<Channel>(get_str(r, i++));
  a.type = parse_stored<AppealType>(get_str(r, i++));
  a.category_id = get_i64(r, i++);
  a.urgency = parse_stored<Urgency>(get_str(r, i++));
  a.caller_name = get_str(r, i++);
  a.caller_phone = get_str(r, i++);
  a.anonymous = get_i64(r, i++) != 0;
  a.confidential = get_i64(r, i++) != 0;
  a.content = get_str(r, i++);
  a.address = get_str(r, i++);
  a.lng = opt_f64(r, i++);
  a.lat = opt_f64(r, i++);
  a.region_id = opt_i64(r, i++);
  a.tags = get_str(r, i++);
  a.state = parse_stored<State>(get_str(r, i++));
  a.lead_department_id = opt_i64(r, i++);
  a.lead_region_id = opt_i64(r, i++);
  a.sub_region_id = opt_i64(r, i++);
  a.created_at = get_i64(r, i++);
  a.created_by = opt_i64(r, i++);
  a.dispatched_at = opt_i64(r, i++);
  a.signed_at = opt_i64(r, i++);
  a.replied_at = opt_i64(r, i++);
  a.closed_at = opt_i64(r, i++);
  a.archived_at = opt_i64(r, i++);
  a.sign_due_at = opt_i64(r, i++);
  a.handle_due_at = opt_i64(r, i++);
  a.sla_pending = get_i64(r, i++) != 0;
  a.sign_late = get_i64(r, i++) != 0;
  a.handle_late = get_i64(r, i++) != 0;
  a.warning = parse_stored<Warning>(get_str(r, i++));
  a.extension_pending = get_i64(r, i++) != 0;
  a.reply_text = opt_str(r, i++);
  a.reply_result = parse_stored_opt<ReplyResult>(opt_str(r, i++));
  a.callback_reached = opt_bool(r, i++);
  a.callback_solved = opt_bool(r, i++);
  a.satisfaction = parse_stored_opt<Satisfaction>(opt_str(r, i++));
  a.master_id = opt_i64(r, i++);
  a.reopen_count = static_cast<int>(get_i64(r, i++));
  a.return_count = static_cast<int>(get_i64(r, i++));
  a.extension_count = static_cast<int>(get_i64(r, i++));
  a.supervise_level = opt_str(r, i++);
  a.supervise_due_at = opt_i64(r, i++);
  a.version = static_cast<int>(get_i64(r, i++));
  a.is_repeat = get_i64(r, i++) != 0;
  a.town_id = opt_i64(r, i++);
  a.handle_days = opt_f64(r, i++);
  return a;
}

// The mutable columns of a case, bound once for INSERT and UPDATE alike.
struct MutableColumns {
  std::string state, warning;
  Nullable<long long> lead_dept, lead_region, sub_region, dispatched, signed_at, replied, closed, archived, sign_due,
      handle_due, master, supervise_due, callback_reached, callback_solved;
  Nullable<std::string> reply_text, reply_result, satisfaction, supervise_level;
  int sla_pending = 0, sign_late = 0, handle_late = 0, extension_pending = 0;
  int reopen = 0, returns = 0, extensions = 0;
  Nullable<double> handle_days;
  explicit MutableColumns(const Appeal& a)
      : state(code(a.state)),
        warning(code(a.warning)),
        lead_dept(a.lead_department_id),
        lead_region(a.lead_region_id),
        sub_region(a.sub_region_id),
        dispatched(a.dispatched_at),
        signed_at(a.signed_at),
        replied(a.replied_at),
        closed(a.closed_at),
        archived(a.archived_at),
        sign_due(a.sign_due_at),
        handle_due(a.handle_due_at),
        master(a.master_id),
        supervise_due(a.supervise_due_at),
        reply_text(a.reply_text),
        supervise_level(a.supervise_level),
        sla_pending(a.sla_pending),
        sign_late(a.sign_late),
        handle_late(a.handle_late),
        extension_pending(a.extension_pending),
        reopen(a.reopen_count),
        returns(a.return_count),
        extensions(a.extension_count),
        handle_days(a.handle_days) {
    if (a.callback_reached)
      callback_reached = Nullable<long long>(std::optional<long long>(*a.callback_reached ? 1 : 0));
    if (a.callback_solved) callback_solved = Nullable<long long>(std::optional<long long>(*a.callback_solved ? 1 : 0));
    if (a.reply_result)
      reply_result = Nullable<std::string>(std::optional<std::string>(std::string(code(*a.reply_result))));
    if (a.satisfaction)
      satisfaction = Nullable<std::string>(std::optional<std::string>(std::string(code(*a.satisfaction))));
  }
};

}  // namespace

// ---------------------------------------------------------------- catalogue

std::vector<Category> load_categories(soci::session& sql) {
  std::vector<Category> out;
  soci::rowset<soci::row> rows =
      sql.prepare
      << "SELECT id, parent_id, code, name, path, active, auto_dispatch FROM appeal_categories ORDER BY path";
  for (const auto& r : rows)
    out.push_back({get_i64(r, 0), opt_i64(r, 1), get_str(r, 2), get_str(r, 3), get_str(r, 4), get_i64(r, 5) != 0,
                   get_i64(r, 6) != 0});
  return out;
}

std::optional<Category> find_category(soci::session& sql, std::int64_t id) {
  long long cid = id;
  soci::rowset<soci::row> rows =
      (sql.prepare
           << "SELECT id, parent_id, code, name, path, active, auto_dispatch FROM appeal_categories WHERE id = :id",
       soci::use(cid));
  for (const auto& r : rows)
    return Category{get_i64(r, 0), opt_i64(r, 1),      get_str(r, 2),     get_str(r, 3),
                    get_str(r, 4), get_i64(r, 5) != 0, get_i64(r, 6) != 0};
  return std::nullopt;
}

std::int64_t insert_category(soci::session& sql, std::optional<std::int64_t> parent_id, const std::string& code,
                             const std::string& name, int sort) {
  std::string parent_path = "/";
  if (parent_id) {
    auto parent = find_category(sql, *parent_id);
    if (!parent) throw Error::invalid("category-parent", "上级分类不存在", "no such parent category");
    parent_path = parent->path;
  }
  Nullable<long long> parent(parent_id);
  std::string c = code, n = name, tmp = "/";
  long long id = 0;
  sql << "INSERT INTO appeal_categories (parent_id, code, name, path, sort) VALUES (:p, :c, :n, :t, :s) RETURNING id",
      soci::use(parent.value, parent.ind), soci::use(c), soci::use(n), soci::use(tmp), soci::use(sort), soci::into(id);
  std::string path = parent_path + std::to_string(id) + "/";
  sql << "UPDATE appeal_categories SET path = :p WHERE id = :id", soci::use(path), soci::use(id);
  return id;
}

std::optional<SlaSource> find_sla_source(soci::session& sql, const Category& category, Urgency urgency) {
  // Own row first, then ancestors from the nearest, then the default (0).
  std::vector<long long> chain;
  std::string_view path = category.path;
  std::size_t pos = 0;
  while ((pos = path.find('/', pos)) != std::string_view::npos && pos + 1 < path.size()) {
    auto end = path.find('/', pos + 1);
    chain.insert(chain.begin(), std::stoll(std::string(path.substr(pos + 1, end - pos - 1))));
    pos = end;
  }
  chain.push_back(0);
  std::string u(code(urgency));
  for (long long cid : chain) {
    int sign = 0, days = 0;
    soci::indicator ind = soci::i_null;
    sql << "SELECT sign_minutes, handle_days FROM appeal_sla WHERE category_id = :c AND urgency = :u", soci::use(cid),
        soci::use(u), soci::into(sign, ind), soci::into(days);
    if (sql.got_data() && ind == soci::i_ok) return SlaSource{SlaLimit{std::chrono::minutes(sign), days}, cid};
  }
  return std::nullopt;
}

std::optional<SlaLimit> find_sla(soci::session& sql, const Category& category, Urgency urgency) {
  auto s = find_sla_source(sql, category, urgency);
  return s ? std::optional(s->limit) : std::nullopt;
}

bool delete_sla(soci::session& sql, std::int64_t category_id, Urgency urgency) {
  long long cid = category_id;
  std::string u(code(urgency));
  soci::statement st =
      (sql.prepare << "DELETE FROM appeal_sla WHERE category_id = :c AND urgency = :u", soci::use(cid), soci::use(u));
  st.execute(true);
  return st.get_affected_rows() > 0;
}

void update_category(soci::session& sql, const Category& c) {
  long long id = c.id;
  int active = c.active ? 1 : 0;
  sql << "UPDATE appeal_categories SET name = :n, active = :a WHERE id = :id", soci::use(c.name), soci::use(active),
      soci::use(id);
}

bool category_code_taken(soci::session& sql, const std::string& code) {
  long long n = 0;
  sql << "SELECT COUNT(*) FROM appeal_categories WHERE code = :c", soci::use(code), soci::into(n);
  return n > 0;
}

void upsert_sla(soci::session& sql, std::int64_t category_id, Urgency urgency, const SlaLimit& limit) {
  long long cid = category_id;
  std::string u(code(urgency));
  int sign = static_cast<int>(limit.sign.count()), days = limit.handle_days;
  sql << "DELETE FROM appeal_sla WHERE category_id = :c AND urgency = :u", soci::use(cid), soci::use(u);
  sql << "INSERT INTO appeal_sla (category_id, urgency, sign_minutes, handle_days) VALUES (:c, :u, :s, :d)",
      soci::use(cid), soci::use(u), soci::use(sign), soci::use(days);
}

// ---------------------------------------------------------------- settings

std::vector<DispatchRule> load_dispatch_rules(soci::session& sql) {
  std::vector<DispatchRule> out;
  soci::rowset<soci::row> rows = sql.prepare
                                 << "SELECT id, category_id, region_id, lead_department_id, lead_region_id, "
                                    "co_department_ids FROM appeal_dispatch_rules ORDER BY category_id, "
                                    "region_id";
  for (const auto& r : rows) {
    DispatchRule d;
    d.id = get_i64(r, 0);
    d.category_id = get_i64(r, 1);
    d.region_id = get_i64(r, 2);
    d.lead_department_id = opt_i64(r, 3);
    d.lead_region_id = opt_i64(r, 4);
    const auto co = get_str(r, 5);
    for (std::size_t pos = 0; pos < co.size();) {
      auto end = co.find(',', pos);
      if (end == std::string::npos) end = co.size();
      if (end > pos) d.co_department_ids.push_back(std::stoll(co.substr(pos, end - pos)));
      pos = end + 1;
    }
    out.push_back(std::move(d));
  }
  return out;
}

std::int64_t upsert_dispatch_rule(soci::session& sql, const DispatchRule& r) {
  long long category = r.category_id, region = r.region_id;
  Nullable<long long> dept(r.lead_department_id), town(r.lead_region_id);
  std::string co;
  for (auto d : r.co_department_ids) co += (co.empty() ? "" : ",") + std::to_string(d);
  sql << "DELETE FROM appeal_dispatch_rules WHERE category_id = :c AND region_id = :r", soci::use(category),
      soci::use(region);
  long long id = 0;
  sql << "INSERT INTO appeal_dispatch_rules (category_id, region_id, lead_department_id, lead_region_id, "
         "co_department_ids) VALUES (:c, :r, :d, :t, :co) RETURNING id",
      soci::use(category), soci::use(region), soci::use(dept.value, dept.ind), soci::use(town.value, town.ind),
      soci::use(co), soci::into(id);
  return id;
}

bool delete_dispatch_rule(soci::session& sql, std::int64_t id) {
  long long i = id;
  soci::statement st = (sql.prepare << "DELETE FROM appeal_dispatch_rules WHERE id = :id", soci::use(i));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

void set_auto_dispatch(soci::session& sql, std::int64_t category_id, bool enabled) {
  long long id = category_id;
  int on = enabled ? 1 : 0;
  sql << "UPDATE appeal_categories SET auto_dispatch = :a WHERE id = :id", soci::use(on), soci::use(id);
}

std::map<std::string, std::string> load_settings(soci::session& sql) {
  std::map<std::string, std::string> out;
  soci::rowset<soci::row> rows = sql.prepare << "SELECT key, value FROM appeal_settings";
  for (const auto& r : rows) out[get_str(r, 0)] = get_str(r, 1);
  return out;
}

void set_setting(soci::session& sql, const std::string& key, const std::string& value) {
  std::string k = key, v = value;
  sql << "DELETE FROM appeal_settings WHERE key = :k", soci::use(k);
  sql << "INSERT INTO appeal_settings (key, value) VALUES (:k, :v)", soci::use(k), soci::use(v);
}

// ---------------------------------------------------------------- cases

namespace {

struct NumberQuery : platform::CachedQuery {
  std::string day;
  long long last = 0;
  soci::indicator ind = soci::i_null;
  soci::statement st;
  explicit NumberQuery(soci::session& sql)
      : st((sql.prepare << "UPDATE appeal_numbers SET last = last + 1 WHERE day = :d RETURNING last", soci::use(day),
            soci::into(last, ind))) {}
};

}  // namespace

std::string next_number(platform::Database& db, soci::session& sql, const std::string& prefix, const std::string& day) {
  auto& q = db.cached<NumberQuery>(sql, "appeals.next_number",
                                   [](soci::session& s) { return std::make_unique<NumberQuery>(s); });
  q.day = day;
  q.ind = soci::i_null;
  bool got = q.st.execute(true);
  db.finish(q.st);
  long long last = q.last;
  if (!got || q.ind != soci::i_ok) {
    last = 1;
    std::string d = day;
    sql << "INSERT INTO appeal_numbers (day, last) VALUES (:d, 1)", soci::use(d);
  }
  if (last > 999999) throw Error::unavailable("当日诉求编号已用尽", "the day's case numbers are exhausted");
  return fmt::format("{}{}{:06d}", prefix, day, last);
}

namespace {

// The INSERT of a new case, bound once to these members.
struct AppealInsert : platform::CachedQuery {
  std::string number, channel, type, urgency, caller_name, caller_phone, content, address, tags, state, warning;
  long long category = 0, created = 0, id = 0;
  int anonymous = 0, confidential = 0, is_repeat = 0;
  Nullable<double> lng, lat;
  Nullable<long long> region, created_by, town;
  Nullable<std::string> code_hash;
  soci::statement st;
  explicit AppealInsert(soci::session& sql)
      : st((sql.prepare
                << "INSERT INTO appeals (number, channel, type, category_id, urgency, caller_name, caller_phone, "
                   "anonymous, confidential, content, address, lng, lat, region_id, tags, state, created_at, "
                   "created_by, warning, is_repeat, town_id, query_code_hash) VALUES (:number, :channel, :type, "
                   ":category, :urgency, :cname, :cphone, :anon, :conf, :content, :address, :lng, :lat, :region, "
                   ":tags, :state, :created, :created_by, :warning, :repeat, :town, :qch) RETURNING id",
            soci::use(number), soci::use(channel), soci::use(type), soci::use(category), soci::use(urgency),
            soci::use(caller_name), soci::use(caller_phone), soci::use(anonymous), soci::use(confidential),
            soci::use(content), soci::use(address), soci::use(lng.value, lng.ind), soci::use(lat.value, lat.ind),
            soci::use(region.value, region.ind), soci::use(tags), soci::use(state), soci::use(created),
            soci::use(created_by.value, created_by.ind), soci::use(warning), soci::use(is_repeat),
            soci::use(town.value, town.ind), soci::use(code_hash.value, code_hash.ind), soci::into(id))) {}
};

struct StatsChangeInsert : platform::CachedQuery {
  long long day = 0;
  soci::statement st;
  explicit StatsChangeInsert(soci::session& sql)
      : st((sql.prepare << "INSERT INTO appeal_stats_changes (day) VALUES (:d)", soci::use(day))) {}
};

struct TimelineInsert : platform::CachedQuery {
  long long appeal = 0, at = 0, id = 0;
  Nullable<long long> user;
  std::string name, action, from, to, note, data;
  soci::statement st;
  explicit TimelineInsert(soci::session& sql)
      : st((sql.prepare << "INSERT INTO appeal_timeline (appeal_id, at, user_id, user_name, action, from_state, "
                           "to_state, note, data) VALUES (:a, :at, :u, :n, :ac, :f, :t, :note, :data) RETURNING id",
            soci::use(appeal), soci::use(at), soci::use(user.value, user.ind), soci::use(name), soci::use(action),
            soci::use(from), soci::use(to), soci::use(note), soci::use(data), soci::into(id))) {}
};

}  // namespace

std::int64_t insert_appeal(platform::Database& db, soci::session& sql, const Appeal& a) {
  auto& q = db.cached<AppealInsert>(sql, "appeals.insert",
                                    [](soci::session& s) { return std::make_unique<AppealInsert>(s); });
  q.number = a.number;
  q.channel = code(a.channel);
  q.type = code(a.type);
  q.category = a.category_id;
  q.urgency = code(a.urgency);
  q.caller_name = a.caller_name;
  q.caller_phone = a.caller_phone;
  q.anonymous = a.anonymous;
  q.confidential = a.confidential;
  q.content = a.content;
  q.address = a.address;
  q.lng = Nullable<double>(a.lng);
  q.lat = Nullable<double>(a.lat);
  q.region = Nullable<long long>(a.region_id);
  q.tags = a.tags;
  q.state = code(a.state);
  q.created = a.created_at;
  q.created_by = Nullable<long long>(a.created_by);
  q.warning = code(a.warning);
  q.is_repeat = a.is_repeat;
  q.town = Nullable<long long>(a.town_id);
  q.code_hash = a.query_code.empty() ? Nullable<std::string>()
                                     : Nullable<std::string>(std::optional(platform::token_hash(a.query_code)));
  q.id = 0;
  q.st.execute(true);
  db.finish(q.st);
  auto& log = db.cached<StatsChangeInsert>(sql, "appeals.stats_change",
                                           [](soci::session& s) { return std::make_unique<StatsChangeInsert>(s); });
  log.day = (a.created_at + 28'800'000) / 86'400'000;
  log.st.execute(true);
  db.finish(log.st);
  return q.id;
}

std::optional<Appeal> load_appeal(soci::session& sql, std::int64_t id) {
  long long aid = id;
  soci::rowset<soci::row> rows =
      (sql.prepare << std::string("SELECT ") + kAppealColumns + " FROM appeals WHERE id = :id", soci::use(aid));
  for (const auto& r : rows) return appeal_of(r);
  return std::nullopt;
}

namespace {

// The columns a bulk load writes, in the order both loaders (SQLite INSERT, PostgreSQL COPY) use.
constexpr const char* kBulkAppealColumns =
    "id, number, channel, type, category_id, urgency, caller_name, caller_phone, anonymous, confidential, content, "
    "address, lng, lat, region_id, tags, created_at, is_repeat, town_id, version, state, warning, lead_department_id, "
    "lead_region_id, sub_region_id, dispatched_at, signed_at, replied_at, closed_at, archived_at, sign_due_at, "
    "handle_due_at, master_id, supervise_due_at, callback_reached, callback_solved, reply_text, reply_result, "
    "satisfaction, supervise_level, sla_pending, sign_late, handle_late, extension_pending, reopen_count, "
    "return_count, extension_count, handle_days";
constexpr const char* kBulkTimelineColumns =
    "appeal_id, at, user_id, user_name, action, from_state, to_state, note, data";

template <typename E>
std::optional<std::string> code_opt(const std::optional<E>& v) {
  if (!v) return std::nullopt;
  return std::string(code(*v));
}

// PostgreSQL: one COPY per batch (a prepared INSERT costs a round trip per row).
void copy_appeals(soci::session& sql, const std::vector<Appeal>& cases) {
  platform::PgCopy c(sql, "appeals", kBulkAppealColumns);
  for (const auto& a : cases) {
    c.add(a.id), c.add(a.number), c.add(code(a.channel)), c.add(code(a.type)), c.add(a.category_id);
    c.add(code(a.urgency)), c.add(a.caller_name), c.add(a.caller_phone), c.add(a.anonymous), c.add(a.confidential);
    c.add(a.content), c.add(a.address), c.add(a.lng), c.add(a.lat), c.add(a.region_id), c.add(a.tags);
    c.add(a.created_at), c.add(a.is_repeat), c.add(a.town_id), c.add(a.version), c.add(code(a.state));
    c.add(code(a.warning)), c.add(a.lead_department_id), c.add(a.lead_region_id), c.add(a.sub_region_id);
    c.add(a.dispatched_at), c.add(a.signed_at), c.add(a.replied_at), c.add(a.closed_at), c.add(a.archived_at);
    c.add(a.sign_due_at), c.add(a.handle_due_at), c.add(a.master_id), c.add(a.supervise_due_at);
    c.add(a.callback_reached), c.add(a.callback_solved), c.add(a.reply_text), c.add(code_opt(a.reply_result));
    c.add(code_opt(a.satisfaction)), c.add(a.supervise_level), c.add(a.sla_pending), c.add(a.sign_late);
    c.add(a.handle_late), c.add(a.extension_pending), c.add(a.reopen_count), c.add(a.return_count);
    c.add(a.extension_count), c.add(a.handle_days);
    c.end_row();
  }
  c.finish();
}

void copy_timeline(soci::session& sql, const std::vector<TimelineEntry>& entries) {
  platform::PgCopy c(sql, "appeal_timeline", kBulkTimelineColumns);
  for (const auto& e : entries) {
    c.add(e.appeal_id), c.add(e.at), c.add(e.user_id), c.add(e.user_name), c.add(code(e.action));
    c.add(code(e.from)), c.add(code(e.to)), c.add(e.note);
    if (e.data.empty())
      c.null();
    else
      c.add(e.data);
    c.end_row();
  }
  c.finish();
}

}  // namespace

void insert_appeals_bulk(soci::session& sql, platform::Dialect dialect, const std::vector<Appeal>& cases) {
  if (cases.empty()) return;
  if (dialect == platform::Dialect::kPostgresql) return copy_appeals(sql, cases);
  // Bound once to these members, re-executed per case.
  Appeal cur;
  long long id = 0, category = 0, created = 0;
  std::string number, channel, type, urgency, tags;
  int anonymous = 0, confidential = 0, is_repeat = 0, version = 1;
  Nullable<double> lng, lat;
  Nullable<long long> region, town;
  std::optional<MutableColumns> m;
  m.emplace(cases.front());
  soci::statement st =
      (sql.prepare
           << std::string("INSERT INTO appeals (") + kBulkAppealColumns +
                  ") VALUES (:id, :number, :channel, "
                  ":type, :category, :urgency, :cname, :cphone, :anon, :conf, :content, :address, :lng, :lat, "
                  ":region, :tags, :created, :repeat, :town, :version, :state, :warning, :ld, :lr, :sr, :dis, "
                  ":sig, :rep, :clo, :arc, :sd, :hd, :master, :svd, :cr, :cs, :rt, :rr, :sat, :svl, :slap, :sl, "
                  ":hl, :ep, :ro, :rc, :ec, :hdays)",
       soci::use(id), soci::use(number), soci::use(channel), soci::use(type), soci::use(category), soci::use(urgency),
       soci::use(cur.caller_name), soci::use(cur.caller_phone), soci::use(anonymous), soci::use(confidential),
       soci::use(cur.content), soci::use(cur.address), soci::use(lng.value, lng.ind), soci::use(lat.value, lat.ind),
       soci::use(region.value, region.ind), soci::use(tags), soci::use(created), soci::use(is_repeat),
       soci::use(town.value, town.ind), soci::use(version), soci::use(m->state), soci::use(m->warning),
       soci::use(m->lead_dept.value, m->lead_dept.ind), soci::use(m->lead_region.value, m->lead_region.ind),
       soci::use(m->sub_region.value, m->sub_region.ind), soci::use(m->dispatched.value, m->dispatched.ind),
       soci::use(m->signed_at.value, m->signed_at.ind), soci::use(m->replied.value, m->replied.ind),
       soci::use(m->closed.value, m->closed.ind), soci::use(m->archived.value, m->archived.ind),
       soci::use(m->sign_due.value, m->sign_due.ind), soci::use(m->handle_due.value, m->handle_due.ind),
       soci::use(m->master.value, m->master.ind), soci::use(m->supervise_due.value, m->supervise_due.ind),
       soci::use(m->callback_reached.value, m->callback_reached.ind),
       soci::use(m->callback_solved.value, m->callback_solved.ind), soci::use(m->reply_text.value, m->reply_text.ind),
       soci::use(m->reply_result.value, m->reply_result.ind), soci::use(m->satisfaction.value, m->satisfaction.ind),
       soci::use(m->supervise_level.value, m->supervise_level.ind), soci::use(m->sla_pending), soci::use(m->sign_late),
       soci::use(m->handle_late), soci::use(m->extension_pending), soci::use(m->reopen), soci::use(m->returns),
       soci::use(m->extensions), soci::use(m->handle_days.value, m->handle_days.ind));
  for (const auto& a : cases) {
    cur.caller_name = a.caller_name;
    cur.caller_phone = a.caller_phone;
    cur.content = a.content;
    cur.address = a.address;
    id = a.id;
    number = a.number;
    channel = code(a.channel);
    type = code(a.type);
    category = a.category_id;
    urgency = code(a.urgency);
    tags = a.tags;
    anonymous = a.anonymous;
    confidential = a.confidential;
    is_repeat = a.is_repeat;
    version = a.version;
    created = a.created_at;
    lng = Nullable<double>(a.lng);
    lat = Nullable<double>(a.lat);
    region = Nullable<long long>(a.region_id);
    town = Nullable<long long>(a.town_id);
    *m = MutableColumns(a);  // same members, new values: the bindings stay valid
    st.execute(true);
  }
  if (dialect == platform::Dialect::kSqlite) {
    long long first = cases.front().id, last = cases.back().id;
    sql << "INSERT INTO appeals_reply_fts(rowid, reply_text) SELECT id, reply_text FROM appeals "
           "WHERE id BETWEEN :f AND :l AND reply_text IS NOT NULL",
        soci::use(first), soci::use(last);
  }
}

void insert_timeline_bulk(soci::session& sql, platform::Dialect dialect, const std::vector<TimelineEntry>& entries) {
  if (entries.empty()) return;
  if (dialect == platform::Dialect::kPostgresql) return copy_timeline(sql, entries);
  long long appeal = 0, at = 0;
  Nullable<long long> user;
  std::string name, action, from, to, note;
  Nullable<std::string> data;
  soci::statement st =
      (sql.prepare << std::string("INSERT INTO appeal_timeline (") + kBulkTimelineColumns +
                          ") VALUES (:a, :at, :u, :n, :ac, :f, :t, :note, :data)",
       soci::use(appeal), soci::use(at), soci::use(user.value, user.ind), soci::use(name), soci::use(action),
       soci::use(from), soci::use(to), soci::use(note), soci::use(data.value, data.ind));
  for (const auto& e : entries) {
    appeal = e.appeal_id;
    at = e.at;
    user = Nullable<long long>(e.user_id);
    name = e.user_name;
    action = code(e.action);
    from = code(e.from);
    to = code(e.to);
    note = e.note;
    data = e.data.empty() ? Nullable<std::string>() : Nullable<std::string>(std::optional<std::string>(e.data));
    st.execute(true);
  }
}

void raise_number(soci::session& sql, const std::string& day, int last) {
  std::string d = day;
  int current = 0;
  soci::indicator ind = soci::i_null;
  sql << "SELECT last FROM appeal_numbers WHERE day = :d", soci::use(d), soci::into(current, ind);
  if (!sql.got_data() || ind != soci::i_ok) {
    sql << "INSERT INTO appeal_numbers (day, last) VALUES (:d, :l)", soci::use(d), soci::use(last);
  } else if (current < last) {
    sql << "UPDATE appeal_numbers SET last = :l WHERE day = :d", soci::use(last), soci::use(d);
  }
}

void set_page_cache(soci::session& sql, platform::Dialect dialect, int mib) {
  if (dialect == platform::Dialect::kSqlite) sql << "PRAGMA cache_size = -" + std::to_string(mib * 1024);
}

std::int64_t max_appeal_id(soci::session& sql) {
  long long id = 0;
  soci::indicator ind = soci::i_null;
  sql << "SELECT MAX(id) FROM appeals", soci::into(id, ind);
  return ind == soci::i_ok ? id : 0;
}

void sync_id_sequences(soci::session& sql, platform::Dialect dialect) {
  if (dialect != platform::Dialect::kPostgresql) return;
  sql << "SELECT setval(pg_get_serial_sequence('appeals', 'id'), (SELECT COALESCE(MAX(id), 1) FROM appeals))";
}

bool update_appeal(soci::session& sql, Appeal& a) {
  MutableColumns m(a);
  long long id = a.id;
  int version = a.version;
  soci::statement st =
      (sql.prepare
           << "UPDATE appeals SET state = :state, warning = :warning, lead_department_id = :ld, "
              "lead_region_id = :lr, sub_region_id = :sr, dispatched_at = :dis, signed_at = :sig, "
              "replied_at = :rep, closed_at = :clo, archived_at = :arc, sign_due_at = :sd, handle_due_at = :hd, "
              "master_id = :master, supervise_due_at = :svd, callback_reached = :cr, callback_solved = :cs, "
              "reply_text = :rt, reply_result = :rr, satisfaction = :sat, supervise_level = :svl, "
              "sla_pending = :slap, sign_late = :sl, handle_late = :hl, extension_pending = :ep, "
              "reopen_count = :ro, return_count = :rc, extension_count = :ec, handle_days = :hdays, "
              "version = version + 1 "
              "WHERE id = :id AND version = :v",
       soci::use(m.state), soci::use(m.warning), soci::use(m.lead_dept.value, m.lead_dept.ind),
       soci::use(m.lead_region.value, m.lead_region.ind), soci::use(m.sub_region.value, m.sub_region.ind),
       soci::use(m.dispatched.value, m.dispatched.ind), soci::use(m.signed_at.value, m.signed_at.ind),
       soci::use(m.replied.value, m.replied.ind), soci::use(m.closed.value, m.closed.ind),
       soci::use(m.archived.value, m.archived.ind), soci::use(m.sign_due.value, m.sign_due.ind),
       soci::use(m.handle_due.value, m.handle_due.ind), soci::use(m.master.value, m.master.ind),
       soci::use(m.supervise_due.value, m.supervise_due.ind),
       soci::use(m.callback_reached.value, m.callback_reached.ind),
       soci::use(m.callback_solved.value, m.callback_solved.ind), soci::use(m.reply_text.value, m.reply_text.ind),
       soci::use(m.reply_result.value, m.reply_result.ind), soci::use(m.satisfaction.value, m.satisfaction.ind),
       soci::use(m.supervise_level.value, m.supervise_level.ind), soci::use(m.sla_pending), soci::use(m.sign_late),
       soci::use(m.handle_late), soci::use(m.extension_pending), soci::use(m.reopen), soci::use(m.returns),
       soci::use(m.extensions), soci::use(m.handle_days.value, m.handle_days.ind), soci::use(id), soci::use(version));
  st.execute(true);
  if (st.get_affected_rows() != 1) return false;
  ++a.version;
  log_stats_change(sql, a.created_at);
  return true;
}

void log_stats_change(soci::session& sql, std::int64_t created_at) {
  long long day = (created_at + 28'800'000) / 86'400'000;
  sql << "INSERT INTO appeal_stats_changes (day) VALUES (:d)", soci::use(day);
}

void close_merged(soci::session& sql, std::int64_t master_id, std::int64_t at, const std::optional<std::string>& text,
                  const std::string& result) {
  long long master = master_id, when = at;
  platform::Nullable<std::string> t(text);
  std::string r = result;
  sql << "UPDATE appeals SET closed_at = :at, reply_text = :t, reply_result = :r, version = version + 1 "
         "WHERE master_id = :m AND state = 'merged'",
      soci::use(when), soci::use(t.value, t.ind), soci::use(r), soci::use(master);
  sql << "INSERT INTO appeal_stats_changes (day) SELECT DISTINCT (created_at + 28800000) / 86400000 FROM appeals "
         "WHERE master_id = :m AND state = 'merged'",
      soci::use(master);
}

void rebuild_stats_rollup(soci::session& sql) {
  sql << "DELETE FROM appeal_stats_changes";
  sql << "INSERT INTO appeal_stats_changes (day) SELECT DISTINCT (created_at + 28800000) / 86400000 FROM appeals";
}

void set_co_units(soci::session& sql, std::int64_t appeal_id, const std::vector<std::int64_t>& department_ids) {
  long long id = appeal_id;
  sql << "DELETE FROM appeal_co_units WHERE appeal_id = :id", soci::use(id);
  for (auto d : department_ids) {
    long long dep = d;
    sql << "INSERT INTO appeal_co_units (appeal_id, department_id) VALUES (:a, :d)", soci::use(id), soci::use(dep);
  }
}

std::vector<std::int64_t> load_co_units(soci::session& sql, std::int64_t appeal_id) {
  long long id = appeal_id;
  std::vector<std::int64_t> out;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT department_id FROM appeal_co_units WHERE appeal_id = :id ORDER BY department_id",
       soci::use(id));
  for (const auto& r : rows) out.push_back(get_i64(r, 0));
  return out;
}

std::int64_t append_timeline(platform::Database& db, soci::session& sql, const TimelineEntry& e) {
  auto& q = db.cached<TimelineInsert>(sql, "appeals.timeline.insert",
                                      [](soci::session& s) { return std::make_unique<TimelineInsert>(s); });
  q.appeal = e.appeal_id;
  q.at = e.at;
  q.user = Nullable<long long>(e.user_id);
  q.name = e.user_name;
  q.action = code(e.action);
  q.from = code(e.from);
  q.to = code(e.to);
  q.note = e.note;
  q.data = e.data;
  q.id = 0;
  q.st.execute(true);
  db.finish(q.st);
  return q.id;
}

std::vector<TimelineEntry> load_timeline(soci::session& sql, std::int64_t appeal_id) {
  long long id = appeal_id;
  std::vector<TimelineEntry> out;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT id, appeal_id, at, user_id, user_name, action, from_state, to_state, note, data "
                      "FROM appeal_timeline WHERE appeal_id = :id ORDER BY id",
       soci::use(id));
  for (const auto& r : rows)
    out.push_back({get_i64(r, 0), get_i64(r, 1), get_i64(r, 2), opt_i64(r, 3), get_str(r, 4),
                   parse_stored<Action>(get_str(r, 5)), parse_stored<State>(get_str(r, 6)),
                   parse_stored<State>(get_str(r, 7)), get_str(r, 8), opt_str(r, 9).value_or("")});
  return out;
}

std::int64_t insert_request(soci::session& sql, std::int64_t appeal_id, const UnitRequest& r, std::int64_t by,
                            std::int64_t at) {
  long long aid = appeal_id, uid = by, when = at, id = 0;
  std::string kind = r.kind, reason = r.reason;
  Nullable<long long> due(r.new_due_at);
  sql << "INSERT INTO appeal_requests (appeal_id, kind, reason, new_due_at, status, requested_by, requested_at) "
         "VALUES (:a, :k, :r, :d, 'pending', :u, :t) RETURNING id",
      soci::use(aid), soci::use(kind), soci::use(reason), soci::use(due.value, due.ind), soci::use(uid),
      soci::use(when), soci::into(id);
  return id;
}

std::optional<UnitRequest> pending_request(soci::session& sql, std::int64_t appeal_id, const std::string& kind) {
  long long aid = appeal_id;
  std::string k = kind;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT id, kind, reason, new_due_at, status FROM appeal_requests "
                      "WHERE appeal_id = :a AND kind = :k AND status = 'pending' ORDER BY id DESC",
       soci::use(aid), soci::use(k));
  for (const auto& r : rows)
    return UnitRequest{get_i64(r, 0), get_str(r, 1), get_str(r, 2), opt_i64(r, 3), get_str(r, 4)};
  return std::nullopt;
}

void decide_request(soci::session& sql, std::int64_t request_id, bool approved, std::int64_t by, std::int64_t at) {
  long long id = request_id, uid = by, when = at;
  std::string status = approved ? "approved" : "rejected";
  sql << "UPDATE appeal_requests SET status = :s, decided_by = :u, decided_at = :t WHERE id = :id", soci::use(status),
      soci::use(uid), soci::use(when), soci::use(id);
}

std::optional<std::string> department_path(soci::session& sql, std::int64_t id) {
  auto path = platform::tree_path(sql, "departments", id);
  return path.empty() ? std::nullopt : std::optional(path);
}

std::optional<std::string> region_path(soci::session& sql, std::int64_t id) {
  auto path = platform::tree_path(sql, "regions", id);
  return path.empty() ? std::nullopt : std::optional(path);
}

std::optional<std::string> region_level(soci::session& sql, std::int64_t id) {
  long long d = id;
  std::string level;
  soci::indicator ind = soci::i_null;
  sql << "SELECT level FROM regions WHERE id = :id", soci::use(d), soci::into(level, ind);
  if (!sql.got_data() || ind != soci::i_ok) return std::nullopt;
  return level;
}

// ---------------------------------------------------------------- lists

namespace {

// Cases of a category's subtree, located in a region's subtree (either optional); an unknown id
// matches nothing.
void add_subtrees(soci::session& sql, platform::Where& w, std::optional<std::int64_t> category_id,
                  std::optional<std::int64_t> region_id) {
  if (category_id) {
    auto category = find_category(sql, *category_id);
    w.add("a.category_id IN (SELECT id FROM appeal_categories WHERE path LIKE ?)",
          (category ? category->path : std::string("/none/")) + "%");
  }
  if (region_id)
    w.add("a.region_id IN (SELECT id FROM regions WHERE path LIKE ?)",
          region_path(sql, *region_id).value_or("/none/") + "%");
}

// kAppealColumns, each qualified with alias a.
const std::string& prefixed_columns() {
  static const std::string out = [] {
    std::string cols = kAppealColumns, res;
    for (std::size_t pos = 0; pos < cols.size();) {
      auto end = cols.find(", ", pos);
      if (end == std::string::npos) end = cols.size();
      res += (res.empty() ? "a." : ", a.") + cols.substr(pos, end - pos);
      pos = end + 2;
    }
    return res;
  }();
  return out;
}

// An FTS5 phrase matching `text` literally.
std::string fts_phrase(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

const char* order_by(Sort s) {
  switch (s) {
    case Sort::kOldest:
      return " ORDER BY a.id ASC";
    case Sort::kDueSoonest:
      return " ORDER BY CASE WHEN a.handle_due_at IS NULL THEN 1 ELSE 0 END, a.handle_due_at ASC, a.id ASC";
    case Sort::kDueLatest:
      return " ORDER BY CASE WHEN a.handle_due_at IS NULL THEN 1 ELSE 0 END, a.handle_due_at DESC, a.id DESC";
    case Sort::kNumber:
      return " ORDER BY a.number ASC";
    case Sort::kNewest:
      break;
  }
  return " ORDER BY a.id DESC";  // ids grow with created_at
}

}  // namespace

namespace {

// Ids from `select` (a statement with the placeholders of `w`, then :limit).
std::vector<long long> select_ids(soci::session& sql, const std::string& select, platform::Where& w, long long limit) {
  soci::details::prepare_temp_type prep = (sql.prepare << select + " LIMIT :limit");
  w.bind(prep);
  long long id = 0;
  prep, soci::use(limit), soci::into(id);
  soci::statement st(prep);
  std::vector<long long> ids;
  st.execute();
  while (st.fetch()) ids.push_back(id);
  return ids;
}

// The longest term SQLite's trigram index can look up (3+ characters), if any.
const std::string* driving_term(const std::vector<std::string>& terms) {
  const std::string* best = nullptr;
  std::size_t best_length = 2;
  for (const auto& t : terms) {
    auto n = platform::utf8_length(t);
    if (n > best_length) best = &t, best_length = n;
  }
  return best;
}

// The matches of an SQLite search driven by `term`, newest (or oldest) first, at most `limit`:
// the content index, the reply index, and the content not yet indexed, each walked in id order
// with every other condition checked per row, then merged. No source collects all its matches,
// so a common term costs what the page needs, not what the whole store holds.
std::vector<long long> search_ids(soci::session& sql, const platform::Where& w, const std::string& term,
                                  bool descending, long long limit) {
  const std::string dir = descending ? " DESC" : " ASC";
  const auto phrase = fts_phrase(term);
  std::vector<long long> merged;
  for (const char* index : {"appeals_fts", "appeals_reply_fts"}) {
    platform::Where source;
    source.add(std::string(index) + " MATCH ?", phrase);
    source.add_all(w);
    auto ids = select_ids(sql,
                          std::string("SELECT a.id FROM ") + index + " CROSS JOIN appeals a ON a.id = " + index +
                              ".rowid" + source.sql() + " ORDER BY " + index + ".rowid" + dir,
                          source, limit);
    merged.insert(merged.end(), ids.begin(), ids.end());
  }
  platform::Where tail;
  tail.add("a.id > (SELECT indexed_upto FROM appeal_fts_state)");
  tail.add("a.content LIKE ? ESCAPE '!'", platform::contains_pattern(term));
  tail.add_all(w);
  auto ids = select_ids(sql, "SELECT a.id FROM appeals a" + tail.sql() + " ORDER BY a.id" + dir, tail, limit);
  merged.insert(merged.end(), ids.begin(), ids.end());
  if (descending)
    std::sort(merged.begin(), merged.end(), std::greater<>());
  else
    std::sort(merged.begin(), merged.end());
  merged.erase(std::unique(merged.begin(), merged.end()), merged.end());
  if (merged.size() > static_cast<std::size_t>(limit)) merged.resize(limit);
  return merged;
}

// The list rows of `ids`, in that order, with the names a reader needs.
std::vector<ListItem> load_list_items(soci::session& sql, const std::vector<long long>& ids) {
  std::vector<ListItem> items;
  if (ids.empty()) return items;
  platform::Where w;
  w.add_in("a.id", ids);
  soci::details::prepare_temp_type prep =
      (sql.prepare << "SELECT " + prefixed_columns() +
                          ", c.name, rg.name, COALESCE(d.name, lr.name) FROM appeals a "
                          "LEFT JOIN appeal_categories c ON c.id = a.category_id "
                          "LEFT JOIN regions rg ON rg.id = a.region_id "
                          "LEFT JOIN departments d ON d.id = a.lead_department_id "
                          "LEFT JOIN regions lr ON lr.id = a.lead_region_id" +
                          w.sql());
  w.bind(prep);
  soci::rowset<soci::row> rows(prep);
  std::map<long long, ListItem> by_id;
  for (const auto& r : rows) {
    ListItem item;
    item.appeal = appeal_of(r);
    const std::size_t n = r.size();
    item.category_name = opt_str(r, n - 3).value_or("");
    item.region_name = opt_str(r, n - 2).value_or("");
    item.lead_unit_name = opt_str(r, n - 1).value_or("");
    by_id.emplace(item.appeal.id, std::move(item));
  }
  for (auto id : ids)
    if (auto it = by_id.find(id); it != by_id.end()) items.push_back(std::move(it->second));
  return items;
}

}  // namespace

AppealPage list_appeals(soci::session& sql, platform::Dialect dialect, const ListFilter& f, const std::string& scope) {
  platform::Where w;
  w.add(scope);
  if (f.state) w.add("a.state = ?", std::string(code(*f.state)));
  if (f.type) w.add("a.type = ?", std::string(code(*f.type)));
  if (f.channel) w.add("a.channel = ?", std::string(code(*f.channel)));
  if (f.urgency) w.add("a.urgency = ?", std::string(code(*f.urgency)));
  add_subtrees(sql, w, f.category_id, f.region_id);
  if (f.lead_department_id) w.add("a.lead_department_id = ?", *f.lead_department_id);
  if (f.lead_region_id) w.add("a.lead_region_id = ?", *f.lead_region_id);
  if (f.created_from) w.add("a.created_at >= ?", *f.created_from);
  if (f.created_to) w.add("a.created_at < ?", *f.created_to);
  // A colour describes an open case; closed late cases are counted by sign_late/handle_late.
  if (f.warning)
    w.add("a.warning = ? AND a.state NOT IN ('closed', 'archived', 'merged')", std::string(code(*f.warning)));
  if (f.overdue) w.add("a.sign_late = 1 OR a.handle_late = 1");
  if (f.satisfaction) w.add("a.satisfaction = ?", std::string(code(*f.satisfaction)));
  if (f.supervised) w.add("a.supervise_level IS NOT NULL");
  if (f.repeat) w.add("a.is_repeat = 1");
  if (!f.ids.empty()) w.add_in("a.id", f.ids);
  if (!f.numbers.empty()) w.add_in("a.number", f.numbers);
  if (!f.category_ids.empty()) w.add_in("a.category_id", f.category_ids);
  if (f.finished) w.add(std::string(*f.finished ? "" : "NOT ") + "(a.state IN ('closed', 'archived', 'merged'))");

  // Full text, every term in the content or the reply. PostgreSQL: the trigram index on both.
  // SQLite, in id order: the longest term of 3+ characters drives the walk through the FTS5
  // trigram tables (search_ids) and the others are checked per row. SQLite in another order:
  // each term of 3+ characters collects its matches from the FTS5 tables (the content up to
  // the indexer's mark, then a scan of the few newer rows; the reply by trigger). Shorter
  // terms scan what the other conditions leave.
  const bool id_order = f.sort == Sort::kNewest || f.sort == Sort::kOldest;
  const std::string* driver = dialect == platform::Dialect::kSqlite && id_order ? driving_term(f.terms) : nullptr;
  for (const auto& term : f.terms) {
    if (&term == driver) continue;
    const auto like = platform::contains_pattern(term);
    if (dialect == platform::Dialect::kPostgresql) {
      w.add("(a.content || ' ' || coalesce(a.reply_text, '')) LIKE ? ESCAPE '!'", like);
    } else if (platform::utf8_length(term) >= 3 && !driver) {
      const auto phrase = fts_phrase(term);
      w.add(
          "a.id IN (SELECT rowid FROM appeals_fts WHERE appeals_fts MATCH ?) OR "
          "a.id IN (SELECT rowid FROM appeals_reply_fts WHERE appeals_reply_fts MATCH ?) OR "
          "(a.id > (SELECT indexed_upto FROM appeal_fts_state) AND a.content LIKE ? ESCAPE '!')",
          phrase, phrase, like);
    } else {
      w.add("a.content LIKE ? ESCAPE '!' OR a.reply_text LIKE ? ESCAPE '!'", like, like);
    }
  }

  // One walk yields the page and, when asked, the count up to the cap: counting stops at
  // count_cap + 1 matches, so a list over millions of cases costs a bounded walk.
  const long long offset = static_cast<long long>(f.page - 1) * f.size;
  const long long page_end = offset + f.size;
  AppealPage page;
  std::vector<long long> ids;
  if (driver) {
    const long long want = f.count ? std::max<long long>(page_end + 1, f.count_cap + 1) : page_end + 1;
    auto matches = search_ids(sql, w, *driver, f.sort == Sort::kNewest, want);
    if (f.count) {
      page.total = std::min<long long>(static_cast<long long>(matches.size()), f.count_cap);
      page.total_exact = static_cast<long long>(matches.size()) <= f.count_cap;
    }
    page.has_more = static_cast<long long>(matches.size()) > page_end;
    if (offset < static_cast<long long>(matches.size()))
      ids.assign(matches.begin() + offset, matches.begin() + std::min<long long>(page_end, matches.size()));
  } else {
    if (f.count) {
      soci::details::prepare_temp_type prep =
          (sql.prepare << "SELECT COUNT(*) FROM (SELECT 1 FROM appeals a" + w.sql() + " LIMIT :cap) t");
      w.bind(prep);
      long long cap = f.count_cap + 1, n = 0;
      prep, soci::use(cap), soci::into(n);
      soci::statement st(prep);
      st.execute(true);
      page.total = std::min(n, f.count_cap);
      page.total_exact = n <= f.count_cap;
    }
    ids = select_ids(sql, "SELECT a.id FROM appeals a" + w.sql() + order_by(f.sort), w, page_end + 1);
    page.has_more = static_cast<long long>(ids.size()) > page_end;
    if (page.has_more) ids.pop_back();
    ids.erase(ids.begin(), ids.begin() + std::min<long long>(offset, ids.size()));
  }
  page.items = load_list_items(sql, ids);
  return page;
}

int index_new_content(soci::session& sql, platform::Dialect dialect, int limit) {
  if (dialect != platform::Dialect::kSqlite) return 0;
  long long upto = 0, last = 0, l = limit;
  sql << "SELECT indexed_upto FROM appeal_fts_state WHERE id = 1", soci::into(upto);
  soci::indicator ind = soci::i_null;
  sql << "SELECT MAX(id) FROM (SELECT id FROM appeals WHERE id > :u ORDER BY id LIMIT :l)", soci::use(upto),
      soci::use(l), soci::into(last, ind);
  if (ind != soci::i_ok) return 0;
  soci::statement insert =
      (sql.prepare << "INSERT INTO appeals_fts(rowid, content) SELECT id, content FROM appeals WHERE id > :u AND "
                      "id <= :last",
       soci::use(upto), soci::use(last));
  insert.execute(true);
  sql << "UPDATE appeal_fts_state SET indexed_upto = :last WHERE id = 1", soci::use(last);
  return static_cast<int>(insert.get_affected_rows());
}

namespace {
struct RegionTownQuery : platform::CachedQuery {
  long long id = 0, town = 0;
  soci::indicator town_ind = soci::i_null;
  std::string path;
  soci::statement st;
  explicit RegionTownQuery(soci::session& sql)
      : st((sql.prepare << "SELECT r.path, t.id FROM regions r LEFT JOIN regions t ON t.level = 'town' "
                           "AND r.path LIKE t.path || '%' WHERE r.id = :id",
            soci::use(id), soci::into(path), soci::into(town, town_ind))) {}
};
}  // namespace

RegionTown region_town(platform::Database& db, soci::session& sql, std::int64_t region_id) {
  auto& q = db.cached<RegionTownQuery>(sql, "appeals.region_town",
                                       [](soci::session& s) { return std::make_unique<RegionTownQuery>(s); });
  q.id = region_id;
  q.town_ind = soci::i_null;
  RegionTown out;
  out.exists = q.st.execute(true);
  if (out.exists && q.town_ind == soci::i_ok) out.town_id = q.town;
  db.finish(q.st);
  return out;
}

namespace {

struct RecentAppealQuery : platform::CachedQuery {
  std::string phone;
  long long category = 0, since = 0, found = 0;
  soci::indicator ind = soci::i_null;
  soci::statement st;
  explicit RecentAppealQuery(soci::session& sql)
      : st((sql.prepare << "SELECT id FROM appeals WHERE caller_phone = :p AND created_at >= :s "
                           "AND category_id = :c LIMIT 1",
            soci::use(phone), soci::use(since), soci::use(category), soci::into(found, ind))) {}
};

std::vector<Appeal> open_where(soci::session& sql, platform::Where& w, int limit) {
  long long l = limit;
  soci::details::prepare_temp_type prep =
      (sql.prepare << "SELECT " + prefixed_columns() + " FROM appeals a" + w.sql() + " ORDER BY a.id DESC LIMIT :l");
  w.bind(prep);
  prep, soci::use(l);
  soci::rowset<soci::row> rows(prep);
  std::vector<Appeal> out;
  for (const auto& r : rows) out.push_back(appeal_of(r));
  return out;
}

}  // namespace

bool has_recent_appeal(platform::Database& db, soci::session& sql, const std::string& phone, std::int64_t category_id,
                       std::int64_t since) {
  auto& q = db.cached<RecentAppealQuery>(sql, "appeals.recent",
                                         [](soci::session& s) { return std::make_unique<RecentAppealQuery>(s); });
  q.phone = phone;
  q.category = category_id;
  q.since = since;
  q.ind = soci::i_null;
  const bool got = q.st.execute(true) && q.ind == soci::i_ok;
  db.finish(q.st);
  return got;
}

std::vector<Appeal> open_by_phone(soci::session& sql, const std::string& phone, std::int64_t since,
                                  const std::string& scope, int limit) {
  platform::Where w;
  w.add("a.caller_phone = ? AND a.created_at >= ?", phone, static_cast<long long>(since));
  w.add("a.state NOT IN ('closed', 'archived', 'merged')");
  w.add(scope);
  return open_where(sql, w, limit);
}

std::vector<Appeal> open_in_box(soci::session& sql, std::int64_t category_id, double lng_lo, double lng_hi,
                                double lat_lo, double lat_hi, const std::string& scope, int limit) {
  platform::Where w;
  // Written as the partial index appeals_open_nearby's predicate, so that it is used.
  w.add("a.category_id = ? AND a.lat BETWEEN ? AND ? AND a.state NOT IN ('closed', 'archived', 'merged')",
        static_cast<long long>(category_id), lat_lo, lat_hi);
  w.add("a.lng BETWEEN ? AND ?", lng_lo, lng_hi);
  w.add(scope);
  return open_where(sql, w, limit);
}

// ---------------------------------------------------------------- statistics

namespace {

// The sums behind every statistic (docs/appeals.md, Statistics), in Counters order.
constexpr const char* kCounterColumns =
    "COUNT(*), "
    "SUM(CASE WHEN a.dispatched_at IS NOT NULL THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN a.dispatched_at IS NULL AND a.master_id IS NULL AND a.closed_at IS NOT NULL THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN a.signed_at IS NOT NULL THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN a.signed_at IS NOT NULL AND a.sign_late = 0 THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN a.closed_at IS NOT NULL THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN a.closed_at IS NOT NULL AND a.handle_late = 0 THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN a.sign_late = 1 OR a.handle_late = 1 THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN a.callback_reached IS NOT NULL THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN a.callback_reached = 1 THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN a.callback_reached = 1 AND a.satisfaction IN ('satisfied', 'basically_satisfied') "
    "THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN a.callback_reached = 1 AND a.callback_solved = 1 THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN a.replied_at IS NOT NULL THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN a.reopen_count > 0 THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN a.is_repeat = 1 THEN 1 ELSE 0 END), "
    "COALESCE(SUM(a.handle_days), 0), "
    "SUM(CASE WHEN a.handle_days IS NOT NULL THEN 1 ELSE 0 END)";

Counters counters_of(const soci::row& r, std::size_t i) {
  Counters c;
  for (auto* field :
       {&c.received, &c.dispatched, &c.direct, &c.signed_in, &c.signed_on_time, &c.closed, &c.closed_on_time,
        &c.overdue, &c.callbacks, &c.reached, &c.satisfied, &c.solved, &c.replied, &c.reopened, &c.repeats})
    *field = platform::get_i64(r, i++);
  c.handle_days_sum = platform::get_f64(r, i++);
  c.handle_days_n = platform::get_i64(r, i++);
  return c;
}

platform::Where stats_where(soci::session& sql, const StatsFilter& f, const std::string& scope) {
  platform::Where w;
  w.add("a.created_at >= ? AND a.created_at < ?", static_cast<long long>(f.from), static_cast<long long>(f.to));
  w.add(scope);
  add_subtrees(sql, w, f.category_id, f.region_id);
  if (f.channel) w.add("a.channel = ?", std::string(code(*f.channel)));
  if (f.type) w.add("a.type = ?", std::string(code(*f.type)));
  return w;
}

}  // namespace

std::vector<KeyedCounters> count_appeals(soci::session& sql, StatsGroup group, const StatsFilter& f,
                                         const std::string& scope) {
  std::string key;
  bool text = false;
  switch (group) {
    case StatsGroup::kUnit:
      key = "COALESCE(a.lead_department_id, -a.lead_region_id, 0)";
      break;
    case StatsGroup::kRegion:
      key = "COALESCE(a.town_id, 0)";
      break;
    case StatsGroup::kCategory:
      key = "a.category_id";
      break;
    case StatsGroup::kChannel:
      key = "a.channel";
      text = true;
      break;
    case StatsGroup::kType:
      key = "a.type";
      text = true;
      break;
    case StatsGroup::kDay:
    case StatsGroup::kWeek:
    case StatsGroup::kMonth:
      key = "(a.created_at + 28800000) / 86400000";  // the local (UTC+8) day number
      break;
  }
  auto w = stats_where(sql, f, scope);
  soci::details::prepare_temp_type prep =
      (sql.prepare << "SELECT " + key + ", " + kCounterColumns + " FROM appeals a" + w.sql() + " GROUP BY " + key);
  w.bind(prep);
  soci::rowset<soci::row> rows(prep);
  std::vector<KeyedCounters> out;
  for (const auto& r : rows) {
    KeyedCounters k;
    if (text) {
      k.text_key = get_str(r, 0);
    } else {
      k.int_key = get_i64(r, 0);
    }
    k.c = counters_of(r, 1);
    out.push_back(std::move(k));
  }
  return out;
}

// ---- the daily roll-up (migrations/*/0009_appeal_stats_daily.sql)

namespace {

constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kUtc8Ms = 28'800'000;

constexpr const char* kRollupSums =
    "SUM(s.received), SUM(s.dispatched), SUM(s.direct), SUM(s.signed_in), SUM(s.signed_on_time), SUM(s.closed), "
    "SUM(s.closed_on_time), SUM(s.overdue), SUM(s.callbacks), SUM(s.reached), SUM(s.satisfied), SUM(s.solved), "
    "SUM(s.replied), SUM(s.reopened), SUM(s.repeats), SUM(s.handle_days_sum), SUM(s.handle_days_n)";

void recompute_day(soci::session& sql, long long day) {
  long long lo = day * kDayMs - kUtc8Ms, hi = lo + kDayMs;
  sql << "DELETE FROM appeal_stats_daily WHERE day = :d", soci::use(day);
  sql << std::string(
             "INSERT INTO appeal_stats_daily (day, lead_department_id, lead_region_id, town_id, category_id, "
             "channel, type, received, dispatched, direct, signed_in, signed_on_time, closed, "
             "closed_on_time, overdue, callbacks, reached, satisfied, solved, replied, reopened, repeats, "
             "handle_days_sum, handle_days_n) SELECT :d, COALESCE(a.lead_department_id, 0), "
             "COALESCE(a.lead_region_id, 0), COALESCE(a.town_id, 0), a.category_id, a.channel, a.type, ") +
             kCounterColumns +
             " FROM appeals a WHERE a.created_at >= :lo AND a.created_at < :hi GROUP BY "
             "COALESCE(a.lead_department_id, 0), COALESCE(a.lead_region_id, 0), COALESCE(a.town_id, 0), "
             "a.category_id, a.channel, a.type",
      soci::use(day), soci::use(lo), soci::use(hi);
}

// Local day number → local month number (year * 12 + month - 1), and back to its first day.
long long month_of_day(long long day) {
  const std::chrono::year_month_day d{std::chrono::sys_days(std::chrono::days(day))};
  return static_cast<int>(d.year()) * 12LL + static_cast<unsigned>(d.month()) - 1;
}
long long first_day_of_month(long long month) {
  const std::chrono::year_month_day d{std::chrono::year(static_cast<int>(month / 12)),
                                      std::chrono::month(static_cast<unsigned>(month % 12 + 1)), std::chrono::day(1)};
  return std::chrono::sys_days(d).time_since_epoch().count();
}

void recompute_month(soci::session& sql, long long month) {
  long long lo = first_day_of_month(month), hi = first_day_of_month(month + 1);
  sql << "DELETE FROM appeal_stats_monthly WHERE month = :m", soci::use(month);
  sql << std::string(
             "INSERT INTO appeal_stats_monthly (month, lead_department_id, lead_region_id, town_id, "
             "category_id, received, dispatched, direct, signed_in, signed_on_time, closed, closed_on_time, "
             "overdue, callbacks, reached, satisfied, solved, replied, reopened, repeats, handle_days_sum, "
             "handle_days_n) SELECT :m, s.lead_department_id, s.lead_region_id, s.town_id, s.category_id, ") +
             kRollupSums +
             " FROM appeal_stats_daily s WHERE s.day >= :lo AND s.day < :hi GROUP BY s.lead_department_id, "
             "s.lead_region_id, s.town_id, s.category_id",
      soci::use(month), soci::use(lo), soci::use(hi);
}

// Filters of `f` on a roll-up table (alias s) whose period column `period` is in [lo, hi).
platform::Where rollup_where(soci::session& sql, const StatsFilter& f, const char* period, long long lo, long long hi) {
  platform::Where w;
  w.add(std::string("s.") + period + " >= ? AND s." + period + " < ?", lo, hi);
  if (f.category_id) {
    auto category = find_category(sql, *f.category_id);
    w.add("s.category_id IN (SELECT id FROM appeal_categories WHERE path LIKE ?)",
          (category ? category->path : std::string("/none/")) + "%");
  }
  if (f.region_id) w.add("s.town_id = ?", static_cast<long long>(*f.region_id));
  if (f.channel) w.add("s.channel = ?", std::string(code(*f.channel)));
  if (f.type) w.add("s.type = ?", std::string(code(*f.type)));
  return w;
}

// A period in local days [d0, d1) as the pieces the roll-up reads: the days before the first
// whole month, the whole months, the days after the last one.
struct Pieces {
  long long head_from = 0, head_to = 0;    // days
  long long month_from = 0, month_to = 0;  // months (empty when equal)
  long long tail_from = 0, tail_to = 0;    // days
};
Pieces split_period(long long d0, long long d1) {
  Pieces p;
  long long m0 = month_of_day(d0);
  if (first_day_of_month(m0) < d0) ++m0;
  const long long m1 = month_of_day(d1);  // the month containing d1 is not whole before d1
  if (m0 >= m1) {
    p.head_from = d0;
    p.head_to = d1;
    return p;
  }
  p.head_from = d0;
  p.head_to = first_day_of_month(m0);
  p.month_from = m0;
  p.month_to = m1;
  p.tail_from = first_day_of_month(m1);
  p.tail_to = d1;
  return p;
}

}  // namespace

int refresh_stats_rollup(soci::session& sql, int limit) {
  long long n = limit;
  std::vector<long long> ids;
  std::set<long long> days;
  {
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id, day FROM appeal_stats_changes ORDER BY id LIMIT :n", soci::use(n));
    for (const auto& r : rows) {
      ids.push_back(get_i64(r, 0));
      days.insert(get_i64(r, 1));
    }
  }
  if (ids.empty()) return 0;
  std::set<long long> months;
  for (auto d : days) {
    recompute_day(sql, d);
    months.insert(month_of_day(d));
  }
  for (auto m : months) recompute_month(sql, m);
  // Exactly the log rows read: on PostgreSQL a row with a smaller id may commit later, and its
  // change may not be in what was just recomputed. (Our own integers: safe to inline.)
  for (std::size_t i = 0; i < ids.size(); i += 1000) {
    std::string list;
    for (std::size_t j = i; j < std::min(ids.size(), i + 1000); ++j)
      list += (list.empty() ? "" : ",") + std::to_string(ids[j]);
    sql << "DELETE FROM appeal_stats_changes WHERE id IN (" + list + ")";
  }
  return static_cast<int>(days.size());
}

bool rollup_serves(soci::session& sql, const StatsFilter& f, const std::string& scope) {
  if (scope != "1 = 1") return false;
  if (f.from % kDayMs != (kDayMs - kUtc8Ms) % kDayMs || f.to % kDayMs != (kDayMs - kUtc8Ms) % kDayMs) return false;
  if (f.region_id) {
    auto level = region_level(sql, *f.region_id);
    if (!level || *level != "town") return false;
  }
  return true;
}

std::vector<KeyedCounters> count_appeals_rollup(soci::session& sql, StatsGroup group, const StatsFilter& f) {
  std::string key;
  bool text = false;
  switch (group) {
    case StatsGroup::kUnit:
      key = "CASE WHEN s.lead_department_id <> 0 THEN s.lead_department_id ELSE -s.lead_region_id END";
      break;
    case StatsGroup::kRegion:
      key = "s.town_id";
      break;
    case StatsGroup::kCategory:
      key = "s.category_id";
      break;
    case StatsGroup::kChannel:
      key = "s.channel";
      text = true;
      break;
    case StatsGroup::kType:
      key = "s.type";
      text = true;
      break;
    case StatsGroup::kDay:
    case StatsGroup::kWeek:
    case StatsGroup::kMonth:
      key = "s.day";
      break;
  }
  std::map<std::pair<long long, std::string>, Counters> sums;
  // `month_key`: the monthly table's key for day/week/month groups is its month, read as the
  // month's first day (the folding into months in stats.cpp does the rest).
  auto run = [&](const char* table, const char* period, long long lo, long long hi, const std::string& k,
                 bool month_key, std::int64_t sign = 1) {
    if (lo >= hi) return;
    auto w = rollup_where(sql, f, period, lo, hi);
    soci::details::prepare_temp_type prep =
        (sql.prepare << "SELECT " + k + ", " + kRollupSums + " FROM " + table + " s" + w.sql() + " GROUP BY " + k);
    w.bind(prep);
    soci::rowset<soci::row> rows(prep);
    for (const auto& r : rows) {
      std::pair<long long, std::string> at;
      if (text) {
        at.second = get_str(r, 0);
      } else {
        at.first = month_key ? first_day_of_month(get_i64(r, 0)) : get_i64(r, 0);
      }
      sums[at].add(counters_of(r, 1), sign);
    }
  };
  // Days [lo, hi) from the daily table. For keys that do not depend on the day, a stretch of
  // more than half a month is read as its whole month less the days outside it: a year that
  // starts and ends mid-month reads at most half a month of days at either edge.
  const bool subtract = group == StatsGroup::kUnit || group == StatsGroup::kRegion || group == StatsGroup::kCategory;
  auto days = [&](long long lo, long long hi) {
    while (lo < hi) {
      const long long m = month_of_day(lo), m_first = first_day_of_month(m), m_end = first_day_of_month(m + 1);
      const long long end = std::min(hi, m_end);
      if (subtract && (lo - m_first) + (m_end - end) < end - lo) {
        run("appeal_stats_monthly", "month", m, m + 1, key, false);
        run("appeal_stats_daily", "day", m_first, lo, key, false, -1);
        run("appeal_stats_daily", "day", end, m_end, key, false, -1);
      } else {
        run("appeal_stats_daily", "day", lo, end, key, false);
      }
      lo = end;
    }
  };
  const long long d0 = (f.from + kUtc8Ms) / kDayMs, d1 = (f.to + kUtc8Ms) / kDayMs;
  const bool monthly = !f.channel && !f.type &&
                       (group == StatsGroup::kUnit || group == StatsGroup::kRegion || group == StatsGroup::kCategory ||
                        group == StatsGroup::kMonth);
  if (!monthly) {
    run("appeal_stats_daily", "day", d0, d1, key, false);
  } else {
    const auto p = split_period(d0, d1);
    days(p.head_from, p.head_to);
    run("appeal_stats_monthly", "month", p.month_from, p.month_to, group == StatsGroup::kMonth ? "s.month" : key,
        group == StatsGroup::kMonth);
    days(p.tail_from, p.tail_to);
  }
  std::vector<KeyedCounters> out;
  for (auto& [at, c] : sums) {
    if (c.received == 0) continue;  // every case counts as received: a key with none had cases outside only
    KeyedCounters k;
    k.int_key = at.first;
    k.text_key = at.second;
    k.c = c;
    out.push_back(std::move(k));
  }
  return out;
}

std::vector<TownCategoryCount> count_town_categories_rollup(soci::session& sql, std::int64_t previous_from,
                                                            const StatsFilter& f) {
  // Each of the two periods separately, whole months from the monthly table where filters allow.
  std::map<std::pair<long long, long long>, std::pair<long long, long long>> counts;
  auto period = [&](long long d0, long long d1, bool current) {
    auto run = [&](const char* table, const char* col, long long lo, long long hi) {
      if (lo >= hi) return;
      auto w = rollup_where(sql, f, col, lo, hi);
      soci::details::prepare_temp_type prep =
          (sql.prepare << std::string("SELECT s.town_id, s.category_id, SUM(s.received) FROM ") + table + " s" +
                              w.sql() + " GROUP BY s.town_id, s.category_id");
      w.bind(prep);
      soci::rowset<soci::row> rows(prep);
      for (const auto& r : rows) {
        auto& c = counts[{get_i64(r, 0), get_i64(r, 1)}];
        (current ? c.first : c.second) += get_i64(r, 2);
      }
    };
    if (f.channel || f.type) {
      run("appeal_stats_daily", "day", d0, d1);
      return;
    }
    const auto p = split_period(d0, d1);
    run("appeal_stats_daily", "day", p.head_from, p.head_to);
    run("appeal_stats_monthly", "month", p.month_from, p.month_to);
    run("appeal_stats_daily", "day", p.tail_from, p.tail_to);
  };
  const long long prev = (previous_from + kUtc8Ms) / kDayMs, from = (f.from + kUtc8Ms) / kDayMs,
                  to = (f.to + kUtc8Ms) / kDayMs;
  period(from, to, true);
  period(prev, from, false);
  std::vector<TownCategoryCount> out;
  for (const auto& [k, v] : counts) out.push_back({k.first, k.second, v.first, v.second});
  return out;
}

std::vector<TownCategoryCount> count_town_categories(soci::session& sql, std::int64_t previous_from,
                                                     const StatsFilter& f, const std::string& scope) {
  StatsFilter both = f;
  both.from = previous_from;
  auto w = stats_where(sql, both, scope);
  long long from = f.from;
  soci::details::prepare_temp_type prep =
      (sql.prepare << "SELECT COALESCE(a.town_id, 0), a.category_id, "
                      "SUM(CASE WHEN a.created_at >= :cur1 THEN 1 ELSE 0 END), "
                      "SUM(CASE WHEN a.created_at < :cur2 THEN 1 ELSE 0 END) FROM appeals a" +
                          w.sql() + " GROUP BY COALESCE(a.town_id, 0), a.category_id");
  prep, soci::use(from), soci::use(from);
  w.bind(prep);
  soci::rowset<soci::row> rows(prep);
  std::vector<TownCategoryCount> out;
  for (const auto& r : rows) out.push_back({get_i64(r, 0), get_i64(r, 1), get_i64(r, 2), get_i64(r, 3)});
  return out;
}

StatsNames load_stats_names(soci::session& sql) {
  StatsNames n;
  {
    soci::rowset<soci::row> rows = sql.prepare << "SELECT id, name FROM departments";
    for (const auto& r : rows) n.departments[get_i64(r, 0)] = get_str(r, 1);
  }
  {
    soci::rowset<soci::row> rows = sql.prepare << "SELECT id, name FROM regions";
    for (const auto& r : rows) n.regions[get_i64(r, 0)] = get_str(r, 1);
  }
  for (const auto& c : load_categories(sql)) {
    n.categories[c.id] = c.name;
    // The path starts with the top-level id: "/3/17/".
    n.top_category[c.id] = std::stoll(c.path.substr(1, c.path.find('/', 1) - 1));
  }
  return n;
}

std::vector<Appeal> open_with_due_dates(soci::session& sql) {
  std::vector<Appeal> out;
  soci::rowset<soci::row> rows = sql.prepare
                                 << std::string("SELECT ") + kAppealColumns +
                                        " FROM appeals WHERE state IN ('dispatched', 'handling', 'return_requested') "
                                        "AND (handle_due_at IS NOT NULL OR sla_pending = 1)";
  for (const auto& r : rows) out.push_back(appeal_of(r));
  return out;
}

}  // namespace ecity::appeals
