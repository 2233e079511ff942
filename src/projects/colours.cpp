#include "projects/colours.h"

#include "platform/calendar/working_hours.h"
#include "platform/db/row.h"
#include "platform/error.h"
#include "platform/runtime.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
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
  std::string stored_as;                     // this month's stored "base|rule set|reasons", if any
};

// The reasons as stored, compactly (a colour is stored for every project and month: 100,000 rows
// in a province's evaluation): a JSON array with one array per dimension,
// [dimension, measure, colour, measured, band], and ["escalation", rule] when one fired.
// Written with fmt rather than built as JSON: every value is one of our codes, numbers or band
// texts, none of which needs escaping. reasons_json() gives the API's form.
std::string reasons_text(const Verdict& v) {
  std::string out = "[";
  for (const auto& r : v.reasons) {
    if (out.size() > 1) out += ',';
    fmt::format_to(std::back_inserter(out), R"(["{}","{}","{}","{}","{}"])", dimension_code(r.dimension),
                   measure_code(r.measure), colour_code(r.colour), r.measured, r.band);
  }
  if (v.escalated)
    fmt::format_to(std::back_inserter(out), R"({}["escalation","{}"])", out.size() > 1 ? "," : "", *v.escalated);
  out += ']';
  return out;
}

}  // namespace

nlohmann::json reasons_json(std::string_view stored) {
  auto j = nlohmann::json::parse(stored, nullptr, false);
  nlohmann::json out = nlohmann::json::array();
  if (!j.is_array()) return out;
  for (auto& r : j) {
    if (!r.is_array()) {  // stored before the compact form: already the API's
      out.push_back(std::move(r));
    } else if (r.size() == 2 && r[0] == "escalation") {
      out.push_back({{"escalation", r[1]}});
    } else if (r.size() == 5 && r[0].is_string()) {
      const auto code = r[0].get<std::string>();
      std::string name = code;
      for (auto d : {Dimension::kStart, Dimension::kInvestment, Dimension::kMilestones, Dimension::kReporting})
        if (dimension_code(d) == code) name = dimension_zh(d);
      out.push_back({{"dimension", code},
                     {"dimension_name", name},
                     {"measure", r[1]},
                     {"colour", r[2]},
                     {"measured", r[3]},
                     {"band", r[4]}});
    }
  }
  return out;
}

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
  return parse_rule_set(all.front());
}

void ColourService::store_rule_set(Tx& tx, const platform::Actor& actor, int year, const RuleSet& set,
                                   const std::optional<RuleSet>& before) {
  int y = year;
  long long at = platform::now_ms();
  const std::string body = rule_set_json(set).dump();
  tx.sql << "DELETE FROM prj_rule_sets WHERE year = :y", soci::use(y);
  tx.sql << "INSERT INTO prj_rule_sets (year, code, name, body, updated_at) VALUES (:y, :c, :n, :b, :a)", soci::use(y),
      soci::use(set.code), soci::use(set.name), soci::use(body), soci::use(at);
  platform::audit_operation(tx, actor, "project_rule_set", std::to_string(year), before ? "update" : "default",
                            before ? rule_set_json(*before) : nlohmann::json(nullptr), rule_set_json(set));
}

nlohmann::json ColourService::set_rule_set(const Principal& who, const platform::Actor& actor, int year,
                                           const nlohmann::json& body) {
  if (!who.can("projects:manage")) throw Error::forbidden("无权修改预警规则", "you may not change warning rules");
  if (year < 1990 || year > 2100)
    throw Error::invalid("validation", "年份无效", "invalid year").on_field("year", "无效", "invalid");
  const auto set = parse_rule_set(body);
  const auto before = rule_set(year);
  std::vector<int> months;
  rt_.db.write([&](Tx& tx) {
    int y = year;
    store_rule_set(tx, actor, year, set, before);
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
    throw Error::invalid("validation", "年月无效", "invalid year or month").on_field("month", "无效", "invalid");
  const auto today = platform::local_date_of(platform::now_ms());
  if (year * 12 + month > static_cast<int>(today.year()) * 12 + static_cast<int>(unsigned(today.month())))
    throw Error::invalid("validation", "不能评价未来的月份", "the month has not come yet")
        .on_field("month", "未来月份", "a future month");
  return evaluate(year, month);
}

EvaluationSummary ColourService::evaluate(int year, int month) {
  std::lock_guard lock(evaluating_);
  const auto rules = rule_set(year);
  const bool stored = rt_.db.read([&](soci::session& sql) {
    long long n = 0;
    int y = year;
    sql << "SELECT COUNT(*) FROM prj_rule_sets WHERE year = :y", soci::use(y), soci::into(n);
    return n > 0;
  });
  if (!stored)  // the set a year was first evaluated under is kept as the one in force
    rt_.db.write([&](Tx& tx) { store_rule_set(tx, {std::nullopt, "system", ""}, year, rules, std::nullopt); });
  const auto settings = reports_.settings();
  const auto now = platform::now_ms();
  const std::string end = month_end(year, month);
  bool again = false;  // the month has colours already
  // Every project with a plan that year, in id order: its colours are written in key order.
  std::vector<std::pair<std::int64_t, Inputs>> all;
  const auto find = [&all](std::int64_t id) -> Inputs* {
    auto it = std::lower_bound(all.begin(), all.end(), id, [](const auto& e, std::int64_t k) { return e.first < k; });
    return it != all.end() && it->first == id ? &it->second : nullptr;
  };
  rt_.db.read([&](soci::session& sql) {
    // Integers only, in typed batches (platform::for_each_int_row); year, month and the date are
    // ours, spliced.
    all.reserve(4096);
    // Each project with a plan that year and its year figures (one row per project: migration
    // 0016): the year to date, and the reporting — a month's report is missing once its lock has
    // passed without a first submission before it.
    std::string done = "0", in_time = "0";
    int locked = 0;
    for (int k = 1; k <= month; ++k) {
      done += fmt::format(" + f.a{}", k);
      const auto lock_at = lock_instant(year, k, settings);
      if (lock_at > now) continue;
      ++locked;
      in_time += fmt::format(" + CASE WHEN f.s{} < {} THEN 1 ELSE 0 END", k, lock_at);
    }
    // The colours of the months escalations look back on (the month before at least, for the
    // change) and of this month (stored: evaluated before), each looked up by its key.
    int back = 1;
    for (const auto& e : rules.escalations) back = std::max(back, e.consecutive - 1);
    const int first = std::max(1, month - back);
    std::string colours, joins;
    for (int k = first; k <= month; ++k) {
      fmt::format_to(std::back_inserter(colours),
                     ", CASE c{0}.base WHEN 'green' THEN 0 WHEN 'yellow' THEN 1 WHEN 'red' THEN 2 ELSE -1 END, CASE "
                     "c{0}.colour WHEN 'green' THEN 0 WHEN 'yellow' THEN 1 WHEN 'red' THEN 2 ELSE -1 END",
                     k);
      fmt::format_to(
          std::back_inserter(joins),
          " LEFT JOIN prj_colours c{0} ON c{0}.project_id = p.id AND c{0}.year = pl.year AND c{0}.month = {0}", k);
    }
    platform::for_each_int_row(
        sql,
        fmt::format("SELECT p.id, CASE WHEN p.actual_start IS NOT NULL THEN (CASE WHEN p.actual_start <= '{}' THEN 1 "
                    "ELSE 0 END) WHEN p.status IN ('preparation', 'suspended') THEN 0 ELSE 1 END, "
                    "pl.planned_investment, COALESCE(pl.planned_start_month, 0), COALESCE({}, 0), COALESCE({}, 0){} "
                    "FROM prj_projects p JOIN prj_plans pl ON pl.project_id = p.id LEFT JOIN prj_year_figures f ON "
                    "f.project_id = p.id AND f.year = pl.year{} WHERE pl.year = {} ORDER BY p.id",
                    end, done, in_time, colours, joins, year),
        static_cast<std::size_t>(6 + 2 * (month - first + 1)), [&](const std::vector<long long>& r) {
          auto& in = all.emplace_back(r[0], Inputs{}).second;
          in.month.month = month;
          in.month.started = r[1] == 1;
          in.month.planned = r[2];
          if (r[3] > 0) in.month.planned_start_month = static_cast<int>(r[3]);
          in.month.done = r[4];
          in.month.reports_missing = locked - static_cast<int>(r[5]);
          in.previous.assign(static_cast<std::size_t>(month - 1), Colour::kGreen);
          for (int k = first; k <= month; ++k) {
            const auto at = static_cast<std::size_t>(6 + 2 * (k - first));
            if (r[at + 1] < 0) continue;  // not evaluated
            const auto colour = static_cast<Colour>(r[at + 1]);
            if (k < month) in.previous[static_cast<std::size_t>(k - 1)] = static_cast<Colour>(r[at]);
            if (k == month) in.stored = colour;
            if (k == month - 1) in.last_month = colour;
          }
        });
    auto each = [&](const std::string& query, std::size_t columns, const auto& fn) {
      platform::for_each_int_row(sql, query, columns, [&](const std::vector<long long>& r) {
        if (auto* in = find(r[0])) fn(*in, r);
      });
    };
    each(fmt::format("SELECT project_id, COUNT(*) FROM prj_milestones WHERE year = {} AND month <= {} AND (reached_on "
                     "IS NULL OR reached_on > '{}') GROUP BY project_id",
                     year, month, end),
         2, [](Inputs& in, const std::vector<long long>& r) { in.month.milestones_overdue = static_cast<int>(r[1]); });
    // A month evaluated before: what is stored, so that only colours whose decision changed are
    // written again.
    again = std::any_of(all.begin(), all.end(), [](const auto& e) { return e.second.stored.has_value(); });
    if (again) {
      constexpr std::size_t kBatch = 4096;
      std::vector<long long> id(kBatch);
      std::vector<std::string> as(kBatch);
      soci::statement st(sql);
      st.exchange(soci::into(id));
      st.exchange(soci::into(as));
      st.alloc();
      st.prepare(
          fmt::format("SELECT c.project_id, c.base || '|' || c.rule_set || '|' || c.reasons FROM prj_plans pl JOIN "
                      "prj_colours c ON c.project_id = pl.project_id AND c.year = pl.year AND c.month = {} WHERE "
                      "pl.year = {}",
                      month, year));
      st.define_and_bind();
      for (bool more = st.execute(true); more; more = st.fetch()) {
        for (std::size_t i = 0; i < id.size(); ++i)
          if (auto* in = find(id[i])) in->stored_as = std::move(as[i]);
        id.resize(kBatch);
        as.resize(kBatch);
      }
    }
  });
  EvaluationSummary out;
  out.year = year;
  out.month = month;
  out.rule_set = rules.code;
  // The decisions are made on a second thread, a chunk at a time, while this one writes the
  // chunks already decided: at 100,000 projects deciding and formatting the reasons takes about
  // a quarter of the time of writing them.
  struct Decided {
    Colour colour = Colour::kGreen, base = Colour::kGreen;
    std::string text;
  };
  constexpr std::size_t kChunk = 8192;
  const std::size_t chunks = (all.size() + kChunk - 1) / kChunk;
  std::vector<Decided> decided(all.size());
  std::vector<std::promise<void>> ready(chunks);
  std::vector<std::shared_future<void>> decided_up_to;
  for (auto& r : ready) decided_up_to.push_back(r.get_future().share());
  std::atomic<bool> stop{false};
  auto decider = std::async(std::launch::async, [&] {
    for (std::size_t c = 0; c < chunks; ++c) {
      try {
        for (std::size_t i = c * kChunk; i < std::min(all.size(), (c + 1) * kChunk) && !stop; ++i) {
          const auto v = projects::evaluate(rules, all[i].second.month, all[i].second.previous);
          decided[i] = {v.colour, v.base, reasons_text(v)};
        }
        ready[c].set_value();
      } catch (...) {
        for (; c < chunks; ++c) ready[c].set_exception(std::current_exception());
        return;
      }
    }
  });
  // Whatever happens to the write, the decider stops before what it fills goes away.
  struct Join {
    std::atomic<bool>& stop;
    std::future<void>& f;
    ~Join() {
      stop = true;
      f.wait();
    }
  } join{stop, decider};
  rt_.db.write([&](Tx& tx) {
    long long pid = 0;
    std::string colour, base, text;
    // A month evaluated for the first time only inserts (evaluations are serialised: evaluating_).
    // The year, month and time are the same for every row and ours: spliced, fewer bindings.
    soci::statement upsert =
        (tx.sql.prepare << fmt::format("INSERT INTO prj_colours (project_id, year, month, colour, base, reasons, "
                                       "rule_set, evaluated_at) VALUES (:p, {}, {}, :c, :b, :r, :s, {}){}",
                                       year, month, now,
                                       again ? " ON CONFLICT (project_id, year, month) DO UPDATE SET colour = "
                                               "excluded.colour, base = excluded.base, reasons = excluded.reasons, "
                                               "rule_set = excluded.rule_set, evaluated_at = excluded.evaluated_at"
                                             : ""),
         soci::use(pid), soci::use(colour), soci::use(base), soci::use(text), soci::use(rules.code));
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (i % kChunk == 0) decided_up_to[i / kChunk].get();  // rethrows what the decider threw
      const auto id = all[i].first;
      const auto& in = all[i].second;
      auto& v = decided[i];
      ++out.projects;
      ++(v.colour == Colour::kGreen ? out.green : v.colour == Colour::kYellow ? out.yellow : out.red);
      colour = colour_code(v.colour);
      base = colour_code(v.base);
      text = std::move(v.text);
      pid = id;
      // Unchanged decisions keep their row (and the time they were made).
      if (!(in.stored == v.colour && in.stored_as.size() == base.size() + rules.code.size() + text.size() + 2 &&
            in.stored_as == fmt::format("{}|{}|{}", base, rules.code, text)))
        upsert.execute(true);
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
    // Asked every minute: both stop at the first row found (the colours by their key, from the plans).
    sql << "SELECT COUNT(*) FROM (SELECT 1 FROM prj_plans WHERE year = :y LIMIT 1) AS any_plan", soci::use(y),
        soci::into(plans);
    sql << "SELECT COUNT(*) FROM (SELECT 1 FROM prj_plans pl JOIN prj_colours c ON c.project_id = pl.project_id AND "
           "c.year = pl.year AND c.month = :m WHERE pl.year = :y LIMIT 1) AS any_colour",
        soci::use(m), soci::use(y), soci::into(colours);
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
                       {"reasons", reasons_json(platform::get_str(r, 4))},
                       {"rule_set", platform::get_str(r, 5)},
                       {"evaluated_at", platform::get_i64(r, 6)}});
    return nlohmann::json{{"items", items}};
  });
}

}  // namespace ecity::projects
