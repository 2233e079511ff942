// HTTP ↔ working-day calendar: read days, and local adjustments by administrators.
#include "platform/audit/audit_log.h"
#include "platform/calendar/store.h"
#include "platform/calendar/working_hours.h"
#include "platform/error.h"
#include "platform/http/fields.h"
#include "platform/runtime.h"

namespace ecity::platform {

namespace {
std::chrono::year_month_day date_query(const Request& req, const std::string& key) {
  auto v = req.q(key);
  if (!v) throw Error::invalid("validation", "缺少参数 " + key, "missing query parameter " + key);
  return parse_date(*v);
}
}  // namespace

void add_calendar_routes(Runtime& rt) {
  auto& r = rt.router;
  r.add({"GET", "/api/calendar/days", "", true, "calendar", "Working day or not, per date (from, to: YYYY-MM-DD, at most 366 days)",
         [&rt](const Request& req, const Principal*) {
           auto from = date_query(req, "from");
           auto to = date_query(req, "to");
           auto span = (std::chrono::sys_days(to) - std::chrono::sys_days(from)).count();
           if (span < 0 || span > 366)
             throw Error::invalid("validation", "日期范围应为 0–366 天", "the range must span 0 to 366 days");
           auto cal = rt.calendar();
           nlohmann::json items = nlohmann::json::array();
           for (auto d = std::chrono::sys_days(from); d <= std::chrono::sys_days(to); d += std::chrono::days(1)) {
             auto info = cal->describe(d);
             items.push_back({{"date", format_date(d)}, {"working", info.working}, {"label", info.label}});
           }
           return Response::json(200, {{"items", items}});
         }});
  r.add({"POST", "/api/calendar/adjustments", "calendar:write", true, "calendar",
         "Set a local adjustment: a date becomes working or non-working",
         [&rt](const Request& req, const Principal* who) {
           auto body = req.json_object();
           Fields f(body, {"date", "working", "reason"});
           auto date_text = f.str("date", 10);
           auto reason = f.str("reason", 200);
           bool working = false;
           if (!body.contains("working") || !body["working"].is_boolean()) f.fail("working", "应为布尔值", "must be a boolean");
           else working = body["working"].get<bool>();
           f.done();
           auto date = parse_date(date_text);
           if (!rt.calendar()->contains(date))
             throw Error::invalid("calendar-out-of-range", "该日期不在日历覆盖的年份内", "the date is outside the calendar's years");
           rt.db.write([&](Tx& tx) {
             save_adjustment(tx.sql, {date, working, reason}, who->user_id, now_ms());
             audit_operation(tx, actor_of(req, who), "calendar", format_date(date), "adjust", nullptr,
                             {{"date", format_date(date)}, {"working", working}, {"reason", reason}});
           });
           rt.reload_calendar_adjustments();
           return Response::json(200, {{"date", format_date(date)}, {"working", working}, {"reason", reason}});
         }});
  r.add({"GET", "/api/calendar/adjustments", "", true, "calendar", "The district's local adjustments, by date",
         [&rt](const Request&, const Principal*) {
           nlohmann::json items = nlohmann::json::array();
           for (const auto& a : rt.calendar()->adjustments())
             items.push_back({{"date", format_date(a.date)}, {"working", a.working}, {"reason", a.reason}});
           return Response::json(200, {{"items", items}});
         }});
  r.add({"DELETE", "/api/calendar/adjustments/{date}", "calendar:write", true, "calendar",
         "Remove a local adjustment: the date follows the national calendar again",
         [&rt](const Request& req, const Principal* who) {
           auto date = parse_date(req.params.at("date"));
           rt.db.write([&](Tx& tx) {
             auto removed = delete_adjustment(tx.sql, date);
             if (!removed)
               throw Error::not_found("该日期没有本地调整", "no local adjustment on " + format_date(date));
             audit_operation(tx, actor_of(req, who), "calendar", format_date(date), "unadjust",
                             {{"date", format_date(date)}, {"working", removed->working}, {"reason", removed->reason}},
                             nullptr);
           });
           rt.reload_calendar_adjustments();
           return Response::no_content();
         }});
}

}  // namespace ecity::platform
