#include "projects/overview.h"

#include "projects/colours.h"

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
  std::string reasons;  // stored (colours.h reasons_json), of a red colour
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
    throw Error::invalid("validation", "年份无效", "invalid year").on_field("year", "无效", "invalid");
  if (month < 1 || month > 12)
    throw Error::invalid("validation", "月份应为 1–12", "month must be 1-12").on_field("month", "无效", "invalid");
}

constexpr std::array<const char*, 3> kColours{"green", "yellow", "red"};

std::string month_end(int year, int month) { return fmt::format("{:04}-{:02}-31", year, month); }

}  // namespace

nlohmann::json progress_json(Yuan done, Yuan plan, int months) {
  return {{"completion", tenths(completion_percent(done, plan))},
          {"time_progress", tenths(time_progress_percent(months))},
          {"gap_points", tenths(gap_points(done, plan, months))}};
}

nlohmann::json OverviewService::overview(const Principal& who, int year, int month, std::size_t red_limit) {
  if (!who.can("projects:read")) throw Error::forbidden();
  check_period(year, month);
  const std::string scope = project_scope(who);
  std::vector<Row> rows;
  std::array<Yuan, 12> monthly{};
  std::map<std::string, std::string> industry_names;
  std::map<std::int64_t, std::string> town_names;
  rt_.db.read([&](soci::session& sql) {
    const std::string end = month_end(year, month);  // compared as text: any day of the month sorts before
    // Each month's accepted amount from the year figures (migration 0016): one row per project
    // gives its year to date and, summed here, the month-by-month totals.
    std::string months;
    for (int k = 1; k <= month; ++k) months += fmt::format(", COALESCE(f.a{}, 0)", k);
    {
      // Typed batches: soci::row's dynamic typing would cost more than the query on 10,000 rows.
      constexpr std::size_t kBatch = 4096;
      std::vector<long long> id(kBatch), town(kBatch), planned(kBatch), start(kBatch), started(kBatch), colour(kBatch);
      std::vector<std::vector<long long>> amounts(static_cast<std::size_t>(month), std::vector<long long>(kBatch));
      std::vector<std::string> name(kBatch), level(kBatch), industry(kBatch), leaders(kBatch), reasons(kBatch);
      soci::statement st(sql);
      st.exchange(soci::into(id));
      for (auto* v : {&name, &level, &industry}) st.exchange(soci::into(*v));
      st.exchange(soci::into(town));
      st.exchange(soci::into(leaders));
      for (auto* v : {&started, &planned, &start, &colour}) st.exchange(soci::into(*v));
      st.exchange(soci::into(reasons));
      for (auto& v : amounts) st.exchange(soci::into(v));
      st.alloc();
      st.prepare(fmt::format(
          "SELECT p.id, p.name, p.level, p.industry, COALESCE(p.town_id, 0), p.leaders, CASE WHEN p.actual_start IS "
          "NOT NULL THEN (CASE WHEN p.actual_start <= '{}' THEN 1 ELSE 0 END) WHEN p.status IN ('preparation', "
          "'suspended') THEN 0 ELSE 1 END, pl.planned_investment, COALESCE(pl.planned_start_month, 0), CASE c.colour "
          "WHEN 'green' THEN 1 WHEN 'yellow' THEN 2 WHEN 'red' THEN 3 ELSE 0 END, CASE WHEN c.colour = 'red' THEN "
          "c.reasons ELSE '' END{} FROM prj_projects p JOIN prj_plans pl ON pl.project_id = p.id AND pl.year = {} "
          "LEFT JOIN prj_year_figures f ON f.project_id = p.id AND f.year = {} LEFT JOIN prj_colours c ON "
          "c.project_id = p.id AND c.year = {} AND c.month = {} WHERE ({}) ORDER BY p.id",
          end, months, year, year, year, month, scope));
      st.define_and_bind();
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
          for (std::size_t k = 0; k < amounts.size(); ++k) {
            x.done += amounts[k][i];
            monthly[k] += amounts[k][i];
          }
          if (colour[i] > 0) x.colour = kColours[static_cast<std::size_t>(colour[i] - 1)];
          if (colour[i] == 3) x.reasons = std::move(reasons[i]);
          rows.push_back(std::move(x));
        }
        for (auto* v : {&id, &town, &planned, &start, &started, &colour}) v->resize(kBatch);
        for (auto& v : amounts) v.resize(kBatch);
        for (auto* v : {&name, &level, &industry, &leaders, &reasons}) v->resize(kBatch);
      }
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
  std::vector<const Row*> reds;
  for (const auto& r : rows) {
    add(total, r, month);
    add(by_industry[r.industry], r, month);
    add(by_level[r.level], r, month);
    add(by_town[r.town_id], r, month);
    for (const auto& l : r.leaders) add(by_leader[l], r, month);
    if (r.colour == "red") reds.push_back(&r);
  }
  // The red list, furthest behind first: at month m every project has the same time progress,
  // so the gap orders as the completion done ÷ planned, compared exactly (no plan: last).
  const auto behind = [](const Row* a, const Row* b) {
    if ((a->planned > 0) != (b->planned > 0)) return a->planned > 0;
    const __int128 x = static_cast<__int128>(a->done) * b->planned, y = static_cast<__int128>(b->done) * a->planned;
    return x != y ? x < y : a->id < b->id;
  };
  const auto listed = std::min(reds.size(), red_limit);
  std::partial_sort(reds.begin(), reds.begin() + static_cast<std::ptrdiff_t>(listed), reds.end(), behind);
  nlohmann::json red = nlohmann::json::array();
  for (std::size_t i = 0; i < listed; ++i) {
    const auto& r = *reds[i];
    auto j = progress_json(r.done, r.planned, month);
    j["project_id"] = r.id;
    j["name"] = r.name;
    j["leaders"] = r.leaders;
    j["reasons"] = reasons_json(r.reasons);
    red.push_back(std::move(j));
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
          {"red_list", red},
          {"red_total", reds.size()}};
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
