#include "projects/colours.h"

#include "platform/calendar/working_hours.h"
#include "platform/db/row.h"
#include "platform/error.h"
#include "platform/runtime.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>

namespace ecity::projects {

namespace {

using ecity::Error;
using platform::Principal;
using platform::Tx;

// The last date of a month, YYYY-MM-DD.
std::string month_end(int year, int month) {
  using namespace std::chrono;
  const year_month_day_last last{std::chrono::year(year), month_day_last{std::chrono::month(unsigned(month))}};
  return platform::format_date(year_month_day{last});
}

struct Inputs {
  ProjectMonth month;
  std::vector<Colour> previous;              // base colours of months 1 … month-1 (green where none)
  std::optional<Colour> stored, last_month;  // the stored colours of this month and the month before
};

nlohmann::json reasons_json(const Verdict& v) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : v.reasons)
    out.push_back({{"dimension", dimension_code(r.dimension)},
                   {"dimension_name", dimension_zh(r.dimension)},
                   {"colour", colour_code(r.colour)},
                   {"measured", r.measured},
                   {"band", r.band}});
  return out;
}

}  // namespace

nlohmann::json summary_json(const EvaluationSummary& s) {
  return {{"year", s.year},     {"month", s.month}, {"projects", s.projects}, {"green", s.green},
          {"yellow", s.yellow}, {"red", s.red},     {"changed", s.changed},   {"rule_set", s.rule_set}};
}

std::vector<nlohmann::json> ColourService::templates() {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(templates_dir_, ec))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<nlohmann::json> out;
  for (const auto& f : files) {
    std::ifstream in(f);
    auto j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded()) {
      spdlog::warn("event=project_rule_template_unreadable file=\"{}\"", f.string());
      continue;
    }
    out.push_back(rule_set_json(parse_rule_set(j)));
  }
  return out;
}

RuleSet ColourService::rule_set(int year) {
  auto stored = rt_.db.read([&](soci::session& sql) -> std::optional<std::string> {
    std::string body;
    soci::indicator ind = soci::i_null;
    int y = year;
    sql << "SELECT body FROM prj_rule_sets WHERE year = :y", soci::use(y), soci::into(body, ind);
    return ind == soci::i_ok ? std::optional(body) : std::nullopt;
  });
  if (stored) return parse_rule_set(nlohmann::json::parse(*stored));
  const auto all = templates();
  if (all.empty())
    throw Error::unavailable("没有可用的预警规则模板（data/projects/rules）",
                             "no warning rule template found (data/projects/rules)");
  const auto set = parse_rule_set(all.front());
  rt_.db.write([&](Tx& tx) {
    int y = year;
    long long at = platform::now_ms();
    const std::string body = rule_set_json(set).dump();
    long long n = 0;
    tx.sql << "SELECT COUNT(*) FROM prj_rule_sets WHERE year = :y", soci::use(y), soci::into(n);
    if (n > 0) return;
    tx.sql << "INSERT INTO prj_rule_sets (year, code, name, body, updated_at) VALUES (:y, :c, :n, :b, :a)",
        soci::use(y), soci::use(set.code), soci::use(set.name), soci::use(body), soci::use(at);
    platform::audit_operation(tx, {std::nullopt, "system", ""}, "project_rule_set", std::to_string(year), "default",
                              nullptr, rule_set_json(set));
  });
  return set;
}

nlohmann::json ColourService::set_rule_set(const Principal& who, const platform::Actor& actor, int year,
                                           const nlohmann::json& body) {
  if (!who.can("projects:manage")) throw Error::forbidden("无权修改预警规则", "you may not change warning rules");
  if (year < 1990 || year > 2100)
    throw Error::invalid("validation", "年份无效", "invalid year").on_field("year", "无效");
  const auto set = parse_rule_set(body);
  const auto before = rule_set(year);
  std::vector<int> months;
  rt_.db.write([&](Tx& tx) {
    int y = year;
    long long at = platform::now_ms();
    const std::string text = rule_set_json(set).dump();
    tx.sql << "UPDATE prj_rule_sets SET code = :c, name = :n, body = :b, updated_at = :a, version = version + 1 "
              "WHERE year = :y",
        soci::use(set.code), soci::use(set.name), soci::use(text), soci::use(at), soci::use(y);
    platform::audit_operation(tx, actor, "project_rule_set", std::to_string(year), "update", rule_set_json(before),
                              rule_set_json(set));
    soci::rowset<int> rows =
        (tx.sql.prepare << "SELECT DISTINCT month FROM prj_colours WHERE year = :y ORDER BY month", soci::use(y));
    for (int m : rows) months.push_back(m);
  });
  nlohmann::json evaluated = nlohmann::json::array();
  for (int m : months) evaluated.push_back(summary_json(evaluate(year, m)));
  return {{"year", year}, {"rule_set", rule_set_json(set)}, {"evaluated", evaluated}};
}

EvaluationSummary ColourService::evaluate(const Principal& who, int year, int month) {
  if (!who.can("projects:manage")) throw Error::forbidden("无权执行预警评价", "you may not run the evaluation");
  if (year < 1990 || year > 2100 || month < 1 || month > 12)
    throw Error::invalid("validation", "年月无效", "invalid year or month").on_field("month", "无效");
  return evaluate(year, month);
}

EvaluationSummary ColourService::evaluate(int year, int month) {
  std::lock_guard lock(evaluating_);
  const auto rules = rule_set(year);
  const auto settings = reports_.settings();
  const auto now = platform::now_ms();
  const std::string end = month_end(year, month);
  std::map<std::int64_t, Inputs> all;
  rt_.db.read([&](soci::session& sql) {
    int y = year, m = month;
    soci::rowset<soci::row> plans =
        (sql.prepare << "SELECT p.id, p.status, p.actual_start, pl.planned_investment, pl.planned_start_month FROM "
                        "prj_projects p JOIN prj_plans pl ON pl.project_id = p.id WHERE pl.year = :y",
         soci::use(y));
    for (const auto& r : plans) {
      auto& in = all[platform::get_i64(r, 0)];
      const auto status = platform::get_str(r, 1);
      const auto actual = platform::opt_str(r, 2);
      in.month.month = month;
      in.month.planned = platform::get_i64(r, 3);
      const auto start = platform::opt_i64(r, 4);
      if (start) in.month.planned_start_month = static_cast<int>(*start);
      in.month.started = actual ? *actual <= end : (status != "preparation" && status != "suspended");
      in.previous.assign(static_cast<std::size_t>(month - 1), Colour::kGreen);
    }
    soci::rowset<soci::row> sums =
        (sql.prepare << "SELECT project_id, SUM(amount) FROM prj_reports WHERE year = :y AND month <= :m AND status = "
                        "'accepted' GROUP BY project_id",
         soci::use(y), soci::use(m));
    for (const auto& r : sums) {
      auto it = all.find(platform::get_i64(r, 0));
      if (it != all.end()) it->second.month.done = platform::get_i64(r, 1);
    }
    soci::rowset<soci::row> ms =
        (sql.prepare << "SELECT project_id, COUNT(*) FROM prj_milestones WHERE year = :y AND month <= :m AND "
                        "(reached_on IS NULL OR reached_on > :e) GROUP BY project_id",
         soci::use(y), soci::use(m), soci::use(end));
    for (const auto& r : ms) {
      auto it = all.find(platform::get_i64(r, 0));
      if (it != all.end()) it->second.month.milestones_overdue = static_cast<int>(platform::get_i64(r, 1));
    }
    // Reports missing: months up to this one whose lock has passed without a report in time.
    std::map<std::int64_t, std::map<int, std::int64_t>> submitted;
    soci::rowset<soci::row> reps =
        (sql.prepare << "SELECT project_id, month, submitted_at FROM prj_reports WHERE year = :y AND month <= :m",
         soci::use(y), soci::use(m));
    for (const auto& r : reps)
      submitted[platform::get_i64(r, 0)][static_cast<int>(platform::get_i64(r, 1))] = platform::get_i64(r, 2);
    for (auto& [id, in] : all) {
      int missing = 0;
      for (int k = 1; k <= month; ++k) {
        const auto lock_at = lock_instant(year, k, settings);
        if (lock_at > now) continue;
        auto s = submitted.find(id);
        const bool in_time = s != submitted.end() && s->second.count(k) > 0 && s->second.at(k) < lock_at;
        if (!in_time) ++missing;
      }
      in.month.reports_missing = missing;
    }
    soci::rowset<soci::row> colours =
        (sql.prepare << "SELECT project_id, month, base, colour FROM prj_colours WHERE year = :y AND month <= :m",
         soci::use(y), soci::use(m));
    for (const auto& r : colours) {
      auto it = all.find(platform::get_i64(r, 0));
      if (it == all.end()) continue;
      const int k = static_cast<int>(platform::get_i64(r, 1));
      const auto colour = colour_from(platform::get_str(r, 3)).value_or(Colour::kGreen);
      if (k < month)
        it->second.previous[static_cast<std::size_t>(k - 1)] =
            colour_from(platform::get_str(r, 2)).value_or(Colour::kGreen);
      if (k == month) it->second.stored = colour;
      if (k == month - 1) it->second.last_month = colour;
    }
  });
  EvaluationSummary out;
  out.year = year;
  out.month = month;
  out.rule_set = rules.code;
  rt_.db.write([&](Tx& tx) {
    long long at = now;
    int y = year, m = month;
    for (auto& [id, in] : all) {
      const auto v = projects::evaluate(rules, in.month, in.previous);
      ++out.projects;
      ++(v.colour == Colour::kGreen ? out.green : v.colour == Colour::kYellow ? out.yellow : out.red);
      auto reasons = reasons_json(v);
      if (v.escalated) reasons.push_back({{"escalation", *v.escalated}});
      const std::string colour(colour_code(v.colour)), base(colour_code(v.base)), text = reasons.dump();
      long long pid = id;
      tx.sql << "INSERT INTO prj_colours (project_id, year, month, colour, base, reasons, rule_set, evaluated_at) "
                "VALUES (:p, :y, :m, :c, :b, :r, :s, :a) ON CONFLICT (project_id, year, month) DO UPDATE SET colour = "
                "excluded.colour, base = excluded.base, reasons = excluded.reasons, rule_set = excluded.rule_set, "
                "evaluated_at = excluded.evaluated_at",
          soci::use(pid), soci::use(y), soci::use(m), soci::use(colour), soci::use(base), soci::use(text),
          soci::use(rules.code), soci::use(at);
      // What the project showed before: this month's earlier evaluation, else last month's colour.
      const Colour was = in.stored.value_or(in.last_month.value_or(Colour::kGreen));
      if (v.colour != was) {
        ++out.changed;
        rt_.bus.publish(tx, "projects.colour.changed",
                        {{"project_id", id},
                         {"year", year},
                         {"month", month},
                         {"colour", colour},
                         {"previous", colour_code(was)},
                         {"rule_set", rules.code}});
      }
    }
    platform::audit_operation(tx, {std::nullopt, "system", ""}, "project_colours", fmt::format("{}-{:02}", year, month),
                              "evaluate", nullptr, summary_json(out));
  });
  return out;
}

void ColourService::evaluate_due(std::int64_t now_ms) {
  const auto today = platform::local_date_of(now_ms);
  int year = static_cast<int>(today.year()), month = static_cast<int>(unsigned(today.month())) - 1;
  if (month == 0) {
    month = 12;
    --year;
  }
  if (now_ms < lock_instant(year, month, reports_.settings())) return;
  const bool due = rt_.db.read([&](soci::session& sql) {
    long long plans = 0, colours = 0;
    int y = year, m = month;
    sql << "SELECT COUNT(*) FROM prj_plans WHERE year = :y", soci::use(y), soci::into(plans);
    sql << "SELECT COUNT(*) FROM prj_colours WHERE year = :y AND month = :m", soci::use(y), soci::use(m),
        soci::into(colours);
    return plans > 0 && colours == 0;
  });
  if (!due) return;
  const auto s = evaluate(year, month);
  spdlog::info("event=project_colours_evaluated year={} month={} projects={} red={} yellow={} changed={}", s.year,
               s.month, s.projects, s.red, s.yellow, s.changed);
}

std::map<std::int64_t, std::pair<std::string, std::string>> ColourService::latest(
    const std::vector<std::int64_t>& ids) {
  std::map<std::int64_t, std::pair<std::string, std::string>> out;
  if (ids.empty()) return out;
  std::string list;
  for (auto id : ids) list += (list.empty() ? "" : ",") + std::to_string(id);
  rt_.db.read([&](soci::session& sql) {
    soci::rowset<soci::row> rows =
        sql.prepare << "SELECT c.project_id, c.year, c.month, c.colour FROM prj_colours c WHERE c.project_id IN (" +
                           list +
                           ") AND c.year * 100 + c.month = (SELECT MAX(d.year * 100 + d.month) FROM prj_colours d "
                           "WHERE d.project_id = c.project_id)";
    for (const auto& r : rows)
      out[platform::get_i64(r, 0)] = {platform::get_str(r, 3),
                                      fmt::format("{:04}-{:02}", platform::get_i64(r, 1), platform::get_i64(r, 2))};
  });
  return out;
}

nlohmann::json ColourService::history(const Principal& who, ProjectService& projects, std::int64_t project,
                                      std::optional<int> year) {
  projects.get(who, project);  // scope
  return rt_.db.read([&](soci::session& sql) {
    nlohmann::json items = nlohmann::json::array();
    long long pid = project;
    int y = year.value_or(0);
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT year, month, colour, base, reasons, rule_set, evaluated_at FROM prj_colours WHERE "
                        "project_id = :p AND (:y = 0 OR year = :y2) ORDER BY year DESC, month DESC",
         soci::use(pid), soci::use(y), soci::use(y));
    for (const auto& r : rows)
      items.push_back({{"year", platform::get_i64(r, 0)},
                       {"month", platform::get_i64(r, 1)},
                       {"colour", platform::get_str(r, 2)},
                       {"base", platform::get_str(r, 3)},
                       {"reasons", nlohmann::json::parse(platform::get_str(r, 4), nullptr, false)},
                       {"rule_set", platform::get_str(r, 5)},
                       {"evaluated_at", platform::get_i64(r, 6)}});
    return nlohmann::json{{"items", items}};
  });
}

}  // namespace ecity::projects
