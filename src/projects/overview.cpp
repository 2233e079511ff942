#include "projects/overview.h"

#include "platform/db/row.h"
#include "platform/error.h"
#include "platform/numeric/decimal.h"
#include "platform/runtime.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <unordered_map>

namespace ecity::projects {

namespace {

using ecity::Error;
using platform::Principal;

struct Row {
  std::int64_t id = 0;
  std::string name, level, industry, status;
  std::optional<std::int64_t> town_id;
  std::vector<std::string> leaders;
  bool started = false;
  std::optional<int> planned_start_month;
  Yuan planned = 0, done = 0;
  std::optional<std::string> colour;
  nlohmann::json reasons;
};

struct Acc {
  int projects = 0, started = 0, planned_starts = 0, started_of_planned = 0;
  Yuan planned = 0, done = 0;
  std::array<int, 4> colours{};  // green, yellow, red, none
};

void add(Acc& a, const Row& r, int month) {
  ++a.projects;
  a.planned += r.planned;
  a.done += r.done;
  if (r.started) ++a.started;
  if (r.planned_start_month && *r.planned_start_month <= month) {
    ++a.planned_starts;
    if (r.started) ++a.started_of_planned;
  }
  const std::size_t c = !r.colour ? 3 : *r.colour == "green" ? 0 : *r.colour == "yellow" ? 1 : 2;
  ++a.colours[c];
}

nlohmann::json tenths(std::optional<Fraction> f) {
  if (!f) return nullptr;
  return static_cast<double>(f->rounded(1)) / 10.0;
}

nlohmann::json acc_json(const Acc& a, int month) {
  auto j = progress_json(a.done, a.planned, month);
  j["projects"] = a.projects;
  j["planned_yuan"] = a.planned;
  j["done_yuan"] = a.done;
  j["started"] = a.started;
  j["planned_starts"] = a.planned_starts;
  j["started_of_planned"] = a.started_of_planned;
  j["colours"] = {{"green", a.colours[0]}, {"yellow", a.colours[1]}, {"red", a.colours[2]}, {"none", a.colours[3]}};
  return j;
}

void check_period(int year, int month) {
  if (year < 1990 || year > 2100)
    throw Error::invalid("validation", "年份无效", "invalid year").on_field("year", "无效");
  if (month < 1 || month > 12)
    throw Error::invalid("validation", "月份应为 1–12", "month must be 1-12").on_field("month", "无效");
}

std::string month_end(int year, int month) { return fmt::format("{:04}-{:02}-31", year, month); }

}  // namespace

nlohmann::json progress_json(Yuan done, Yuan plan, int months) {
  return {{"completion", tenths(completion_percent(done, plan))},
          {"time_progress", tenths(time_progress_percent(months))},
          {"gap_points", tenths(gap_points(done, plan, months))}};
}

nlohmann::json OverviewService::overview(const Principal& who, int year, int month) {
  if (!who.can("projects:read")) throw Error::forbidden();
  check_period(year, month);
  const std::string scope = project_scope(who);
  std::vector<Row> rows;
  std::array<Yuan, 12> monthly{};
  std::map<std::string, std::string> industry_names;
  std::map<std::int64_t, std::string> town_names;
  rt_.db.read([&](soci::session& sql) {
    int y = year, m = month;
    const std::string end = month_end(year, month);  // compared as text: any day of the month sorts before
    std::unordered_map<std::int64_t, std::size_t> at;
    {
      // Typed batches: soci::row's dynamic typing would cost more than the query on 10,000 rows.
      constexpr std::size_t kBatch = 4096;
      std::vector<long long> id(kBatch), town(kBatch), planned(kBatch), start(kBatch), started(kBatch);
      std::vector<std::string> name(kBatch), level(kBatch), industry(kBatch), leaders(kBatch);
      soci::statement st =
          (sql.prepare << fmt::format("SELECT p.id, p.name, p.level, p.industry, COALESCE(p.town_id, 0), p.leaders, "
                                      "CASE WHEN p.actual_start IS NOT NULL THEN (CASE WHEN p.actual_start <= '{}' "
                                      "THEN 1 ELSE 0 END) WHEN p.status IN ('preparation', 'suspended') THEN 0 ELSE 1 "
                                      "END, pl.planned_investment, COALESCE(pl.planned_start_month, 0) FROM "
                                      "prj_projects p JOIN prj_plans pl ON pl.project_id = p.id AND pl.year = {} WHERE "
                                      "({}) ORDER BY p.id",
                                      end, year, scope),
           soci::into(id), soci::into(name), soci::into(level), soci::into(industry), soci::into(town),
           soci::into(leaders), soci::into(started), soci::into(planned), soci::into(start));
      for (bool more = st.execute(true); more; more = st.fetch()) {
        for (std::size_t i = 0; i < id.size(); ++i) {
          Row x;
          x.id = id[i];
          x.name = std::move(name[i]);
          x.level = std::move(level[i]);
          x.industry = std::move(industry[i]);
          if (town[i] != 0) x.town_id = town[i];
          x.leaders = split_leaders(leaders[i]);
          x.started = started[i] == 1;
          x.planned = planned[i];
          if (start[i] > 0) x.planned_start_month = static_cast<int>(start[i]);
          at[x.id] = rows.size();
          rows.push_back(std::move(x));
        }
        for (auto* v : {&id, &town, &planned, &start, &started}) v->resize(kBatch);
        for (auto* v : {&name, &level, &industry, &leaders}) v->resize(kBatch);
      }
    }
    // Two sums over the covering index: each project's year to date, and each month's total.
    // Not correlated: the year is a checked integer, spliced.
    const std::string in_scope = fmt::format(
        "r.project_id IN (SELECT p.id FROM prj_projects p JOIN prj_plans pl ON pl.project_id = p.id AND pl.year = {} "
        "WHERE {})",
        year, scope);
    platform::for_each_int_row(
        sql,
        fmt::format("SELECT r.project_id, SUM(r.amount) FROM prj_reports r WHERE r.year = {} AND r.status = "
                    "'accepted' AND r.month <= {} AND {} GROUP BY r.project_id",
                    year, month, in_scope),
        2, [&](const std::vector<long long>& r) {
          auto it = at.find(r[0]);
          if (it != at.end()) rows[it->second].done = r[1];
        });
    platform::for_each_int_row(
        sql,
        fmt::format("SELECT r.month, SUM(r.amount) FROM prj_reports r WHERE r.year = {} AND r.status = 'accepted' AND "
                    "r.month <= {} AND {} GROUP BY r.month",
                    year, month, in_scope),
        2, [&](const std::vector<long long>& r) { monthly[static_cast<std::size_t>(r[0] - 1)] = r[1]; });
    soci::rowset<soci::row> cs =
        (sql.prepare << "SELECT project_id, colour, CASE WHEN colour = 'red' THEN reasons ELSE '' END FROM prj_colours "
                        "WHERE year = :y AND month = :m",
         soci::use(y), soci::use(m));
    for (const auto& r : cs) {
      auto it = at.find(platform::get_i64(r, 0));
      if (it == at.end()) continue;
      rows[it->second].colour = platform::get_str(r, 1);
      if (rows[it->second].colour == "red")
        rows[it->second].reasons = nlohmann::json::parse(platform::get_str(r, 2), nullptr, false);
    }
    soci::rowset<soci::row> is = sql.prepare << "SELECT code, name FROM prj_industries";
    for (const auto& r : is) industry_names[platform::get_str(r, 0)] = platform::get_str(r, 1);
    soci::rowset<soci::row> ts =
        sql.prepare << "SELECT id, name FROM regions WHERE id IN (SELECT DISTINCT town_id FROM prj_projects)";
    for (const auto& r : ts) town_names[platform::get_i64(r, 0)] = platform::get_str(r, 1);
  });

  Acc total;
  std::map<std::string, Acc> by_industry, by_level, by_leader;
  std::map<std::optional<std::int64_t>, Acc> by_town;
  nlohmann::json red = nlohmann::json::array();
  for (const auto& r : rows) {
    add(total, r, month);
    add(by_industry[r.industry], r, month);
    add(by_level[r.level], r, month);
    add(by_town[r.town_id], r, month);
    for (const auto& l : r.leaders) add(by_leader[l], r, month);
    if (r.colour == "red") {
      auto j = progress_json(r.done, r.planned, month);
      j["project_id"] = r.id;
      j["name"] = r.name;
      j["leaders"] = r.leaders;
      j["reasons"] = r.reasons;
      red.push_back(std::move(j));
    }
  }
  auto groups = [&](const auto& map, const auto& label) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& [key, acc] : map) {
      auto j = acc_json(acc, month);
      label(j, key);
      out.push_back(std::move(j));
    }
    std::stable_sort(out.begin(), out.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
      return a["planned_yuan"].get<Yuan>() > b["planned_yuan"].get<Yuan>();
    });
    return out;
  };
  nlohmann::json series = nlohmann::json::array();
  Yuan cumulative = 0;
  for (int k = 1; k <= 12; ++k) {
    const auto amount = monthly[static_cast<std::size_t>(k - 1)];
    cumulative += amount;
    series.push_back({{"month", k},
                      {"amount_yuan", k <= month ? nlohmann::json(amount) : nlohmann::json(nullptr)},
                      {"cumulative_yuan", k <= month ? nlohmann::json(cumulative) : nlohmann::json(nullptr)},
                      {"plan_line_yuan", platform::round_half_even(total.planned * k, 12)}});
  }
  return {{"year", year},
          {"month", month},
          {"total", acc_json(total, month)},
          {"by_industry", groups(by_industry,
                                 [&](nlohmann::json& j, const std::string& k) {
                                   j["industry"] = k;
                                   j["name"] = industry_names.count(k) ? industry_names[k] : k;
                                 })},
          {"by_level", groups(by_level, [](nlohmann::json& j, const std::string& k) { j["level"] = k; })},
          {"by_town", groups(by_town,
                             [&](nlohmann::json& j, const std::optional<std::int64_t>& k) {
                               j["town_id"] = k ? nlohmann::json(*k) : nlohmann::json(nullptr);
                               j["name"] = k && town_names.count(*k) ? nlohmann::json(town_names[*k]) : nullptr;
                             })},
          {"by_leader", groups(by_leader, [](nlohmann::json& j, const std::string& k) { j["leader"] = k; })},
          {"monthly", series},
          {"red_list", red}};
}

nlohmann::json OverviewService::project_year(const Principal& who, std::int64_t project, int year, int month) {
  check_period(year, month);
  const auto plan = projects_.plan(who, project, year);
  std::array<std::optional<Yuan>, 12> amounts{};
  std::optional<std::string> colour;
  rt_.db.read([&](soci::session& sql) {
    long long pid = project;
    int y = year, m = month;
    soci::rowset<soci::row> rs = (sql.prepare << "SELECT month, amount FROM prj_reports WHERE project_id = :p AND year "
                                                 "= :y AND status = 'accepted'",
                                  soci::use(pid), soci::use(y));
    for (const auto& r : rs) amounts[static_cast<std::size_t>(platform::get_i64(r, 0) - 1)] = platform::get_i64(r, 1);
    std::string c;
    soci::indicator ind = soci::i_null;
    sql << "SELECT colour FROM prj_colours WHERE project_id = :p AND year = :y AND month = :m", soci::use(pid),
        soci::use(y), soci::use(m), soci::into(c, ind);
    if (ind == soci::i_ok) colour = c;
  });
  nlohmann::json series = nlohmann::json::array();
  Yuan cumulative = 0, done = 0;
  for (int k = 1; k <= 12; ++k) {
    const auto a = amounts[static_cast<std::size_t>(k - 1)];
    cumulative += a.value_or(0);
    if (k <= month) done = cumulative;
    series.push_back({{"month", k},
                      {"amount_yuan", a ? nlohmann::json(*a) : nlohmann::json(nullptr)},
                      {"cumulative_yuan", k <= month ? nlohmann::json(cumulative) : nlohmann::json(nullptr)},
                      {"plan_line_yuan", platform::round_half_even(plan.planned_investment * k, 12)}});
  }
  auto j = progress_json(done, plan.planned_investment, month);
  j["year"] = year;
  j["month"] = month;
  j["plan"] = plan_json(plan);
  j["done_yuan"] = done;
  j["monthly"] = series;
  j["colour"] = colour ? nlohmann::json(*colour) : nlohmann::json(nullptr);
  return j;
}

}  // namespace ecity::projects
