#include "projects/dispatch.h"

#include "projects/overview.h"

#include "platform/calendar/working_hours.h"
#include "platform/db/row.h"
#include "platform/error.h"
#include "platform/runtime.h"

#include <fmt/format.h>

#include <map>

namespace ecity::projects {

namespace {

using ecity::Error;
using platform::Principal;
using platform::Tx;

const std::map<std::string, std::string>& level_names() {
  static const std::map<std::string, std::string> k = {
      {"provincial", "省重点"}, {"city", "市重点"}, {"county", "区重点"}};
  return k;
}
const std::map<std::string, std::string>& nature_names() {
  static const std::map<std::string, std::string> k = {{"new", "新建"}, {"continued", "续建"}, {"expansion", "扩建"}};
  return k;
}
const std::map<std::string, std::string>& colour_names() {
  static const std::map<std::string, std::string> k = {{"green", "绿"}, {"yellow", "黄"}, {"red", "红"}};
  return k;
}

std::string tenths_text(const nlohmann::json& v) {
  if (!v.is_number()) return "";
  return fmt::format("{:.1f}", v.get<double>());  // the value was rounded to one decimal already
}

}  // namespace

const std::vector<std::string>& dispatch_header() {
  static const std::vector<std::string> k = {"序号",
                                             "项目名称",
                                             "项目代码",
                                             "项目级别",
                                             "产业类别",
                                             "建设性质",
                                             "所在镇街",
                                             "牵头单位",
                                             "帮包领导",
                                             "总投资（万元）",
                                             "年度计划投资（万元）",
                                             "本月完成投资（万元）",
                                             "年度累计完成投资（万元）",
                                             "完成年度计划（%）",
                                             "序时进度（%）",
                                             "超/低于序时进度（百分点）",
                                             "形象进度",
                                             "存在问题",
                                             "预警"};
  return k;
}

platform::Table DispatchService::table(const Principal& who, int year, int month) {
  if (!who.can("projects:read")) throw Error::forbidden();
  if (year < 1990 || year > 2100 || month < 1 || month > 12)
    throw Error::invalid("validation", "年月无效", "invalid year or month").on_field("month", "无效", "invalid");
  platform::Table t;
  t.header = dispatch_header();
  t.numeric = std::vector<bool>(t.header.size(), false);
  for (std::size_t c : {0, 9, 10, 11, 12, 13, 14, 15}) t.numeric[c] = true;
  rt_.db.read([&](soci::session& sql) {
    int y = year, m = month;
    soci::rowset<soci::row> rows =
        (sql.prepare << fmt::format(
             "SELECT p.id, p.name, p.code, p.level, p.industry, p.nature, rg.name, d.name, p.leaders, "
             "p.total_investment, pl.planned_investment, (SELECT r.amount FROM prj_reports r WHERE r.project_id = p.id "
             "AND r.year = :y1 AND r.month = :m1 AND r.status = 'accepted'), (SELECT SUM(r.amount) FROM prj_reports r "
             "WHERE r.project_id = p.id AND r.year = :y2 AND r.month <= :m2 AND r.status = 'accepted'), (SELECT "
             "r.progress FROM prj_reports r WHERE r.project_id = p.id AND r.year = :y3 AND r.month = :m3), (SELECT "
             "r.problems FROM prj_reports r WHERE r.project_id = p.id AND r.year = :y4 AND r.month = :m4), (SELECT "
             "c.colour FROM prj_colours c WHERE c.project_id = p.id AND c.year = :y5 AND c.month = :m5), i.name FROM "
             "prj_projects p JOIN prj_plans pl ON pl.project_id = p.id AND pl.year = :y6 LEFT JOIN regions rg ON rg.id "
             "= p.town_id LEFT JOIN departments d ON d.id = p.lead_unit_id LEFT JOIN prj_industries i ON i.code = "
             "p.industry WHERE ({}) ORDER BY p.id",
             project_scope(who)),
         soci::use(y), soci::use(m), soci::use(y), soci::use(m), soci::use(y), soci::use(m), soci::use(y), soci::use(m),
         soci::use(y), soci::use(m), soci::use(y));
    std::size_t n = 0;
    for (const auto& r : rows) {
      const auto month_amount = platform::opt_i64(r, 11);
      const auto ytd = platform::opt_i64(r, 12).value_or(0);
      const auto plan = platform::get_i64(r, 10);
      const auto progress = progress_json(ytd, plan, month);
      const auto colour = platform::opt_str(r, 15);
      auto name_of = [](const std::map<std::string, std::string>& names, const std::string& code) {
        auto it = names.find(code);
        return it == names.end() ? code : it->second;
      };
      t.rows.push_back(
          {std::to_string(++n), platform::get_str(r, 1), platform::opt_str(r, 2).value_or(""),
           name_of(level_names(), platform::get_str(r, 3)), platform::opt_str(r, 16).value_or(platform::get_str(r, 4)),
           name_of(nature_names(), platform::get_str(r, 5)), platform::opt_str(r, 6).value_or(""),
           platform::opt_str(r, 7).value_or(""), platform::get_str(r, 8), format_wan(platform::get_i64(r, 9)),
           format_wan(plan), month_amount ? format_wan(*month_amount) : "", format_wan(ytd),
           tenths_text(progress["completion"]), tenths_text(progress["time_progress"]),
           tenths_text(progress["gap_points"]), platform::opt_str(r, 13).value_or(""),
           platform::opt_str(r, 14).value_or(""), colour ? name_of(colour_names(), *colour) : ""});
    }
  });
  return t;
}

DispatchImportResult DispatchService::import(const Principal& who, const platform::Actor& actor, int year, int month,
                                             std::string_view bytes) {
  if (!who.can("projects:review")) throw Error::forbidden("无权导入调度表", "you may not import the dispatch table");
  if (year < 1990 || year > 2100 || month < 1 || month > 12)
    throw Error::invalid("validation", "年月无效", "invalid year or month").on_field("month", "无效", "invalid");
  const auto today = platform::local_date_of(platform::now_ms());
  if (year * 12 + month > static_cast<int>(today.year()) * 12 + static_cast<int>(unsigned(today.month())))
    throw Error::invalid("validation", "不能导入未来月份", "the month has not come yet")
        .on_field("month", "未来月份", "a future month");
  const auto rows = platform::read_table_upload(bytes);
  if (rows.empty()) throw Error::invalid("table-invalid", "表格为空", "the table is empty");
  // Columns by their header; the code (or the name) and the month's amount are needed.
  std::map<std::string, std::size_t> at;
  for (std::size_t c = 0; c < rows[0].size(); ++c) at.emplace(rows[0][c], c);
  const std::string kCode = "项目代码", kName = "项目名称", kAmount = "本月完成投资（万元）", kProgress = "形象进度",
                    kProblems = "存在问题";
  if (!at.count(kAmount) || (!at.count(kCode) && !at.count(kName)))
    throw Error::invalid("table-invalid", "第 1 行（表头）须有「项目代码」或「项目名称」，以及「本月完成投资（万元）」",
                         "row 1 (the header) needs 项目代码 or 项目名称, and 本月完成投资（万元）");
  auto cell = [&](const std::vector<std::string>& row, const std::string& column) -> std::string {
    auto it = at.find(column);
    return it == at.end() || it->second >= row.size() ? "" : row[it->second];
  };
  DispatchImportResult result;
  return rt_.db.write([&](Tx& tx) {
    std::map<std::string, std::pair<std::int64_t, Yuan>> by_code, by_name;  // id, total investment
    soci::rowset<soci::row> ps =
        tx.sql.prepare << fmt::format("SELECT p.id, p.code, p.name, p.total_investment FROM prj_projects p WHERE {}",
                                      project_scope(who));
    for (const auto& r : ps) {
      const std::pair<std::int64_t, Yuan> v{platform::get_i64(r, 0), platform::get_i64(r, 3)};
      if (auto code = platform::opt_str(r, 1)) by_code[*code] = v;
      by_name[platform::get_str(r, 2)] = v;
    }
    std::map<std::int64_t, std::size_t> seen;
    const auto now = platform::now_ms();
    const auto settings = reports_.settings();
    for (std::size_t i = 1; i < rows.size(); ++i) {
      const std::size_t line = i + 1;
      const auto& row = rows[i];
      const auto code = cell(row, kCode), name = cell(row, kName), amount_text = cell(row, kAmount);
      if (code.empty() && name.empty() && amount_text.empty()) continue;  // a blank or a total row
      ++result.rows;
      const auto* hit = !code.empty() && by_code.count(code)   ? &by_code[code]
                        : !name.empty() && by_name.count(name) ? &by_name[name]
                                                               : nullptr;
      if (hit == nullptr)
        throw platform::table_cell_error(line, code.empty() ? kName : kCode,
                                         "没有这个项目（或不在您的范围内）：" + (code.empty() ? name : code),
                                         "no such project in your scope: " + (code.empty() ? name : code));
      if (amount_text.empty()) {
        ++result.skipped;
        continue;
      }
      const auto amount = parse_wan(amount_text);
      if (!amount || *amount < 0)
        throw platform::table_cell_error(line, kAmount, "应为非负金额（万元，至多 4 位小数）：" + amount_text,
                                         "must be a non-negative amount in 10k yuan: " + amount_text);
      if (*amount > hit->second)
        throw platform::table_cell_error(line, kAmount, "超过项目总投资", "exceeds the project's total investment");
      if (auto [it, fresh] = seen.emplace(hit->first, line); !fresh)
        throw platform::table_cell_error(line, kCode, fmt::format("与第 {} 行是同一个项目", it->second),
                                         fmt::format("the same project as row {}", it->second));
      long long pid = hit->first, a = *amount;
      int y = year, m = month;
      long long stored = 0;
      std::string status;
      soci::indicator ind = soci::i_null;
      tx.sql << "SELECT amount, status FROM prj_reports WHERE project_id = :p AND year = :y AND month = :m",
          soci::use(pid), soci::use(y), soci::use(m), soci::into(stored, ind), soci::into(status);
      if (ind == soci::i_ok) {
        if (status == "submitted")
          throw Error::conflict("pending", fmt::format("第 {} 行：该项目本月月报待审核，请先在控制台审核", line),
                                fmt::format("row {}: the project's report of the month waits for review", line));
        if (status == "accepted" && stored == a) {
          ++result.unchanged;
          continue;
        }
        throw Error::conflict(
            "duplicate", fmt::format("第 {} 行：该项目本月已有不同的月报（请在控制台更正）", line),
            fmt::format("row {}: the project has another report of the month (correct it instead)", line));
      }
      AcceptedReport rep;
      rep.project = hit->first;
      rep.year = year;
      rep.month = month;
      rep.amount = *amount;
      rep.progress = cell(row, kProgress);
      rep.problems = cell(row, kProblems);
      rep.note = "调度表导入";
      rep.by = who.user_id;
      rep.submitted_at = rep.accepted_at = now;
      const auto id = ReportService::put_accepted(tx, rep, settings);
      rt_.bus.publish(tx, "projects.report.accepted",
                      {{"report_id", *id}, {"project_id", hit->first}, {"year", year}, {"month", month}});
      ++result.added;
    }
    platform::audit_operation(
        tx, actor, "project_report", fmt::format("dispatch/{}-{:02}", year, month), "import", nullptr,
        {{"rows", result.rows}, {"added", result.added}, {"unchanged", result.unchanged}, {"skipped", result.skipped}});
    return result;
  });
}

}  // namespace ecity::projects
