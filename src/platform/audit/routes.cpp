// HTTP ↔ operation and login logs (read and export only: the logs cannot be altered).
#include "platform/audit/audit_log.h"
#include "platform/audit/export.h"
#include "platform/calendar/working_hours.h"
#include "platform/error.h"
#include "platform/http/fields.h"
#include "platform/runtime.h"

#include <fmt/format.h>

namespace ecity::platform {

namespace {

// The most rows one export may hold; a larger result asks for a narrower filter rather
// than being cut short.
constexpr int kExportLimit = 100000;

std::optional<std::string> text_query(const Request& req, const std::string& key) {
  auto v = req.q(key);
  if (!v || v->empty()) return std::nullopt;
  if (utf8_length(*v) > 64) throw Error::invalid("validation", "参数 " + key + " 过长", "query parameter " + key + " too long");
  return v;
}

AuditQuery query_of(const Request& req, bool logins) {
  AuditQuery q;
  std::tie(q.page, q.size) = paging_of(req);
  q.username = text_query(req, "username");
  if (!logins) {
    q.entity = text_query(req, "entity");
    q.action = text_query(req, "action");
  } else if (auto s = text_query(req, "success")) {
    if (*s != "true" && *s != "false")
      throw Error::invalid("validation", "success 应为 true 或 false", "success must be true or false");
    q.success = *s == "true";
  }
  q.from_ms = int_query(req, "from");
  q.to_ms = int_query(req, "to");
  return q;
}

std::string when(std::int64_t ms) {
  // Shown in Asia/Shanghai, the business time zone.
  std::int64_t local = ms + 8 * 3600 * 1000LL;
  auto day = local_date_of(ms);
  std::int64_t sec_of_day = ((local / 1000) % 86400 + 86400) % 86400;
  return fmt::format("{} {:02}:{:02}:{:02}", format_date(day), sec_of_day / 3600, sec_of_day / 60 % 60, sec_of_day % 60);
}

std::string text(const nlohmann::json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

Page whole(Database& db, AuditQuery q, bool logins) {
  q.page = 1;
  q.size = 1;
  auto probe = logins ? query_logins(db, q) : query_operations(db, q);
  if (probe.total > kExportLimit)
    throw Error::invalid("export-too-large",
                         fmt::format("符合条件的记录有 {} 条，超过单次导出上限 {} 条，请缩小时间范围", probe.total, kExportLimit),
                         fmt::format("{} rows match, more than the export limit of {}; narrow the time range",
                                     probe.total, kExportLimit));
  q.size = kExportLimit;
  return logins ? query_logins(db, q) : query_operations(db, q);
}

}  // namespace

void add_audit_routes(Runtime& rt) {
  auto& r = rt.router;
  r.add({"GET", "/api/audit/operations", "audit:read", true, "audit", "Operation log (newest first, paged)",
         [&rt](const Request& req, const Principal*) {
           auto q = query_of(req, false);
           auto page = query_operations(rt.db, q);
           return Response::json(200, {{"items", page.items}, {"total", page.total}, {"page", q.page}, {"size", q.size}});
         }});
  r.add({"GET", "/api/audit/logins", "audit:read", true, "audit", "Login log (newest first, paged)",
         [&rt](const Request& req, const Principal*) {
           auto q = query_of(req, true);
           auto page = query_logins(rt.db, q);
           return Response::json(200, {{"items", page.items}, {"total", page.total}, {"page", q.page}, {"size", q.size}});
         }});
  r.add({"GET", "/api/audit/operations/export", "audit:read", true, "audit", "Export the operation log (format=csv|xlsx)",
         [&rt](const Request& req, const Principal*) {
           auto page = whole(rt.db, query_of(req, false), false);
           Table t{{"编号", "时间", "用户", "客户端地址", "对象", "对象编号", "操作", "操作前", "操作后"}, {}};
           for (const auto& e : page.items)
             t.rows.push_back({std::to_string(e["id"].get<std::int64_t>()), when(e["at"].get<std::int64_t>()),
                               text(e["username"]), text(e["client_ip"]), text(e["entity"]), text(e["entity_id"]),
                               text(e["action"]), text(e["before"]), text(e["after"])});
           return export_response(req, std::move(t), "operations");
         }});
  r.add({"GET", "/api/audit/logins/export", "audit:read", true, "audit", "Export the login log (format=csv|xlsx)",
         [&rt](const Request& req, const Principal*) {
           auto page = whole(rt.db, query_of(req, true), true);
           Table t{{"编号", "时间", "用户名", "客户端地址", "浏览器", "结果", "原因"}, {}};
           for (const auto& e : page.items)
             t.rows.push_back({std::to_string(e["id"].get<std::int64_t>()), when(e["at"].get<std::int64_t>()),
                               text(e["username"]), text(e["client_ip"]), text(e["user_agent"]),
                               e["success"].get<bool>() ? "成功" : "失败", text(e["reason"])});
           return export_response(req, std::move(t), "logins");
         }});
}

}  // namespace ecity::platform
