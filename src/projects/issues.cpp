#include "projects/issues.h"

#include "platform/calendar/calendar.h"
#include "platform/calendar/working_hours.h"
#include "platform/db/row.h"
#include "platform/db/tree_path.h"
#include "platform/error.h"
#include "platform/http/fields.h"
#include "platform/runtime.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace ecity::projects {

namespace {

using ecity::Error;
using platform::Principal;
using platform::Tx;

constexpr const char* kColumns =
    "i.id, i.project_id, i.title, i.description, i.kind, i.unit_id, i.raised_on, i.working_days, i.deadline, "
    "i.level, i.status, i.resolution, i.resolved_on, i.created_at, i.updated_at, i.version, p.name";

constexpr std::array<std::string_view, 7> kKinds = {"land",      "funding", "approvals", "relocation",
                                                    "utilities", "labour",  "other"};
constexpr std::array<std::string_view, 3> kLevels = {"业主及责任单位协调", "部门联席会议调度", "区政府专题研究"};

// Who sees an issue: those who see its project, and its responsible unit.
std::string issue_scope(const Principal& who) {
  std::string scope = "(" + project_scope(who) + ")";
  for (auto s : who.scopes)
    if (s == platform::DataScope::kDepartment && !who.department_path.empty()) {
      scope += " OR i.unit_id IN " + platform::subtree_ids("departments", who.department_path);
      break;
    }
  return scope;
}

std::string today() { return platform::format_date(platform::local_date_of(platform::now_ms())); }

nlohmann::json issue_of(const soci::row& r, const std::string& now) {
  const auto status = platform::get_str(r, 10);
  const auto deadline = platform::get_str(r, 8);
  const int level = static_cast<int>(platform::get_i64(r, 9));
  const auto resolved = platform::opt_str(r, 12);
  return {{"id", platform::get_i64(r, 0)},
          {"project_id", platform::get_i64(r, 1)},
          {"title", platform::get_str(r, 2)},
          {"description", platform::get_str(r, 3)},
          {"kind", platform::get_str(r, 4)},
          {"unit_id", platform::get_i64(r, 5)},
          {"raised_on", platform::get_str(r, 6)},
          {"working_days", platform::get_i64(r, 7)},
          {"deadline", deadline},
          {"level", level},
          {"level_name", kLevels[static_cast<std::size_t>(level - 1)]},
          {"status", status},
          {"overdue", status == "open" && deadline < now},
          {"resolution", platform::get_str(r, 11)},
          {"resolved_on", resolved ? nlohmann::json(*resolved) : nlohmann::json(nullptr)},
          {"created_at", platform::get_i64(r, 13)},
          {"updated_at", platform::get_i64(r, 14)},
          {"version", platform::get_i64(r, 15)},
          {"project_name", platform::get_str(r, 16)}};
}

std::optional<nlohmann::json> load(soci::session& sql, std::int64_t id, const std::string& scope) {
  long long iid = id;
  soci::rowset<soci::row> rows =
      (sql.prepare << fmt::format("SELECT {} FROM prj_issues i JOIN prj_projects p ON p.id = i.project_id WHERE i.id "
                                  "= :id AND ({})",
                                  kColumns, scope),
       soci::use(iid));
  for (const auto& r : rows) return issue_of(r, today());
  return std::nullopt;
}

void log(Tx& tx, std::int64_t issue, const std::string& action, int level, const std::string& note,
         std::optional<std::int64_t> meeting, std::int64_t by) {
  long long iid = issue, at = platform::now_ms(), who = by;
  platform::Nullable<long long> m(meeting);
  tx.sql << "INSERT INTO prj_issue_log (issue_id, action, level, note, meeting_id, by_user, at) VALUES (:i, :a, :l, "
            ":n, :m, :b, :at)",
      soci::use(iid), soci::use(action), soci::use(level), soci::use(note), soci::use(m.value, m.ind), soci::use(who),
      soci::use(at);
}

bool in_department(platform::Runtime& rt, const Principal& who, std::int64_t unit) {
  if (who.department_path.empty()) return false;
  return rt.db.read([&](soci::session& sql) {
    const auto path = platform::tree_path(sql, "departments", unit);
    return !path.empty() && path.rfind(who.department_path, 0) == 0;
  });
}

std::optional<std::string> checked_date(platform::Fields& f, const nlohmann::json& body, const char* name) {
  if (!body.contains(name) || body[name].is_null()) return std::nullopt;
  auto v = f.opt_str(name, 10);
  if (!v) return std::nullopt;
  try {
    platform::parse_date(*v);
  } catch (const Error&) {
    f.fail(name, "日期应为 YYYY-MM-DD", "must be a date YYYY-MM-DD");
  }
  return v;
}

}  // namespace

IssueInput parse_issue(const nlohmann::json& body) {
  platform::Fields f(body, {"title", "description", "kind", "unit_id", "raised_on", "working_days"});
  IssueInput in;
  in.title = f.str("title", 100);
  in.description = f.opt_str("description", 2000).value_or("");
  in.kind = f.str("kind", 16);
  bool known = false;
  for (auto k : kKinds) known = known || k == in.kind;
  if (!known && !in.kind.empty())
    f.fail("kind", "类型应为 land、funding、approvals、relocation、utilities、labour 或 other",
           "kind must be land, funding, approvals, relocation, utilities, labour or other");
  in.unit_id = f.integer("unit_id", 1, INT64_MAX);
  in.raised_on = checked_date(f, body, "raised_on");
  in.working_days = static_cast<int>(f.opt_integer("working_days", 1, 250).value_or(10));
  f.done();
  return in;
}

MeetingInput parse_meeting(const nlohmann::json& body) {
  platform::Fields f(body, {"held_on", "title", "chair", "attendees", "minutes", "decisions"});
  MeetingInput in;
  in.held_on = checked_date(f, body, "held_on").value_or("");
  if (in.held_on.empty()) f.fail("held_on", "必填", "is required");
  if (in.held_on > today()) f.fail("held_on", "会议日期不能晚于今天", "a meeting cannot be held in the future");
  in.title = f.str("title", 100);
  in.chair = f.opt_str("chair", 32).value_or("");
  in.attendees = f.opt_str("attendees", 500).value_or("");
  in.minutes = f.opt_str("minutes", 8000).value_or("");
  if (body.contains("decisions")) {
    const auto& ds = body["decisions"];
    if (!ds.is_array() || ds.size() > 100) {
      f.fail("decisions", "应为数组（至多 100 项）", "must be an array of at most 100");
    } else {
      for (std::size_t i = 0; i < ds.size(); ++i) {
        const auto& d = ds[i];
        const std::string field = fmt::format("decisions[{}]", i);
        if (!d.is_object() || !d.contains("decision") || !d["decision"].is_string() ||
            d["decision"].get<std::string>().empty() ||
            platform::utf8_length(d["decision"].get<std::string>()) > 1000) {
          f.fail(field, "每项决定须有 decision（至多 1000 字）",
                 "each decision needs a text of at most 1000 characters");
          continue;
        }
        DecisionInput x;
        x.decision = d["decision"].get<std::string>();
        for (const char* key : {"issue_id", "unit_id"}) {
          if (!d.contains(key) || d[key].is_null()) continue;
          if (!d[key].is_number_integer() || d[key].get<std::int64_t>() <= 0) {
            f.fail(field + "." + key, "应为正整数编号", "must be a positive id");
            continue;
          }
          (std::string(key) == "issue_id" ? x.issue_id : x.unit_id) = d[key].get<std::int64_t>();
        }
        if (d.contains("due_on") && !d["due_on"].is_null()) {
          const auto text = d["due_on"].is_string() ? d["due_on"].get<std::string>() : "";
          try {
            platform::parse_date(text);
            x.due_on = text;
          } catch (const Error&) {
            f.fail(field + ".due_on", "日期应为 YYYY-MM-DD", "must be a date YYYY-MM-DD");
          }
        }
        in.decisions.push_back(std::move(x));
      }
    }
  }
  f.done();
  return in;
}

nlohmann::json IssueService::raise(const Principal& who, const platform::Actor& actor, std::int64_t project,
                                   const IssueInput& in) {
  if (!who.can("projects:read")) throw Error::forbidden();
  const auto p = projects_.get_unscoped(project);
  if (!who.can("projects:manage") && !(who.can("projects:report") && projects_.is_lead_unit(who, p)))
    throw Error::forbidden("只有调度办或项目牵头单位可以提出问题", "only the office or the lead unit raises issues");
  const std::string raised = in.raised_on.value_or(today());
  if (raised > today())
    throw Error::invalid("validation", "提出日期不能晚于今天", "the date lies in the future")
        .on_field("raised_on", "未来", "in the future");
  const auto deadline =
      platform::format_date(rt_.calendar()->add_working_days(platform::parse_date(raised), in.working_days));
  return rt_.db.write([&](Tx& tx) {
    long long n = 0, unit = in.unit_id;
    tx.sql << "SELECT COUNT(*) FROM departments WHERE id = :u", soci::use(unit), soci::into(n);
    if (n == 0)
      throw Error::invalid("validation", "责任单位不存在", "no such unit")
          .on_field("unit_id", "不存在", "does not exist");
    long long pid = project, at = platform::now_ms(), id = 0;
    int days = in.working_days;
    tx.sql << "INSERT INTO prj_issues (project_id, title, description, kind, unit_id, raised_on, working_days, "
              "deadline, created_at, updated_at) VALUES (:p, :t, :d, :k, :u, :r, :w, :dl, :a, :a2) RETURNING id",
        soci::use(pid), soci::use(in.title), soci::use(in.description), soci::use(in.kind), soci::use(unit),
        soci::use(raised), soci::use(days), soci::use(deadline), soci::use(at), soci::use(at), soci::into(id);
    log(tx, id, "raise", 1, in.description, std::nullopt, who.user_id);
    auto issue = load(tx.sql, id, "1 = 1");
    platform::audit_operation(tx, actor, "project_issue", std::to_string(id), "raise", nullptr, *issue);
    rt_.bus.publish(tx, "projects.issue.raised", {{"issue_id", id}, {"project_id", project}});
    return *issue;
  });
}

nlohmann::json IssueService::change(const Principal& who, const platform::Actor& actor, std::int64_t id,
                                    const std::string& action, const std::string& note, std::optional<int> version) {
  auto before = rt_.db.read([&](soci::session& sql) { return load(sql, id, issue_scope(who)); });
  if (!before) throw Error::not_found("问题不存在", "no such issue");
  const auto stale = [] {
    return Error::conflict("stale", "问题已被他人处理，请刷新后重试", "the issue changed meanwhile; reload and retry");
  };
  // The state checked below is the state changed: the update is conditional on its version.
  const int seen = (*before)["version"].get<int>();
  if (version && *version != seen) throw stale();
  const bool office = who.can("projects:manage");
  if (action == "resolve" && !office &&
      !(who.can("projects:report") && in_department(rt_, who, (*before)["unit_id"].get<std::int64_t>())))
    throw Error::forbidden("只有责任单位或调度办可以办结问题", "only the responsible unit or the office resolves it");
  if (action != "resolve" && !office)
    throw Error::forbidden("只有调度办可以升级或重开问题", "only the office does that");
  if (note.empty())
    throw Error::invalid("validation", "请填写说明", "give a note")
        .on_field(action == "resolve" ? "resolution" : "note", "必填", "required");
  const auto status = (*before)["status"].get<std::string>();
  int level = (*before)["level"].get<int>();
  if (action != "reopen" && status != "open")
    throw Error::conflict("state", "问题已办结", "the issue is resolved already");
  if (action == "reopen" && status != "resolved") throw Error::conflict("state", "问题未办结", "the issue is open");
  if (action == "escalate") {
    if (level >= 3)
      throw Error::conflict("state", "问题已在最高层级（区政府）", "the issue is at the top level already");
    ++level;
  }
  return rt_.db.write([&](Tx& tx) {
    long long iid = id, at = platform::now_ms();
    const std::string new_status = action == "resolve" ? "resolved" : "open";
    platform::Nullable<std::string> resolved(action == "resolve" ? std::optional(today()) : std::nullopt);
    const std::string resolution = action == "resolve" ? note : "";
    int v = seen;
    soci::statement st = (tx.sql.prepare << "UPDATE prj_issues SET level = :l, status = :s, resolution = :r, "
                                            "resolved_on = :ro, updated_at = :a, version = version + 1 WHERE id = :id "
                                            "AND version = :v",
                          soci::use(level), soci::use(new_status), soci::use(resolution),
                          soci::use(resolved.value, resolved.ind), soci::use(at), soci::use(iid), soci::use(v));
    st.execute(true);
    if (st.get_affected_rows() != 1) throw stale();
    log(tx, id, action, level, note, std::nullopt, who.user_id);
    auto after = load(tx.sql, id, "1 = 1");
    platform::audit_operation(tx, actor, "project_issue", std::to_string(id), action, *before, *after);
    rt_.bus.publish(tx, "projects.issue." + action, {{"issue_id", id}, {"level", level}});
    return *after;
  });
}

nlohmann::json IssueService::escalate(const Principal& who, const platform::Actor& actor, std::int64_t id,
                                      const std::string& note, std::optional<int> version) {
  return change(who, actor, id, "escalate", note, version);
}
nlohmann::json IssueService::resolve(const Principal& who, const platform::Actor& actor, std::int64_t id,
                                     const std::string& resolution, std::optional<int> version) {
  return change(who, actor, id, "resolve", resolution, version);
}
nlohmann::json IssueService::reopen(const Principal& who, const platform::Actor& actor, std::int64_t id,
                                    const std::string& note, std::optional<int> version) {
  return change(who, actor, id, "reopen", note, version);
}

nlohmann::json IssueService::list(const Principal& who, std::optional<std::int64_t> project,
                                  const std::optional<std::string>& status, std::optional<int> level, bool overdue_only,
                                  const std::optional<std::string>& kind, std::optional<std::int64_t> unit) {
  if (!who.can("projects:read")) throw Error::forbidden();
  if (status && *status != "open" && *status != "resolved")
    throw Error::invalid("validation", "状态应为 open 或 resolved", "status must be open or resolved")
        .on_field("status", "无效", "invalid");
  if (kind && std::find(std::begin(kKinds), std::end(kKinds), *kind) == std::end(kKinds))
    throw Error::invalid("validation", "未知问题类型", "unknown issue kind").on_field("kind", "未知", "unknown");
  const auto now = today();
  return rt_.db.read([&](soci::session& sql) {
    std::string where = "(" + issue_scope(who) + ")";
    if (project) where += fmt::format(" AND i.project_id = {}", *project);
    if (status) where += " AND i.status = '" + *status + "'";  // one of two literals, checked above
    if (level) where += fmt::format(" AND i.level = {}", *level);
    if (kind) where += " AND i.kind = '" + *kind + "'";  // one of our codes, checked above
    if (unit) where += fmt::format(" AND i.unit_id = {}", *unit);
    nlohmann::json items = nlohmann::json::array();
    int open = 0, overdue = 0, resolved = 0;
    soci::rowset<soci::row> rows =
        sql.prepare << fmt::format(
            "SELECT {} FROM prj_issues i JOIN prj_projects p ON p.id = i.project_id WHERE {} "
            "ORDER BY i.status, i.deadline, i.id",
            kColumns, where);
    for (const auto& r : rows) {
      auto j = issue_of(r, now);
      const bool late = j["overdue"].get<bool>();
      ++(j["status"] == "open" ? open : resolved);
      if (late) ++overdue;
      if (overdue_only && !late) continue;
      items.push_back(std::move(j));
    }
    return nlohmann::json{{"summary", {{"open", open}, {"overdue", overdue}, {"resolved", resolved}}},
                          {"items", items}};
  });
}

nlohmann::json IssueService::get(const Principal& who, std::int64_t id) {
  if (!who.can("projects:read")) throw Error::forbidden();
  return rt_.db.read([&](soci::session& sql) {
    auto j = load(sql, id, issue_scope(who));
    if (!j) throw Error::not_found("问题不存在", "no such issue");
    long long iid = id;
    nlohmann::json logs = nlohmann::json::array(), decisions = nlohmann::json::array();
    soci::rowset<soci::row> ls = (sql.prepare << "SELECT l.action, l.level, l.note, l.meeting_id, l.by_user, l.at, "
                                                 "u.name FROM prj_issue_log l LEFT JOIN users u ON u.id = l.by_user "
                                                 "WHERE l.issue_id = :i ORDER BY l.id",
                                  soci::use(iid));
    for (const auto& r : ls) {
      const auto m = platform::opt_i64(r, 3);
      const auto by = platform::opt_i64(r, 4);
      logs.push_back({{"action", platform::get_str(r, 0)},
                      {"level", platform::get_i64(r, 1)},
                      {"note", platform::get_str(r, 2)},
                      {"meeting_id", m ? nlohmann::json(*m) : nlohmann::json(nullptr)},
                      {"by_user", by ? nlohmann::json(*by) : nlohmann::json(nullptr)},
                      {"by_name", platform::opt_str(r, 6) ? nlohmann::json(*platform::opt_str(r, 6)) : nullptr},
                      {"at", platform::get_i64(r, 5)}});
    }
    soci::rowset<soci::row> ds =
        (sql.prepare << "SELECT d.id, d.meeting_id, m.held_on, m.title, d.decision, d.unit_id, d.due_on FROM "
                        "prj_meeting_decisions d JOIN prj_meetings m ON m.id = d.meeting_id WHERE d.issue_id = :i "
                        "ORDER BY m.held_on, d.id",
         soci::use(iid));
    for (const auto& r : ds) {
      const auto unit = platform::opt_i64(r, 5);
      const auto due = platform::opt_str(r, 6);
      decisions.push_back({{"id", platform::get_i64(r, 0)},
                           {"meeting_id", platform::get_i64(r, 1)},
                           {"held_on", platform::get_str(r, 2)},
                           {"meeting_title", platform::get_str(r, 3)},
                           {"decision", platform::get_str(r, 4)},
                           {"unit_id", unit ? nlohmann::json(*unit) : nlohmann::json(nullptr)},
                           {"due_on", due ? nlohmann::json(*due) : nlohmann::json(nullptr)}});
    }
    (*j)["log"] = logs;
    (*j)["decisions"] = decisions;
    return *j;
  });
}

nlohmann::json IssueService::record_meeting(const Principal& who, const platform::Actor& actor,
                                            const MeetingInput& in) {
  if (!who.can("projects:manage"))
    throw Error::forbidden("只有调度办可以记录联席会议", "only the office records meetings");
  return rt_.db.write([&](Tx& tx) {
    long long at = platform::now_ms(), by = who.user_id, id = 0;
    tx.sql << "INSERT INTO prj_meetings (held_on, title, chair, attendees, minutes, created_at, created_by) VALUES "
              "(:h, :t, :c, :a, :m, :at, :b) RETURNING id",
        soci::use(in.held_on), soci::use(in.title), soci::use(in.chair), soci::use(in.attendees), soci::use(in.minutes),
        soci::use(at), soci::use(by), soci::into(id);
    for (std::size_t i = 0; i < in.decisions.size(); ++i) {
      const auto& d = in.decisions[i];
      if (d.issue_id) {
        const auto issue = load(tx.sql, *d.issue_id, issue_scope(who));
        if (!issue)
          throw Error::invalid("validation", fmt::format("第 {} 项决定所指的问题不存在", i + 1),
                               fmt::format("decision {} names no known issue", i + 1))
              .on_field(fmt::format("decisions[{}].issue_id", i), "不存在", "does not exist");
        log(tx, *d.issue_id, "decide", (*issue)["level"].get<int>(), d.decision, id, who.user_id);
      }
      platform::Nullable<long long> issue(d.issue_id), unit(d.unit_id);
      platform::Nullable<std::string> due(d.due_on);
      long long mid = id;
      tx.sql << "INSERT INTO prj_meeting_decisions (meeting_id, issue_id, decision, unit_id, due_on) VALUES (:m, :i, "
                ":d, :u, :due)",
          soci::use(mid), soci::use(issue.value, issue.ind), soci::use(d.decision), soci::use(unit.value, unit.ind),
          soci::use(due.value, due.ind);
    }
    nlohmann::json out = {{"id", id},
                          {"held_on", in.held_on},
                          {"title", in.title},
                          {"chair", in.chair},
                          {"attendees", in.attendees},
                          {"minutes", in.minutes},
                          {"decisions", in.decisions.size()}};
    platform::audit_operation(tx, actor, "project_meeting", std::to_string(id), "create", nullptr, out);
    return out;
  });
}

nlohmann::json IssueService::meetings(const Principal& who) {
  if (!who.can("projects:read")) throw Error::forbidden();
  return rt_.db.read([&](soci::session& sql) {
    // Each meeting with its decisions; an issue outside the caller's scope is not named.
    std::map<std::int64_t, nlohmann::json> decisions;
    soci::rowset<soci::row> ds =
        sql.prepare << fmt::format(
            "SELECT d.meeting_id, d.id, CASE WHEN p.id IS NOT NULL AND ({0}) THEN d.issue_id END, CASE WHEN p.id IS "
            "NOT NULL AND ({0}) THEN i.title END, d.decision, d.unit_id, dep.name, d.due_on FROM "
            "prj_meeting_decisions d LEFT JOIN prj_issues i ON i.id = d.issue_id LEFT JOIN prj_projects p ON p.id = "
            "i.project_id LEFT JOIN departments dep ON dep.id = d.unit_id ORDER BY d.meeting_id, d.id",
            issue_scope(who));
    for (const auto& r : ds) {
      const auto num = [&](std::size_t k) {
        const auto v = platform::opt_i64(r, k);
        return v ? nlohmann::json(*v) : nlohmann::json();
      };
      const auto text = [&](std::size_t k) {
        const auto v = platform::opt_str(r, k);
        return v ? nlohmann::json(*v) : nlohmann::json();
      };
      auto& list = decisions[platform::get_i64(r, 0)];
      if (list.is_null()) list = nlohmann::json::array();
      list.push_back({{"id", platform::get_i64(r, 1)},
                      {"issue_id", num(2)},
                      {"issue_title", text(3)},
                      {"decision", platform::get_str(r, 4)},
                      {"unit_id", num(5)},
                      {"unit_name", text(6)},
                      {"due_on", text(7)}});
    }
    nlohmann::json items = nlohmann::json::array();
    soci::rowset<soci::row> rows = sql.prepare << "SELECT m.id, m.held_on, m.title, m.chair, m.attendees, m.minutes "
                                                  "FROM prj_meetings m ORDER BY m.held_on DESC, m.id DESC";
    for (const auto& r : rows) {
      const auto id = platform::get_i64(r, 0);
      auto it = decisions.find(id);
      items.push_back({{"id", id},
                       {"held_on", platform::get_str(r, 1)},
                       {"title", platform::get_str(r, 2)},
                       {"chair", platform::get_str(r, 3)},
                       {"attendees", platform::get_str(r, 4)},
                       {"minutes", platform::get_str(r, 5)},
                       {"decisions", it != decisions.end() ? it->second : nlohmann::json::array()}});
    }
    return nlohmann::json{{"items", items}};
  });
}

}  // namespace ecity::projects
