#include "projects/registry.h"

#include "platform/auth/masking.h"
#include "platform/calendar/working_hours.h"
#include "platform/db/row.h"
#include "platform/db/tree_path.h"
#include "platform/db/where.h"
#include "platform/error.h"
#include "platform/http/fields.h"
#include "platform/runtime.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace ecity::projects {

namespace {

using ecity::Error;
using platform::Principal;
using platform::Tx;

constexpr const char* kColumns =
    "p.id, p.name, p.code, p.level, p.industry, p.nature, p.town_id, p.content, p.lead_unit_id, p.leaders, "
    "p.leader_unit_id, p.owner_company, p.owner_contact, p.owner_phone, p.total_investment, p.start_year, "
    "p.end_year, p.planned_start, p.actual_start, p.planned_completion, p.status, p.approvals, p.created_at, "
    "p.updated_at, p.version";

std::map<std::string, std::string> split_approvals(const std::string& text) {
  std::map<std::string, std::string> out;
  for (std::size_t at = 0; at < text.size();) {
    auto semi = text.find(';', at);
    if (semi == std::string::npos) semi = text.size();
    const auto item = text.substr(at, semi - at);
    const auto eq = item.find('=');
    if (eq != std::string::npos) out.emplace(item.substr(0, eq), item.substr(eq + 1));
    at = semi + 1;
  }
  return out;
}

std::string join_approvals(const std::map<std::string, std::string>& approvals) {
  std::string out;
  for (const auto& [k, v] : approvals) out += (out.empty() ? "" : ";") + k + "=" + v;
  return out;
}

Project project_of(const soci::row& r) {
  Project p;
  p.id = platform::get_i64(r, 0);
  p.name = platform::get_str(r, 1);
  p.code = platform::opt_str(r, 2);
  p.level = platform::get_str(r, 3);
  p.industry = platform::get_str(r, 4);
  p.nature = platform::get_str(r, 5);
  p.town_id = platform::opt_i64(r, 6);
  p.content = platform::get_str(r, 7);
  p.lead_unit_id = platform::get_i64(r, 8);
  p.leaders = split_leaders(platform::get_str(r, 9));
  p.leader_unit_id = platform::opt_i64(r, 10);
  p.owner_company = platform::get_str(r, 11);
  p.owner_contact = platform::get_str(r, 12);
  p.owner_phone = platform::get_str(r, 13);
  p.total_investment = platform::get_i64(r, 14);
  p.start_year = static_cast<int>(platform::get_i64(r, 15));
  p.end_year = static_cast<int>(platform::get_i64(r, 16));
  p.planned_start = platform::opt_str(r, 17);
  p.actual_start = platform::opt_str(r, 18);
  p.planned_completion = platform::opt_str(r, 19);
  p.status = platform::get_str(r, 20);
  p.approvals = split_approvals(platform::get_str(r, 21));
  p.created_at = platform::get_i64(r, 22);
  p.updated_at = platform::get_i64(r, 23);
  p.version = static_cast<int>(platform::get_i64(r, 24));
  return p;
}

void load_co_units(soci::session& sql, std::vector<Project>& projects) {
  if (projects.empty()) return;
  std::map<std::int64_t, Project*> by_id;
  std::string ids;
  for (auto& p : projects) {
    by_id[p.id] = &p;
    ids += (ids.empty() ? "" : ",") + std::to_string(p.id);
  }
  soci::rowset<soci::row> rows =
      sql.prepare << "SELECT project_id, department_id FROM prj_project_units WHERE role = 'co' AND project_id IN (" +
                         ids + ") ORDER BY project_id, department_id";
  for (const auto& r : rows) by_id.at(platform::get_i64(r, 0))->co_unit_ids.push_back(platform::get_i64(r, 1));
}

std::optional<Project> load(soci::session& sql, std::int64_t id, const std::string& scope) {
  long long pid = id;
  std::vector<Project> out;
  soci::rowset<soci::row> rows =
      (sql.prepare << fmt::format("SELECT {} FROM prj_projects p WHERE p.id = :id AND ({})", kColumns, scope),
       soci::use(pid));
  for (const auto& r : rows) out.push_back(project_of(r));
  if (out.empty()) return std::nullopt;
  load_co_units(sql, out);
  return out.front();
}

Error forbidden_manage() { return Error::forbidden("无权管理重点项目", "you may not manage key projects"); }

bool one_of(const std::string& v, std::initializer_list<const char*> allowed) {
  for (const char* a : allowed)
    if (v == a) return true;
  return false;
}

// Checks that the ids exist in `table` (departments or regions) and throws naming the field.
void check_ids(soci::session& sql, const char* table, const std::vector<std::int64_t>& ids, const char* field) {
  for (auto id : ids) {
    long long x = id, n = 0;
    sql << fmt::format("SELECT COUNT(*) FROM {} WHERE id = :id", table), soci::use(x), soci::into(n);
    if (n == 0)
      throw Error::invalid("validation", fmt::format("{} 不存在：{}", field, id),
                           fmt::format("{} does not exist: {}", field, id))
          .on_field(field, "不存在", "does not exist");
  }
}

void write_units(Tx& tx, const Project& p) {
  long long pid = p.id;
  tx.sql << "DELETE FROM prj_project_units WHERE project_id = :p", soci::use(pid);
  auto put = [&](std::int64_t dept, const char* role) {
    long long d = dept;
    std::string r = role;
    tx.sql << "INSERT INTO prj_project_units (project_id, department_id, role) VALUES (:p, :d, :r) ON CONFLICT DO "
              "NOTHING",
        soci::use(pid), soci::use(d), soci::use(r);
  };
  put(p.lead_unit_id, "lead");
  for (auto d : p.co_unit_ids) put(d, "co");
  if (p.leader_unit_id) put(*p.leader_unit_id, "assigned");
}

void apply(Project& p, const ProjectInput& in) {
  if (in.name) p.name = *in.name;
  if (in.code) p.code = *in.code;
  if (in.level) p.level = *in.level;
  if (in.industry) p.industry = *in.industry;
  if (in.nature) p.nature = *in.nature;
  if (in.status) p.status = *in.status;
  if (in.content) p.content = *in.content;
  if (in.owner_company) p.owner_company = *in.owner_company;
  if (in.owner_contact) p.owner_contact = *in.owner_contact;
  if (in.owner_phone) p.owner_phone = *in.owner_phone;
  if (in.planned_start) p.planned_start = *in.planned_start;
  if (in.actual_start) p.actual_start = *in.actual_start;
  if (in.planned_completion) p.planned_completion = *in.planned_completion;
  if (in.town_id) p.town_id = *in.town_id;
  if (in.leader_unit_id) p.leader_unit_id = *in.leader_unit_id;
  if (in.lead_unit_id) p.lead_unit_id = *in.lead_unit_id;
  if (in.co_unit_ids) p.co_unit_ids = *in.co_unit_ids;
  if (in.leaders) p.leaders = *in.leaders;
  if (in.total_investment) p.total_investment = *in.total_investment;
  if (in.start_year) p.start_year = *in.start_year;
  if (in.end_year) p.end_year = *in.end_year;
  if (in.approvals) p.approvals = *in.approvals;
}

// Rules across fields and against the database; throws Error (invalid) naming the field.
void check(soci::session& sql, const Project& p) {
  auto bad = [](const char* field, const std::string& zh, const std::string& en) {
    return Error::invalid("validation", zh, en).on_field(field, zh, en);
  };
  if (p.end_year < p.start_year) throw bad("end_year", "建设止年早于起年", "end_year is before start_year");
  if (p.actual_start && p.status == "preparation")
    throw bad("status", "已填实际开工日期，状态不能为前期", "a project with an actual start is not in preparation");
  long long n = 0;
  sql << "SELECT COUNT(*) FROM prj_industries WHERE code = :c", soci::use(p.industry), soci::into(n);
  if (n == 0) throw bad("industry", "未知产业类别：" + p.industry, "unknown industry: " + p.industry);
  std::vector<std::int64_t> units{p.lead_unit_id};
  units.insert(units.end(), p.co_unit_ids.begin(), p.co_unit_ids.end());
  if (p.leader_unit_id) units.push_back(*p.leader_unit_id);
  check_ids(sql, "departments", units, "lead_unit_id");
  if (p.town_id) check_ids(sql, "regions", {*p.town_id}, "town_id");
}

void put_milestones(Tx& tx, std::int64_t project, int year,
                    const std::vector<std::pair<int, std::string>>& milestones) {
  long long pid = project;
  int y = year;
  for (const auto& [month, title] : milestones) {
    int m = month;
    tx.sql << "INSERT INTO prj_milestones (project_id, year, month, title) VALUES (:p, :y, :m, :t)", soci::use(pid),
        soci::use(y), soci::use(m), soci::use(title);
  }
}

}  // namespace

constexpr const char* kLeaderSeparator = "、";

std::vector<std::string> split_leaders(const std::string& text) {
  std::vector<std::string> out;
  const std::string sep = kLeaderSeparator;
  for (std::size_t at = 0; at < text.size();) {
    auto next = text.find(sep, at);
    if (next == std::string::npos) next = text.size();
    if (next > at) out.push_back(text.substr(at, next - at));
    at = next + sep.size();
  }
  return out;
}

std::string join_leaders(const std::vector<std::string>& leaders) {
  std::string out;
  for (const auto& l : leaders) out += (out.empty() ? "" : kLeaderSeparator) + l;
  return out;
}

const std::vector<ApprovalKind>& approval_kinds() {
  static const std::vector<ApprovalKind> kAll = {{"approval", "立项"}, {"land", "用地"},   {"planning", "规划"},
                                                 {"eia", "环评"},      {"energy", "能评"}, {"permit", "施工许可"}};
  return kAll;
}

std::string project_scope(const Principal& who) {
  std::vector<std::string> any;
  for (auto s : who.scopes) {
    if (s == platform::DataScope::kAll) return "1 = 1";
    if (s == platform::DataScope::kDepartment && !who.department_path.empty())
      any.push_back("p.id IN (SELECT project_id FROM prj_project_units WHERE department_id IN " +
                    platform::subtree_ids("departments", who.department_path) + ")");
    if (s == platform::DataScope::kRegion && !who.region_path.empty())
      any.push_back("p.town_id IN " + platform::subtree_ids("regions", who.region_path));
  }
  if (any.empty()) return "1 = 0";
  std::string out;
  for (const auto& a : any) out += (out.empty() ? "" : " OR ") + a;
  return out;
}

nlohmann::json project_json(const Project& p, const Principal* who) {
  auto opt = [](const auto& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  nlohmann::json approvals = nlohmann::json::array();
  for (const auto& k : approval_kinds()) {
    auto it = p.approvals.find(std::string(k.code));
    const bool done = it != p.approvals.end() && it->second != "pending";
    approvals.push_back({{"kind", k.code},
                         {"name", k.name},
                         {"required", it != p.approvals.end()},
                         {"done_on", done ? nlohmann::json(it->second) : nlohmann::json(nullptr)}});
  }
  const bool pii = who != nullptr && who->can("pii:read");
  return {{"id", p.id},
          {"name", p.name},
          {"code", opt(p.code)},
          {"level", p.level},
          {"industry", p.industry},
          {"nature", p.nature},
          {"status", p.status},
          {"town_id", opt(p.town_id)},
          {"content", p.content},
          {"lead_unit_id", p.lead_unit_id},
          {"co_unit_ids", p.co_unit_ids},
          {"leaders", p.leaders},
          {"leader_unit_id", opt(p.leader_unit_id)},
          {"owner_company", p.owner_company},
          {"owner_contact", p.owner_contact},
          {"owner_phone", pii ? p.owner_phone : platform::mask_phone(p.owner_phone)},
          {"total_investment_yuan", p.total_investment},
          {"start_year", p.start_year},
          {"end_year", p.end_year},
          {"planned_start", opt(p.planned_start)},
          {"actual_start", opt(p.actual_start)},
          {"planned_completion", opt(p.planned_completion)},
          {"approvals", approvals},
          {"created_at", p.created_at},
          {"updated_at", p.updated_at},
          {"version", p.version}};
}

nlohmann::json plan_json(const Plan& p) {
  nlohmann::json ms = nlohmann::json::array();
  for (const auto& m : p.milestones)
    ms.push_back({{"id", m.id},
                  {"month", m.month},
                  {"title", m.title},
                  {"reached_on", m.reached_on ? nlohmann::json(*m.reached_on) : nlohmann::json(nullptr)}});
  return {{"project_id", p.project_id},
          {"year", p.year},
          {"planned_investment_yuan", p.planned_investment},
          {"planned_start_month", p.planned_start_month ? nlohmann::json(*p.planned_start_month) : nullptr},
          {"milestones", ms},
          {"version", p.version}};
}

ProjectInput parse_project(const nlohmann::json& body, bool create) {
  platform::Fields f(body, {"name",
                            "code",
                            "level",
                            "industry",
                            "nature",
                            "status",
                            "town_id",
                            "content",
                            "lead_unit_id",
                            "co_unit_ids",
                            "leaders",
                            "leader_unit_id",
                            "owner_company",
                            "owner_contact",
                            "owner_phone",
                            "total_investment_wan",
                            "start_year",
                            "end_year",
                            "planned_start",
                            "actual_start",
                            "planned_completion",
                            "approvals",
                            "version"});
  ProjectInput in;
  auto required = [&](const char* name) { return create || body.contains(name); };
  auto choice = [&](const char* name, std::initializer_list<const char*> allowed, const char* fallback) {
    std::optional<std::string> v;
    if (body.contains(name))
      v = f.str(name, 16);
    else if (create && fallback != nullptr)
      v = fallback;
    else if (create)
      v = f.str(name, 16);  // reports "required"
    if (v && !v->empty() && !one_of(*v, allowed)) f.fail(name, "取值无效", "not an allowed value");
    return v;
  };
  if (required("name")) in.name = f.str("name", 100);
  if (body.contains("code")) {
    in.code = f.opt_str("code", 32);
    if (*in.code && in.code->value().empty()) in.code = std::optional<std::string>{};
  }
  in.level = choice("level", {"provincial", "city", "county"}, nullptr);
  if (required("industry")) in.industry = f.str("industry", 32);
  in.nature = choice("nature", {"new", "continued", "expansion"}, nullptr);
  in.status = choice("status", {"preparation", "construction", "completed", "production", "suspended"}, "preparation");
  if (body.contains("content")) in.content = f.opt_str("content", 2000).value_or("");
  if (body.contains("owner_company")) in.owner_company = f.opt_str("owner_company", 100).value_or("");
  if (body.contains("owner_contact")) in.owner_contact = f.opt_str("owner_contact", 32).value_or("");
  if (body.contains("owner_phone")) {
    in.owner_phone = f.opt_str("owner_phone", 20).value_or("");
    for (char c : *in.owner_phone)
      if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == ' '))
        f.fail("owner_phone", "电话号码只能含数字、空格、- 和 +", "digits, blanks, - and + only");
  }
  if (required("lead_unit_id")) in.lead_unit_id = f.integer("lead_unit_id", 1, INT64_MAX);
  if (body.contains("co_unit_ids")) in.co_unit_ids = f.id_list("co_unit_ids", 20);
  if (body.contains("leaders")) in.leaders = f.str_list("leaders", 32, 10);
  if (body.contains("town_id")) in.town_id = f.opt_id("town_id");
  if (body.contains("leader_unit_id")) in.leader_unit_id = f.opt_id("leader_unit_id");
  if (required("total_investment_wan")) {
    const auto* v = body.contains("total_investment_wan") ? &body["total_investment_wan"] : nullptr;
    const std::string text = v == nullptr             ? ""
                             : v->is_string()         ? v->get<std::string>()
                             : v->is_number_integer() ? v->dump()
                             : v->is_number()         ? v->dump()
                                                      : "";
    const auto yuan = parse_wan(text);
    if (!yuan || *yuan < 0)
      f.fail("total_investment_wan", "应为非负金额（万元，至多 4 位小数）",
             "must be a non-negative amount in 10k yuan (at most 4 decimals)");
    else
      in.total_investment = *yuan;
  }
  if (required("start_year")) in.start_year = static_cast<int>(f.integer("start_year", 1990, 2100));
  if (required("end_year")) in.end_year = static_cast<int>(f.integer("end_year", 1990, 2100));
  auto date = [&](const char* name) -> std::optional<std::optional<std::string>> {
    if (!body.contains(name)) return std::nullopt;
    auto v = f.opt_str(name, 10);
    if (!v || v->empty()) return std::optional<std::string>{};
    try {
      platform::parse_date(*v);
    } catch (const Error&) {
      f.fail(name, "日期应为 YYYY-MM-DD", "must be a date YYYY-MM-DD");
    }
    return v;
  };
  in.planned_start = date("planned_start");
  in.actual_start = date("actual_start");
  in.planned_completion = date("planned_completion");
  if (body.contains("approvals")) {
    const auto& a = body["approvals"];
    if (!a.is_object()) {
      f.fail("approvals", "应为对象：手续 → 日期或 pending", "must be an object: kind → date or pending");
    } else {
      std::map<std::string, std::string> out;
      for (const auto& [kind, v] : a.items()) {
        bool known = false;
        for (const auto& k : approval_kinds()) known = known || k.code == kind;
        const std::string field = "approvals." + kind;
        if (!known) {
          f.fail(field, "未知手续", "unknown approval");
          continue;
        }
        if (v.is_null()) continue;  // not required
        const std::string text = v.is_string() ? v.get<std::string>() : "";
        bool ok = text == "pending";
        if (!ok) try {
            platform::parse_date(text);
            ok = true;
          } catch (const Error&) {
          }
        if (!ok)
          f.fail(field, "应为办结日期 YYYY-MM-DD 或 pending", "must be a date YYYY-MM-DD or pending");
        else
          out[kind] = text;
      }
      in.approvals = out;
    }
  }
  if (!create) in.version = static_cast<int>(f.integer("version", 1, INT32_MAX));
  f.done();
  return in;
}

PlanInput parse_plan(const nlohmann::json& body) {
  platform::Fields f(body, {"planned_investment_wan", "planned_start_month", "milestones", "version"});
  PlanInput in;
  const auto* v = body.contains("planned_investment_wan") ? &body["planned_investment_wan"] : nullptr;
  const std::string text = v == nullptr ? "" : v->is_string() ? v->get<std::string>() : v->is_number() ? v->dump() : "";
  const auto yuan = parse_wan(text);
  if (!yuan || *yuan < 0)
    f.fail("planned_investment_wan", "应为非负金额（万元，至多 4 位小数）",
           "must be a non-negative amount in 10k yuan (at most 4 decimals)");
  else
    in.planned_investment = *yuan;
  if (auto m = f.opt_integer("planned_start_month", 1, 12)) in.planned_start_month = static_cast<int>(*m);
  if (body.contains("milestones")) {
    const auto& ms = body["milestones"];
    if (!ms.is_array() || ms.size() > 60) {
      f.fail("milestones", "应为数组（至多 60 项）", "must be an array of at most 60");
    } else {
      for (const auto& m : ms) {
        if (!m.is_object() || !m.contains("month") || !m["month"].is_number_integer() || m["month"].get<int>() < 1 ||
            m["month"].get<int>() > 12 || !m.contains("title") || !m["title"].is_string() ||
            m["title"].get<std::string>().empty() || platform::utf8_length(m["title"].get<std::string>()) > 100) {
          f.fail("milestones", "每个节点应有 month（1–12）和 title（至多 100 字）",
                 "each milestone needs a month (1-12) and a title (at most 100 characters)");
          break;
        }
        in.milestones.emplace_back(m["month"].get<int>(), m["title"].get<std::string>());
      }
    }
  }
  if (auto ver = f.opt_integer("version", 1, INT32_MAX)) in.version = static_cast<int>(*ver);
  f.done();
  return in;
}

std::vector<Project> ProjectService::list(const Principal& who, const ProjectFilter& filter) {
  if (!who.can("projects:read")) throw Error::forbidden();
  return rt_.db.read([&](soci::session& sql) {
    std::string where = "(" + project_scope(who) + ")";
    std::vector<std::string> binds;
    auto eq = [&](const char* column, const std::optional<std::string>& v) {
      if (!v) return;
      where += fmt::format(" AND {} = :b{}", column, binds.size());
      binds.push_back(*v);
    };
    eq("p.level", filter.level);
    eq("p.industry", filter.industry);
    eq("p.status", filter.status);
    if (filter.town_id) where += fmt::format(" AND p.town_id = {}", *filter.town_id);
    if (filter.unit_id)
      where += fmt::format(" AND p.id IN (SELECT project_id FROM prj_project_units WHERE department_id = {})",
                           *filter.unit_id);
    if (filter.q) {
      where += fmt::format(" AND (p.name LIKE :b{} ESCAPE '!' OR p.code LIKE :b{} ESCAPE '!')", binds.size(),
                           binds.size() + 1);
      binds.push_back(platform::contains_pattern(*filter.q));
      binds.push_back(platform::contains_pattern(*filter.q));
    }
    soci::statement st(sql);
    std::vector<Project> out;
    const std::string query = fmt::format("SELECT {} FROM prj_projects p WHERE {} ORDER BY p.id", kColumns, where);
    soci::row row;
    st.exchange(soci::into(row));
    for (auto& b : binds) st.exchange(soci::use(b));
    st.alloc();
    st.prepare(query);
    st.define_and_bind();
    st.execute(false);
    while (st.fetch()) out.push_back(project_of(row));
    if (filter.leader)
      std::erase_if(out, [&](const Project& p) {
        return std::find(p.leaders.begin(), p.leaders.end(), *filter.leader) == p.leaders.end();
      });
    load_co_units(sql, out);
    return out;
  });
}

Project ProjectService::get(const Principal& who, std::int64_t id) {
  if (!who.can("projects:read")) throw Error::forbidden();
  auto p = rt_.db.read([&](soci::session& sql) { return load(sql, id, project_scope(who)); });
  if (!p) throw Error::not_found("项目不存在", "no such project");
  return *p;
}

Project ProjectService::get_unscoped(std::int64_t id) {
  auto p = rt_.db.read([&](soci::session& sql) { return load(sql, id, "1 = 1"); });
  if (!p) throw Error::not_found("项目不存在", "no such project");
  return *p;
}

Project ProjectService::write_new(const platform::Actor& actor, const ProjectInput& in) {
  Project p;
  p.status = "preparation";
  apply(p, in);
  return rt_.db.write([&](Tx& tx) {
    check(tx.sql, p);
    if (p.code) {
      long long n = 0;
      tx.sql << "SELECT COUNT(*) FROM prj_projects WHERE code = :c", soci::use(*p.code), soci::into(n);
      if (n > 0)
        throw Error::conflict("duplicate", "项目代码已存在：" + *p.code, "a project has this code already: " + *p.code);
    }
    p.created_at = p.updated_at = platform::now_ms();
    platform::Nullable<std::string> code(p.code), ps(p.planned_start), as(p.actual_start), pc(p.planned_completion);
    platform::Nullable<long long> town(p.town_id), lu(p.leader_unit_id);
    long long lead = p.lead_unit_id, total = p.total_investment, at = p.created_at, id = 0;
    int sy = p.start_year, ey = p.end_year;
    const std::string leaders = join_leaders(p.leaders), approvals = join_approvals(p.approvals);
    tx.sql << "INSERT INTO prj_projects (name, code, level, industry, nature, town_id, content, lead_unit_id, leaders, "
              "leader_unit_id, owner_company, owner_contact, owner_phone, total_investment, start_year, end_year, "
              "planned_start, actual_start, planned_completion, status, approvals, created_at, updated_at) VALUES "
              "(:name, :code, :level, :industry, :nature, :town, :content, :lead, :leaders, :lu, :oc, :ocon, :oph, "
              ":total, :sy, :ey, :ps, :as, :pc, :status, :appr, :at, :at2) RETURNING id",
        soci::use(p.name), soci::use(code.value, code.ind), soci::use(p.level), soci::use(p.industry),
        soci::use(p.nature), soci::use(town.value, town.ind), soci::use(p.content), soci::use(lead), soci::use(leaders),
        soci::use(lu.value, lu.ind), soci::use(p.owner_company), soci::use(p.owner_contact), soci::use(p.owner_phone),
        soci::use(total), soci::use(sy), soci::use(ey), soci::use(ps.value, ps.ind), soci::use(as.value, as.ind),
        soci::use(pc.value, pc.ind), soci::use(p.status), soci::use(approvals), soci::use(at), soci::use(at),
        soci::into(id);
    p.id = id;
    write_units(tx, p);
    platform::audit_operation(tx, actor, "project", std::to_string(p.id), "create", nullptr, project_json(p, nullptr));
    rt_.bus.publish(tx, "projects.project.created", {{"project_id", p.id}});
    return p;
  });
}

Project ProjectService::create(const Principal& who, const platform::Actor& actor, const ProjectInput& in) {
  if (!who.can("projects:manage")) throw forbidden_manage();
  return write_new(actor, in);
}

Project ProjectService::add(const platform::Actor& actor, const ProjectInput& in) { return write_new(actor, in); }

Project ProjectService::update(const Principal& who, const platform::Actor& actor, std::int64_t id,
                               const ProjectInput& in) {
  if (!who.can("projects:manage")) throw forbidden_manage();
  const auto before = get(who, id);
  Project p = before;
  apply(p, in);
  return rt_.db.write([&](Tx& tx) {
    check(tx.sql, p);
    long long pid = id;
    if (p.code) {
      long long n = 0;
      tx.sql << "SELECT COUNT(*) FROM prj_projects WHERE code = :c AND id <> :id", soci::use(*p.code), soci::use(pid),
          soci::into(n);
      if (n > 0)
        throw Error::conflict("duplicate", "项目代码已存在：" + *p.code, "a project has this code already: " + *p.code);
    }
    p.updated_at = platform::now_ms();
    p.version = before.version + 1;
    platform::Nullable<std::string> code(p.code), ps(p.planned_start), as(p.actual_start), pc(p.planned_completion);
    platform::Nullable<long long> town(p.town_id), lu(p.leader_unit_id);
    long long lead = p.lead_unit_id, total = p.total_investment, at = p.updated_at;
    int sy = p.start_year, ey = p.end_year, version = *in.version;
    const std::string leaders = join_leaders(p.leaders), approvals = join_approvals(p.approvals);
    soci::statement st =
        (tx.sql.prepare << "UPDATE prj_projects SET name = :name, code = :code, level = :level, industry = :industry, "
                           "nature = :nature, town_id = :town, content = :content, lead_unit_id = :lead, leaders = "
                           ":leaders, leader_unit_id = :lu, owner_company = :oc, owner_contact = :ocon, owner_phone = "
                           ":oph, total_investment = :total, start_year = :sy, end_year = :ey, planned_start = :ps, "
                           "actual_start = :as, planned_completion = :pc, status = :status, approvals = :appr, "
                           "updated_at = :at, version = version + 1 WHERE id = :id AND version = :v",
         soci::use(p.name), soci::use(code.value, code.ind), soci::use(p.level), soci::use(p.industry),
         soci::use(p.nature), soci::use(town.value, town.ind), soci::use(p.content), soci::use(lead),
         soci::use(leaders), soci::use(lu.value, lu.ind), soci::use(p.owner_company), soci::use(p.owner_contact),
         soci::use(p.owner_phone), soci::use(total), soci::use(sy), soci::use(ey), soci::use(ps.value, ps.ind),
         soci::use(as.value, as.ind), soci::use(pc.value, pc.ind), soci::use(p.status), soci::use(approvals),
         soci::use(at), soci::use(pid), soci::use(version));
    st.execute(true);
    if (st.get_affected_rows() != 1)
      throw Error::conflict("stale", "项目已被他人修改，请刷新后重试",
                            "the project changed meanwhile; reload and retry");
    write_units(tx, p);
    platform::audit_operation(tx, actor, "project", std::to_string(id), "update", project_json(before, nullptr),
                              project_json(p, nullptr));
    rt_.bus.publish(tx, "projects.project.updated", {{"project_id", p.id}});
    return p;
  });
}

Plan ProjectService::plan(const Principal& who, std::int64_t project, int year) {
  get(who, project);  // scope
  return rt_.db.read([&](soci::session& sql) {
    Plan p;
    p.project_id = project;
    p.year = year;
    long long pid = project;
    int y = year;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT planned_investment, planned_start_month, version FROM prj_plans WHERE project_id = :p "
                        "AND year = :y",
         soci::use(pid), soci::use(y));
    for (const auto& r : rows) {
      p.planned_investment = platform::get_i64(r, 0);
      const auto m = platform::opt_i64(r, 1);
      if (m) p.planned_start_month = static_cast<int>(*m);
      p.version = static_cast<int>(platform::get_i64(r, 2));
    }
    soci::rowset<soci::row> ms = (sql.prepare << "SELECT id, month, title, reached_on FROM prj_milestones WHERE "
                                                 "project_id = :p AND year = :y ORDER BY month, id",
                                  soci::use(pid), soci::use(y));
    for (const auto& r : ms)
      p.milestones.push_back({platform::get_i64(r, 0), static_cast<int>(platform::get_i64(r, 1)),
                              platform::get_str(r, 2), platform::opt_str(r, 3)});
    return p;
  });
}

Plan ProjectService::set_plan(const Principal& who, const platform::Actor& actor, std::int64_t project, int year,
                              const PlanInput& in) {
  if (!who.can("projects:manage")) throw forbidden_manage();
  if (year < 1990 || year > 2100)
    throw Error::invalid("validation", "年份无效", "invalid year").on_field("year", "年份无效", "invalid year");
  const auto before = plan(who, project, year);
  if (before.version > 0 && in.version != before.version)
    throw Error::conflict("stale", "年度计划已被他人修改，请刷新后重试",
                          "the plan changed meanwhile; reload and retry");
  rt_.db.write([&](Tx& tx) {
    long long pid = project, planned = in.planned_investment, at = platform::now_ms();
    int y = year;
    platform::Nullable<int> start(in.planned_start_month);
    if (before.version == 0) {
      insert_plan(tx, project, year, in);
    } else {
      int v = before.version;
      soci::statement st = (tx.sql.prepare << "UPDATE prj_plans SET planned_investment = :i, planned_start_month = :s, "
                                              "updated_at = :a, version = version + 1 WHERE project_id = :p AND year "
                                              "= :y AND version = :v",
                            soci::use(planned), soci::use(start.value, start.ind), soci::use(at), soci::use(pid),
                            soci::use(y), soci::use(v));
      st.execute(true);
      if (st.get_affected_rows() != 1)
        throw Error::conflict("stale", "年度计划已被他人修改，请刷新后重试",
                              "the plan changed meanwhile; reload and retry");
      // Milestones: the reached ones stay; the others are replaced by the input.
      tx.sql << "DELETE FROM prj_milestones WHERE project_id = :p AND year = :y AND reached_on IS NULL", soci::use(pid),
          soci::use(y);
      put_milestones(tx, project, year, in.milestones);
    }
    nlohmann::json after = {{"planned_investment_yuan", in.planned_investment},
                            {"planned_start_month", in.planned_start_month ? nlohmann::json(*in.planned_start_month)
                                                                           : nlohmann::json(nullptr)},
                            {"milestones", in.milestones.size()}};
    platform::audit_operation(tx, actor, "project_plan", fmt::format("{}/{}", project, year),
                              before.version == 0 ? "create" : "update",
                              before.version == 0 ? nlohmann::json(nullptr) : plan_json(before), after);
    rt_.bus.publish(tx, "projects.plan.changed", {{"project_id", project}, {"year", year}});
  });
  return plan(who, project, year);
}

void ProjectService::insert_plan(Tx& tx, std::int64_t project, int year, const PlanInput& in) {
  long long pid = project, planned = in.planned_investment, at = platform::now_ms();
  int y = year;
  platform::Nullable<int> start(in.planned_start_month);
  tx.sql << "INSERT INTO prj_plans (project_id, year, planned_investment, planned_start_month, updated_at) VALUES "
            "(:p, :y, :i, :s, :a)",
      soci::use(pid), soci::use(y), soci::use(planned), soci::use(start.value, start.ind), soci::use(at);
  put_milestones(tx, project, year, in.milestones);
}

bool ProjectService::is_lead_unit(const Principal& who, const Project& p) {
  if (!who.department_id) return false;
  return rt_.db.read([&](soci::session& sql) {
    const auto path = platform::tree_path(sql, "departments", p.lead_unit_id);
    return !path.empty() && !who.department_path.empty() && path.rfind(who.department_path, 0) == 0;
  });
}

void ProjectService::reach_milestone(const Principal& who, const platform::Actor& actor, std::int64_t milestone,
                                     const std::string& date) {
  platform::parse_date(date);
  const auto m = rt_.db.read([&](soci::session& sql) {
    long long mid = milestone, project = 0;
    soci::indicator ind = soci::i_null;
    sql << "SELECT project_id FROM prj_milestones WHERE id = :id", soci::use(mid), soci::into(project, ind);
    return ind == soci::i_ok ? std::optional<std::int64_t>(project) : std::nullopt;
  });
  if (!m) throw Error::not_found("节点不存在", "no such milestone");
  const auto p = get(who, *m);
  if (!who.can("projects:manage") && !(who.can("projects:report") && is_lead_unit(who, p)))
    throw Error::forbidden("只有牵头单位或调度办可以确认节点", "only the lead unit or the office confirms milestones");
  rt_.db.write([&](Tx& tx) {
    long long mid = milestone;
    tx.sql << "UPDATE prj_milestones SET reached_on = :d WHERE id = :id", soci::use(date), soci::use(mid);
    platform::audit_operation(tx, actor, "project_milestone", std::to_string(milestone), "reach", nullptr,
                              {{"reached_on", date}});
  });
}

std::vector<std::pair<std::string, std::string>> ProjectService::industries() {
  return rt_.db.read([&](soci::session& sql) {
    std::vector<std::pair<std::string, std::string>> out;
    soci::rowset<soci::row> rows = sql.prepare << "SELECT code, name FROM prj_industries ORDER BY sort, code";
    for (const auto& r : rows) out.emplace_back(platform::get_str(r, 0), platform::get_str(r, 1));
    return out;
  });
}

void ProjectService::add_industry(const platform::Actor& actor, const std::string& code, const std::string& name,
                                  int sort) {
  rt_.db.write([&](Tx& tx) {
    long long n = 0;
    tx.sql << "SELECT COUNT(*) FROM prj_industries WHERE code = :c", soci::use(code), soci::into(n);
    if (n > 0) return;
    tx.sql << "INSERT INTO prj_industries (code, name, sort) VALUES (:c, :n, :s)", soci::use(code), soci::use(name),
        soci::use(sort);
    platform::audit_operation(tx, actor, "project_industry", code, "create", nullptr, {{"name", name}});
  });
}

}  // namespace ecity::projects
