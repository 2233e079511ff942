#include "economy/module.h"

#include "platform/audit/export.h"
#include "platform/calendar/working_hours.h"
#include "platform/error.h"
#include "platform/runtime.h"

#include <fmt/format.h>

#include <filesystem>

namespace ecity::economy {

using platform::Principal;
using platform::Request;
using platform::Response;

namespace {

std::string param(const Request& req, const std::string& key) {
  const auto it = req.params.find(key);
  return it == req.params.end() ? "" : it->second;
}

// The month of ?period= (default: last month in Asia/Shanghai, the latest that can be published).
Period month_of(const Request& req) {
  if (auto text = req.q("period")) {
    const auto p = parse_period(Frequency::kMonthly, *text);
    if (!p)
      throw Error::invalid("validation", "期别应为月份，如 2022-09", "the period is a month such as 2022-09")
          .on_field("period", "无效", "invalid");
    return *p;
  }
  const auto today = platform::local_date_of(platform::now_ms());
  const int y = static_cast<int>(today.year()), m = static_cast<int>(unsigned(today.month()));
  return m == 1 ? Period{y - 1, 12} : Period{y, m - 1};
}

std::string required(const Request& req, const std::string& key) {
  auto v = req.q(key);
  if (!v || v->empty())
    throw Error::invalid("validation", "缺少参数 " + key, "the parameter " + key + " is required")
        .on_field(key, "必填", "required");
  return *v;
}

nlohmann::json area_json(const Area& a, const Principal& who) {
  return {{"code", a.code},
          {"name", a.name},
          {"kind", a.kind},
          {"ranked", a.ranked},
          {"can_enter", FigureService::can_enter(who, a)}};
}

}  // namespace

std::vector<platform::PermissionInfo> EconomyModule::permissions() const {
  return {
      {"economy:read", "查看经济运行数据", "View economic statistics"},
      {"economy:enter", "填报、导入经济运行数据", "Enter and import economic figures"},
      {"economy:manage", "维护经济指标目录", "Manage the indicator catalogue"},
  };
}

std::vector<platform::RoleGrant> EconomyModule::role_grants() const {
  return {
      {"leader", "", "", {"economy:read"}},
      {"town_admin", "", "", {"economy:read", "economy:enter"}},
      {"statistics_officer", "统计员", "all", {"economy:read", "economy:enter", "economy:manage", "org:read"}},
  };
}

void EconomyModule::prepare(platform::Runtime& rt) {
  // The shipped catalogue sits beside the calendar under data/ (data/economy).
  const auto data = std::filesystem::path(rt.config.calendar.file).parent_path().parent_path();
  figures_ = std::make_unique<FigureService>(rt, data.string());
  figures_->seed();
  tables_ = std::make_unique<TableService>(*figures_);
}

void EconomyModule::register_routes(platform::Runtime& rt) {
  auto& r = rt.router;
  auto& figures = *figures_;
  auto& tables = *tables_;
  const std::string tag = "economy";

  r.add({"GET", "/api/economy/indicators", "economy:read", true, tag,
         "The indicator catalogue: unit, price basis (current, comparable, physical), frequency, year to date or "
         "not, growth only, decimals, owning department",
         [&figures](const Request&, const Principal*) {
           const auto names = figures.department_names();
           nlohmann::json items = nlohmann::json::array();
           for (const auto& i : *figures.indicators()) {
             auto j = indicator_json(i);
             const auto it = names.find(i.department);
             j["department_name"] = it == names.end() ? nlohmann::json(nullptr) : nlohmann::json(it->second);
             items.push_back(std::move(j));
           }
           return Response::json(200, {{"items", items}});
         }});
  r.add({"POST", "/api/economy/indicators", "economy:manage", true, tag,
         "Add an indicator {code, name, name_en, unit, price_basis, frequency, cumulative, growth_only, decimals, "
         "department}",
         [&figures](const Request& req, const Principal* who) {
           const auto in = parse_indicator(req.json_object());
           return Response::json(201, indicator_json(figures.add_indicator(*who, platform::actor_of(req, who), in)));
         }});
  r.add({"GET", "/api/economy/areas", "economy:read", true, tag,
         "The district, its towns and the prefecture's peer areas; can_enter: whether the caller may enter figures",
         [&figures](const Request&, const Principal* who) {
           nlohmann::json items = nlohmann::json::array(), district = nullptr;
           for (const auto& a : figures.areas()) {
             if (!FigureService::can_read(*who, a)) continue;
             if (a.kind == "district") district = {{"code", a.code}, {"name", a.name}};
             items.push_back(area_json(a, *who));
           }
           return Response::json(200, {{"district", district}, {"group", figures.group_name()}, {"items", items}});
         }});
  r.add({"GET", "/api/economy/values", "economy:read", true, tag,
         "The figures of indicator= for area= in year=, by period",
         [&figures](const Request& req, const Principal* who) {
           const auto code = required(req, "indicator"), area_code = required(req, "area");
           const auto year = platform::int_query(req, "year");
           if (!year || *year < 1990 || *year > 2100)
             throw Error::invalid("validation", "年份应为 1990–2100", "the year must be 1990-2100")
                 .on_field("year", "无效", "invalid");
           const auto ind = figures.indicator(code);
           const auto a = figures.area(area_code);
           nlohmann::json items = nlohmann::json::array();
           for (const auto& f : figures.figures(*who, code, area_code, static_cast<int>(*year)))
             items.push_back(figure_json(f, ind, a.name));
           return Response::json(200,
                                 {{"indicator", indicator_json(ind)}, {"area", area_json(a, *who)}, {"items", items}});
         }});
  r.add({"PUT", "/api/economy/values/{indicator}/{area}/{period}", "economy:enter", true, tag,
         "Enter a figure {value, growth, unit, source, caliber}: the value in the indicator's unit (none for a "
         "growth-only indicator), the published growth in percent; a growth contradicting the totals is stored and "
         "flagged (warnings); the same figure again changes nothing (changed: false)",
         [&figures](const Request& req, const Principal* who) {
           const auto ind = figures.indicator(param(req, "indicator"));
           const auto r = figures.put(*who, platform::actor_of(req, who), ind.code, param(req, "area"),
                                      param(req, "period"), req.json_object());
           nlohmann::json warnings = nlohmann::json::array();
           for (const auto& w : r.warnings)
             warnings.push_back({{"code", w.code}, {"message", w.zh}, {"message_en", w.en}});
           return Response::json(200, {{"item", figure_json(r.figure, ind, figures.area(r.figure.area).name)},
                                       {"changed", r.changed},
                                       {"warnings", warnings}});
         }});
  r.add(
      {"GET", "/api/economy/values/{indicator}/{area}/{period}/history", "economy:read", true, tag,
       "Every revision of a figure, newest first: value, growth, caliber, source, how (entry, import, demo), who, when",
       [&figures](const Request& req, const Principal* who) {
         const auto ind = figures.indicator(param(req, "indicator"));
         nlohmann::json items = nlohmann::json::array();
         for (const auto& h : figures.history(*who, ind.code, param(req, "area"), param(req, "period")))
           items.push_back(
               {{"revision", h.revision},
                {"value", h.value ? nlohmann::json(format_value(*h.value, ind.decimals)) : nlohmann::json(nullptr)},
                {"growth", h.growth ? nlohmann::json(format_value(*h.growth, growth_decimals(*h.growth)))
                                    : nlohmann::json(nullptr)},
                {"caliber", h.caliber},
                {"source", h.source},
                {"via", h.via},
                {"changed_by", h.changed_by},
                {"changed_at", h.changed_at}});
         return Response::json(200, {{"items", items}});
       }});
  r.add(
      {"POST", "/api/economy/import", "economy:enter", true, tag,
       "Load figures from a CSV or XLSX body (columns 指标代码, 地区代码, 期别, 数值, 单位, 同比增长(%), 口径, 来源): "
       "all rows or none; errors name the row and column; rows already stored as given are unchanged",
       [&figures](const Request& req, const Principal* who) {
         const auto r = figures.import(*who, platform::actor_of(req, who), req.body);
         nlohmann::json conflicts = nlohmann::json::array();
         for (const auto& c : r.conflicts)
           conflicts.push_back({{"row", c.row}, {"indicator", c.indicator}, {"area", c.area}, {"period", c.period}});
         return Response::json(200, {{"rows", r.rows},
                                     {"added", r.added},
                                     {"revised", r.revised},
                                     {"unchanged", r.unchanged},
                                     {"conflicts", conflicts}});
       }});
  r.add(
      {"GET", "/api/economy/import/template", "economy:enter", true, tag,
       "The import template as format=csv (default) or xlsx, with one example row",
       [](const Request& req, const Principal*) {
         platform::Table t;
         t.header = import_header();
         t.rows.push_back({"budget_revenue", "370404000000", "2022-09", "9.24", "亿元", "1.4", "自然口径", "区财政局"});
         return platform::export_response(req, t, "经济数据导入模板");
       }});
  r.add({"GET", "/api/economy/table", "economy:read", true, tag,
         "The growth and rank table of period= (a month, default last month) for area= (default the district): "
         "value, growth (published or computed), 当月/当季, two-year average, share, rank among peers and its change",
         [&tables](const Request& req, const Principal* who) {
           return Response::json(200, tables.table(*who, month_of(req), req.q("area").value_or("")));
         }});
  r.add({"GET", "/api/economy/ranking", "economy:read", true, tag,
         "The prefecture's peer areas ranked on indicator= at period= (of the indicator's frequency), ties sharing a "
         "place",
         [&tables](const Request& req, const Principal* who) {
           return Response::json(200, tables.ranking(*who, required(req, "indicator"), required(req, "period")));
         }});
  r.add({"GET", "/api/economy/bulletin", "economy:read", true, tag,
         "The monthly bulletin (经济运行简报) of period= (a month, default last month): the district's table, the "
         "peers, the towns, the year's growth trend and the notes",
         [&tables](const Request& req, const Principal* who) {
           return Response::json(200, tables.bulletin(*who, month_of(req)));
         }});
  r.add({"GET", "/api/economy/bulletin.xlsx", "economy:read", true, tag,
         "The monthly bulletin of period= as an XLSX workbook (主要指标, 各区（市）, 镇街)",
         [&tables](const Request& req, const Principal* who) {
           const auto month = month_of(req);
           Response res;
           res.body = tables.bulletin_xlsx(*who, month);
           res.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
           res.headers.emplace_back("Content-Disposition",
                                    platform::content_disposition(
                                        fmt::format("经济运行简报-{}.xlsx", period_text(Frequency::kMonthly, month))));
           return res;
         }});
}

}  // namespace ecity::economy
