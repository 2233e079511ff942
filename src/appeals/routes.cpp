// HTTP ↔ appeals service: request shapes in, JSON views out. No rules here.
#include "appeals/module.h"
#include "appeals/route_parts.h"

#include "platform/audit/export.h"
#include "platform/auth/masking.h"
#include "platform/calendar/working_hours.h"
#include "platform/error.h"
#include "platform/http/fields.h"
#include "platform/runtime.h"

#include <fmt/format.h>

#include <cmath>

namespace ecity::appeals {

using platform::Fields;
using platform::Principal;
using platform::Request;
using platform::Response;

namespace {

template <typename E>
E enum_field(Fields& f, const nlohmann::json& body, const std::string& name, std::optional<E> fallback) {
  if (!body.contains(name) || body[name].is_null()) {
    if (fallback) return *fallback;
    f.fail(name, "必填", "is required");
    return E{};
  }
  auto text = f.str(name, 32);
  auto v = parse<E>(text);
  if (!v) {
    std::string options;
    for (auto x : all<E>()) options += (options.empty() ? "" : ", ") + std::string(code(x));
    f.fail(name, "取值无效，可选：" + options, "invalid value; one of: " + options);
    return E{};
  }
  return *v;
}

std::optional<double> coordinate(Fields& f, const nlohmann::json& body, const std::string& name, double lo, double hi) {
  if (!body.contains(name) || body[name].is_null()) return std::nullopt;
  if (!body[name].is_number() || !std::isfinite(body[name].get<double>()) || body[name].get<double>() < lo ||
      body[name].get<double>() > hi) {
    f.fail(name, "坐标无效", "invalid coordinate");
    return std::nullopt;
  }
  return body[name].get<double>();
}

bool flag(Fields& f, const nlohmann::json& body, const std::string& name) {
  if (!body.contains(name) || body[name].is_null()) return false;
  if (!body[name].is_boolean()) {
    f.fail(name, "应为布尔值", "must be a boolean");
    return false;
  }
  return body[name].get<bool>();
}

}  // namespace

NewAppeal parse_new(const nlohmann::json& body) {
  Fields f(body, {"channel", "type", "category_id", "urgency", "caller_name", "caller_phone", "anonymous",
                  "confidential", "content", "address", "lng", "lat", "region_id", "tags"});
  NewAppeal in;
  in.channel = enum_field<Channel>(f, body, "channel", std::nullopt);
  in.type = enum_field<AppealType>(f, body, "type", std::nullopt);
  in.urgency = enum_field<Urgency>(f, body, "urgency", Urgency::kNormal);
  in.category_id = f.integer("category_id", 1, INT64_MAX);
  in.anonymous = flag(f, body, "anonymous");
  in.confidential = flag(f, body, "confidential");
  in.caller_name = f.opt_str("caller_name", 64).value_or("");
  in.caller_phone = f.opt_str("caller_phone", 20).value_or("");
  if (!in.anonymous && !body.contains("caller_name"))
    f.fail("caller_name", "非匿名诉求须填写来电人姓名", "required unless anonymous");
  if (!in.caller_phone.empty()) {
    bool ok = in.caller_phone.size() >= 5;
    for (char c : in.caller_phone) ok = ok && ((c >= '0' && c <= '9') || c == '-' || c == '+');
    if (!ok) f.fail("caller_phone", "电话号码格式不正确", "not a phone number");
  } else if (!in.anonymous && !body.contains("caller_phone")) {
    f.fail("caller_phone", "非匿名诉求须填写联系电话", "required unless anonymous");
  }
  in.content = f.str("content", 4000, 5);
  in.address = f.opt_str("address", 200).value_or("");
  in.lng = coordinate(f, body, "lng", -180, 180);
  in.lat = coordinate(f, body, "lat", -90, 90);
  if (in.lng.has_value() != in.lat.has_value()) f.fail("lng", "经纬度须同时填写", "give both lng and lat");
  in.region_id = f.opt_id("region_id");
  in.tags = f.str_list("tags", 20, 10);
  f.done();
  return in;
}

namespace {

ActionInput parse_action(Action action, const nlohmann::json& body) {
  Fields f(body,
           {"note", "lead_department_id", "lead_region_id", "co_department_ids", "region_id", "extra_days", "text",
            "result", "reached", "solved", "satisfaction", "level", "due_date", "master_id", "attachment_ids"});
  ActionInput in;
  in.action = action;
  in.note = f.opt_str("note", 1000).value_or("");
  in.lead_department_id = f.opt_id("lead_department_id");
  in.lead_region_id = f.opt_id("lead_region_id");
  if (body.contains("co_department_ids")) in.co_department_ids = f.id_list("co_department_ids", 10);
  in.region_id = f.opt_id("region_id");
  if (auto d = f.opt_integer("extra_days", 1, 60)) in.extra_days = static_cast<int>(*d);
  in.text = f.opt_str("text", 4000);
  if (body.contains("result") && !body["result"].is_null())
    in.result = enum_field<ReplyResult>(f, body, "result", std::nullopt);
  if (action == Action::kCallback) {
    CallbackOutcome o;
    if (!body.contains("reached")) f.fail("reached", "必填", "is required");
    o.reached = flag(f, body, "reached");
    o.solved = flag(f, body, "solved");
    if (body.contains("satisfaction") && !body["satisfaction"].is_null())
      o.satisfaction = enum_field<Satisfaction>(f, body, "satisfaction", std::nullopt);
    in.callback = o;
  }
  in.supervise_level = f.opt_str("level", 16);
  in.supervise_due_date = f.opt_str("due_date", 10);
  in.master_id = f.opt_id("master_id");
  if (body.contains("attachment_ids")) in.attachment_ids = f.id_list("attachment_ids", 30);
  f.done();
  return in;
}

std::optional<std::int64_t> id_query(const Request& req, const std::string& key) {
  auto v = platform::int_query(req, key);
  if (v && *v < 1) throw Error::invalid("validation", "参数 " + key + " 无效", "invalid " + key);
  return v;
}

// Personal data of the caller: full only with pii:read; a confidential caller is hidden from
// everyone but the centre.
nlohmann::json caller_json(const Appeal& a, const Principal& who) {
  const bool centre = who.can("appeals:intake") || who.can("appeals:dispatch");
  if (a.confidential && !centre)
    return {{"name", "（保密）"}, {"phone", nullptr}, {"anonymous", a.anonymous}, {"confidential", true}};
  std::string phone = who.can("pii:read") ? a.caller_phone : platform::mask_phone(a.caller_phone);
  return {{"name", a.caller_name},
          {"phone", a.caller_phone.empty() ? nlohmann::json(nullptr) : nlohmann::json(phone)},
          {"anonymous", a.anonymous},
          {"confidential", a.confidential}};
}

template <typename T>
nlohmann::json opt(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json appeal_json(const Appeal& a, const Principal& who) {
  nlohmann::json tags = nlohmann::json::array();
  for (std::size_t pos = 0; pos < a.tags.size();) {
    auto end = a.tags.find(',', pos);
    if (end == std::string::npos) end = a.tags.size();
    tags.push_back(a.tags.substr(pos, end - pos));
    pos = end + 1;
  }
  nlohmann::json j = {
      {"id", a.id},
      {"number", a.number},
      {"channel", code(a.channel)},
      {"type", code(a.type)},
      {"category_id", a.category_id},
      {"urgency", code(a.urgency)},
      {"caller", caller_json(a, who)},
      {"content", a.content},
      {"address", a.address},
      {"lng", opt(a.lng)},
      {"lat", opt(a.lat)},
      {"region_id", opt(a.region_id)},
      {"tags", tags},
      {"state", code(a.state)},
      {"state_label", label_zh(a.state)},
      {"lead_department_id", opt(a.lead_department_id)},
      {"lead_region_id", opt(a.lead_region_id)},
      {"sub_region_id", opt(a.sub_region_id)},
      {"created_at", a.created_at},
      {"dispatched_at", opt(a.dispatched_at)},
      {"signed_at", opt(a.signed_at)},
      {"replied_at", opt(a.replied_at)},
      {"closed_at", opt(a.closed_at)},
      {"archived_at", opt(a.archived_at)},
      {"sign_due_at", opt(a.sign_due_at)},
      {"handle_due_at", opt(a.handle_due_at)},
      {"sla_pending", a.sla_pending},
      {"sign_late", a.sign_late},
      {"handle_late", a.handle_late},
      {"warning", code(a.warning)},
      {"extension_pending", a.extension_pending},
      {"reply_text", opt(a.reply_text)},
      {"reply_result", a.reply_result ? nlohmann::json(code(*a.reply_result)) : nlohmann::json(nullptr)},
      {"callback_reached", opt(a.callback_reached)},
      {"callback_solved", opt(a.callback_solved)},
      {"satisfaction", a.satisfaction ? nlohmann::json(code(*a.satisfaction)) : nlohmann::json(nullptr)},
      {"master_id", opt(a.master_id)},
      {"reopen_count", a.reopen_count},
      {"return_count", a.return_count},
      {"extension_count", a.extension_count},
      {"supervise_level", opt(a.supervise_level)},
      {"supervise_due_at", opt(a.supervise_due_at)},
      {"version", a.version},
      {"is_repeat", a.is_repeat},
      {"town_id", opt(a.town_id)},
      {"handle_days",
       a.handle_days ? nlohmann::json(std::round(*a.handle_days * 100.0) / 100.0) : nlohmann::json(nullptr)}};
  // Only the intake answer carries it: the agent reads it out, the caller keeps it.
  if (!a.query_code.empty()) j["query_code"] = a.query_code;
  return j;
}

namespace {

nlohmann::json item_json(const ListItem& item, const Principal& who) {
  auto j = appeal_json(item.appeal, who);
  j["category_name"] = item.category_name;
  j["region_name"] = item.region_name;
  j["lead_unit_name"] = item.lead_unit_name;
  return j;
}

template <typename E>
std::optional<E> enum_query(const Request& req, const std::string& key) {
  auto v = req.q(key);
  if (!v || v->empty()) return std::nullopt;
  auto e = parse<E>(*v);
  if (!e)
    throw Error::invalid("validation", "参数 " + key + " 无效", "invalid query parameter " + key)
        .on_field(key, "取值无效");
  return e;
}

// The search text: terms separated by spaces (ASCII or ideographic), each of 2+ characters.
std::vector<std::string> search_terms(const Request& req) {
  std::vector<std::string> terms;
  auto q = req.q("q");
  if (!q) return terms;
  auto fail = [](const std::string& zh, const std::string& en) {
    return Error::invalid("validation", zh, en).on_field("q", zh);
  };
  if (!platform::valid_utf8(*q)) throw fail("检索词不是有效的 UTF-8 文本", "q is not valid UTF-8");
  if (platform::utf8_length(*q) > 100) throw fail("检索词不能超过 100 个字", "q is longer than 100 characters");
  std::string cur;
  auto flush = [&] {
    if (cur.empty()) return;
    if (platform::utf8_length(cur) < 2) throw fail("每个检索词至少 2 个字", "every search term needs 2+ characters");
    terms.push_back(cur);
    cur.clear();
  };
  for (std::size_t i = 0; i < q->size();) {
    if ((*q)[i] == ' ' || (*q)[i] == '\t') {
      flush();
      ++i;
    } else if (q->compare(i, 3, "\xE3\x80\x80") == 0) {  // U+3000 ideographic space
      flush();
      i += 3;
    } else {
      cur.push_back((*q)[i++]);
    }
  }
  flush();
  if (terms.size() > 5) throw fail("检索词不能超过 5 个", "at most 5 search terms");
  return terms;
}

nlohmann::json request_json(const std::optional<UnitRequest>& r) {
  if (!r) return nullptr;
  return {{"id", r->id},
          {"kind", r->kind},
          {"reason", r->reason},
          {"new_due_at", opt(r->new_due_at)},
          {"status", r->status}};
}

nlohmann::json attachment_json(const Attachment& a) {
  return {{"id", a.id},
          {"name", a.name},
          {"content_type", a.content_type},
          {"size", a.size},
          {"sha256", a.sha256},
          {"uploaded_by", opt(a.uploaded_by)},
          {"uploaded_by_name", a.uploaded_by_name},
          {"uploaded_at", a.uploaded_at}};
}

nlohmann::json case_json(const CaseView& v, const Principal& who) {
  auto j = appeal_json(v.appeal, who);
  j["co_department_ids"] = v.co_department_ids;
  nlohmann::json timeline = nlohmann::json::array();
  for (const auto& e : v.timeline)
    timeline.push_back({{"at", e.at},
                        {"user_id", opt(e.user_id)},
                        {"user_name", e.user_name},
                        {"action", code(e.action)},
                        {"action_label", label_zh(e.action)},
                        {"from", code(e.from)},
                        {"to", code(e.to)},
                        {"note", e.note},
                        {"data", e.data.empty() ? nlohmann::json(nullptr) : nlohmann::json::parse(e.data)}});
  j["timeline"] = timeline;
  nlohmann::json allowed = nlohmann::json::array();
  for (auto a : v.allowed) allowed.push_back(code(a));
  j["allowed_actions"] = allowed;
  j["pending_return"] = request_json(v.pending_return);
  j["pending_extension"] = request_json(v.pending_extension);
  nlohmann::json attachments = nlohmann::json::array();
  for (const auto& a : v.attachments) attachments.push_back(attachment_json(a));
  j["attachments"] = attachments;
  return j;
}

template <typename E>
nlohmann::json options() {
  nlohmann::json out = nlohmann::json::array();
  for (auto v : all<E>()) out.push_back({{"code", code(v)}, {"label", label_zh(v)}});
  return out;
}

// ---- statistics: one definition of each column serves the JSON and the exports alike.

struct Column {
  const char* key;     // JSON field
  const char* header;  // export header (Chinese)
  int decimals;        // 0: a count; 1: a percentage; 2: days
};
const Column kStatsColumns[] = {
    {"received", "受理量", 0},
    {"dispatched", "派单量", 0},
    {"direct", "直接答复", 0},
    {"signed", "签收量", 0},
    {"sign_on_time_rate", "按时签收率(%)", 1},
    {"closed", "办结量", 0},
    {"closed_rate", "办结率(%)", 1},
    {"closed_on_time_rate", "按时办结率(%)", 1},
    {"overdue", "超期量", 0},
    {"callbacks", "回访量", 0},
    {"reached", "回访接通", 0},
    {"satisfaction_rate", "满意率(%)", 1},
    {"solved_rate", "解决率(%)", 1},
    {"reopen_rate", "重办率(%)", 1},
    {"repeat_rate", "重复诉求率(%)", 1},
    {"avg_handle_days", "平均办理时长(工作日)", 2},
};

// A rate as the screen shows it: a percentage rounded to one decimal.
std::optional<double> percent(std::optional<double> r) {
  if (!r) return std::nullopt;
  return std::round(*r * 1000.0) / 10.0;
}

std::vector<std::optional<double>> stats_values(const Counters& c) {
  const auto r = rates_of(c);
  auto n = [](std::int64_t v) { return std::optional<double>(static_cast<double>(v)); };
  std::optional<double> days;
  if (r.avg_handle_days) days = std::round(*r.avg_handle_days * 100.0) / 100.0;
  return {n(c.received),
          n(c.dispatched),
          n(c.direct),
          n(c.signed_in),
          percent(r.sign_on_time),
          n(c.closed),
          percent(r.closed),
          percent(r.closed_on_time),
          n(c.overdue),
          n(c.callbacks),
          n(c.reached),
          percent(r.satisfaction),
          percent(r.solved),
          percent(r.reopen),
          percent(r.repeat),
          days};
}

std::string cell_text(std::optional<double> v, int decimals) {
  if (!v) return "—";
  return fmt::format("{:.{}f}", *v, decimals);
}

nlohmann::json stats_json(const Counters& c) {
  nlohmann::json j = nlohmann::json::object();
  const auto values = stats_values(c);
  for (std::size_t i = 0; i < values.size(); ++i) {
    const auto& col = kStatsColumns[i];
    if (!values[i]) {
      j[col.key] = nullptr;
    } else if (col.decimals == 0) {
      j[col.key] = static_cast<std::int64_t>(*values[i]);
    } else {
      j[col.key] = *values[i];
    }
  }
  j["response_rate"] = j["sign_on_time_rate"];  // the ranking's name for the same rate
  return j;
}

const char* group_header(StatsGroup g) {
  switch (g) {
    case StatsGroup::kUnit:
      return "承办单位";
    case StatsGroup::kRegion:
      return "镇街";
    case StatsGroup::kCategory:
      return "诉求分类";
    case StatsGroup::kChannel:
      return "渠道";
    case StatsGroup::kType:
      return "诉求类型";
    case StatsGroup::kDay:
      return "日期";
    case StatsGroup::kWeek:
      return "周";
    case StatsGroup::kMonth:
      return "月份";
  }
  return "";
}

platform::Table stats_export(const StatsTable& t) {
  platform::Table out;
  out.header.push_back(group_header(t.group));
  out.numeric.push_back(false);
  for (const auto& col : kStatsColumns) {
    out.header.push_back(col.header);
    out.numeric.push_back(true);
  }
  auto line = [&](const std::string& label, const Counters& c) {
    std::vector<std::string> cells{label};
    const auto values = stats_values(c);
    for (std::size_t i = 0; i < values.size(); ++i) cells.push_back(cell_text(values[i], kStatsColumns[i].decimals));
    out.rows.push_back(std::move(cells));
  };
  for (const auto& row : t.rows) line(row.label, row.c);
  line("合计", t.total);
  return out;
}

// from/to (local dates, both included; default: this month up to today) and filters.
StatsFilter stats_filter(const Request& req) {
  auto date = [&](const char* key) -> std::optional<std::chrono::year_month_day> {
    auto v = req.q(key);
    if (!v || v->empty()) return std::nullopt;
    try {
      return platform::parse_date(*v);
    } catch (const Error&) {
      throw Error::invalid("validation", std::string("参数 ") + key + " 应为 YYYY-MM-DD 格式的日期",
                           std::string("query parameter ") + key + " must be a date YYYY-MM-DD")
          .on_field(key, "日期无效");
    }
  };
  const auto today = platform::local_date_of(platform::now_ms());
  const auto from = date("from").value_or(today.year() / today.month() / std::chrono::day{1});
  const auto to = date("to").value_or(today);
  const auto span = (std::chrono::sys_days(to) - std::chrono::sys_days(from)).count();
  if (span < 0)
    throw Error::invalid("validation", "结束日期不能早于开始日期", "to is before from").on_field("to", "早于开始日期");
  if (span > 1100)
    throw Error::invalid("validation", "统计区间最长 3 年", "the period may span at most 3 years")
        .on_field("to", "区间过长");
  auto midnight = [](std::chrono::year_month_day d) {
    const auto t = std::chrono::sys_days(d) - platform::kShanghaiUtcOffset;
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  };
  StatsFilter f;
  f.from = midnight(from);
  f.to = midnight(std::chrono::year_month_day(std::chrono::sys_days(to) + std::chrono::days{1}));
  f.region_id = id_query(req, "region_id");
  f.category_id = id_query(req, "category_id");
  f.channel = enum_query<Channel>(req, "channel");
  f.type = enum_query<AppealType>(req, "type");
  return f;
}

nlohmann::json period_json(const StatsFilter& f) {
  return {{"from", platform::format_date(platform::local_date_of(f.from))},
          {"to", platform::format_date(platform::local_date_of(f.to - 1))}};
}

bool wants_file(const Request& req) { return req.q("format").has_value(); }

nlohmann::json category_json(const Category& c) {
  return {{"id", c.id},         {"parent_id", opt(c.parent_id)},   {"code", c.code}, {"name", c.name}, {"path", c.path},
          {"active", c.active}, {"auto_dispatch", c.auto_dispatch}};
}

nlohmann::json sla_json(std::int64_t category_id, const std::vector<SlaRow>& rows) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& r : rows)
    items.push_back({{"urgency", code(r.urgency)},
                     {"urgency_label", label_zh(r.urgency)},
                     {"sign_minutes", r.limit.sign.count()},
                     {"handle_days", r.limit.handle_days},
                     {"own", r.own},
                     {"source_category_id",
                      r.source_category_id == 0 ? nlohmann::json(nullptr) : nlohmann::json(r.source_category_id)}});
  return {{"category_id", category_id == 0 ? nlohmann::json(nullptr) : nlohmann::json(category_id)}, {"items", items}};
}

// ?category_id= (absent: the district default, 0).
std::int64_t sla_category(const Request& req) {
  auto v = platform::int_query(req, "category_id");
  if (v && *v < 1) throw Error::invalid("validation", "参数 category_id 无效", "invalid category_id");
  return v.value_or(0);
}

nlohmann::json rule_json(const DispatchRule& r) {
  return {{"id", r.id},
          {"category_id", r.category_id},
          {"region_id", r.region_id == 0 ? nlohmann::json(nullptr) : nlohmann::json(r.region_id)},
          {"lead_department_id", opt(r.lead_department_id)},
          {"lead_region_id", opt(r.lead_region_id)},
          {"co_department_ids", r.co_department_ids}};
}

}  // namespace

void add_appeal_routes(platform::Runtime& rt, AppealService& service) {
  auto& r = rt.router;
  r.add({"GET", "/api/appeals/meta", "appeals:read", true, "appeals",
         "Codes and Chinese labels of channels, types, urgencies, states and actions; the attachment size limit",
         [&rt](const Request&, const Principal*) {
           nlohmann::json actions = nlohmann::json::array();
           for (auto a : all<Action>())
             if (a != Action::kRegister) actions.push_back({{"code", code(a)}, {"label", label_zh(a)}});
           return Response::json(200, {{"channels", options<Channel>()},
                                       {"types", options<AppealType>()},
                                       {"urgencies", options<Urgency>()},
                                       {"states", options<State>()},
                                       {"actions", actions},
                                       {"max_attachment_bytes", rt.config.files.max_bytes}});
         }});
  r.add({"GET", "/api/appeals/categories", "appeals:read", true, "appeals", "The appeal catalogue (a tree by path)",
         [&service](const Request&, const Principal*) {
           nlohmann::json items = nlohmann::json::array();
           for (const auto& c : service.categories()) items.push_back(category_json(c));
           return Response::json(200, {{"items", items}});
         }});
  // Intake answers when its group commit is done, without holding a thread meanwhile.
  platform::Route intake{"POST", "/api/appeals", "appeals:intake", true, "appeals", "Register an appeal (受理)"};
  intake.async = [&service](const Request& req, std::shared_ptr<const Principal> who, platform::Reply reply) {
    auto in = parse_new(req.json_object());
    auto actor = platform::actor_of(req, who.get());
    service.create_async(who, actor, in, [who, reply](std::exception_ptr error, const Appeal& a) {
      if (error) {
        reply([error]() -> Response { std::rethrow_exception(error); });
        return;
      }
      reply([who, a] { return Response::json(201, appeal_json(a, *who)); });
    });
  };
  r.add(std::move(intake));
  r.add({"GET", "/api/appeals", "appeals:read", true, "appeals",
         "Appeals in the caller's data scope (q, state, category_id, lead_department_id, region_id, from, to, warning, "
         "page, size, sort, count); total counts up to 10,000 matches, 1,000 with q (total_exact false beyond); "
         "count=false skips "
         "counting (has_more still says whether another page follows)",
         [&service](const Request& req, const Principal* who) {
           ListFilter f;
           auto [page, size] = platform::paging_of(req);
           if (size > 100) throw Error::invalid("validation", "每页最多 100 条", "at most 100 per page");
           if (static_cast<long long>(page) * size > kCountCap)
             throw Error::invalid(
                 "validation", fmt::format("列表最多翻到第 {} 条，请缩小筛选条件或导出", kCountCap),
                 fmt::format("lists page through the first {} matches only; narrow the filters", kCountCap))
                 .on_field("page", "超出可翻页范围");
           f.page = page;
           f.size = size;
           f.terms = search_terms(req);
           if (!f.terms.empty()) f.count_cap = kSearchCountCap;
           f.state = enum_query<State>(req, "state");
           f.type = enum_query<AppealType>(req, "type");
           f.channel = enum_query<Channel>(req, "channel");
           f.urgency = enum_query<Urgency>(req, "urgency");
           f.warning = enum_query<Warning>(req, "warning");
           f.satisfaction = enum_query<Satisfaction>(req, "satisfaction");
           f.category_id = id_query(req, "category_id");
           f.lead_department_id = id_query(req, "lead_department_id");
           f.lead_region_id = id_query(req, "lead_region_id");
           f.region_id = id_query(req, "region_id");
           f.created_from = platform::int_query(req, "from");
           f.created_to = platform::int_query(req, "to");
           f.overdue = platform::bool_query(req, "overdue").value_or(false);
           f.supervised = platform::bool_query(req, "supervised").value_or(false);
           f.repeat = platform::bool_query(req, "repeat").value_or(false);
           f.count = platform::bool_query(req, "count").value_or(true);
           if (auto sort = req.q("sort"); sort && !sort->empty()) {
             static const std::map<std::string, Sort> kSorts{{"-created_at", Sort::kNewest},
                                                             {"created_at", Sort::kOldest},
                                                             {"handle_due_at", Sort::kDueSoonest},
                                                             {"-handle_due_at", Sort::kDueLatest},
                                                             {"number", Sort::kNumber}};
             auto it = kSorts.find(*sort);
             if (it == kSorts.end())
               throw Error::invalid(
                   "validation",
                   "参数 sort 无效，可选：-created_at, created_at, handle_due_at, "
                   "-handle_due_at, number",
                   "invalid sort; one of -created_at, created_at, handle_due_at, -handle_due_at, number")
                   .on_field("sort", "取值无效");
             f.sort = it->second;
           }
           auto result = service.list(*who, f);
           nlohmann::json items = nlohmann::json::array();
           for (const auto& item : result.items) items.push_back(item_json(item, *who));
           nlohmann::json out{{"items", items}, {"has_more", result.has_more}, {"page", page}, {"size", size}};
           if (f.count) {
             out["total"] = result.total;
             out["total_exact"] = result.total_exact;
           }
           return Response::json(200, out);
         }});
  r.add({"GET", "/api/appeals/duplicates", "appeals:read", true, "appeals",
         "Likely duplicates among open cases (caller_phone, category_id, lng, lat, content, exclude_id) and whether "
         "the caller repeats",
         [&service](const Request& req, const Principal* who) {
           DuplicateQuery q;
           q.caller_phone = req.q("caller_phone").value_or("");
           if (q.caller_phone.size() > 20) throw Error::invalid("validation", "电话号码过长", "caller_phone too long");
           q.category_id = id_query(req, "category_id");
           q.lng = platform::real_query(req, "lng", -180, 180);
           q.lat = platform::real_query(req, "lat", -90, 90);
           if (q.lng.has_value() != q.lat.has_value())
             throw Error::invalid("validation", "经纬度须同时填写", "give both lng and lat");
           q.content = req.q("content").value_or("");
           if (!platform::valid_utf8(q.content) || platform::utf8_length(q.content) > 4000)
             throw Error::invalid("validation", "诉求内容无效或过长", "content invalid or too long");
           q.exclude_id = id_query(req, "exclude_id");
           auto found = service.duplicates(*who, q);
           nlohmann::json items = nlohmann::json::array();
           for (const auto& d : found.items)
             items.push_back({{"appeal", appeal_json(d.appeal, *who)},
                              {"reasons", d.reasons},
                              {"distance_m", opt(d.distance_m)},
                              {"similarity", opt(d.similarity)}});
           return Response::json(200, {{"items", items}, {"repeat", found.repeat}});
         }});
  r.add({"GET", "/api/appeals/settings", "appeals:read", true, "appeals",
         "The centre's appeal settings (number prefix, duplicate rules, ranking weights)",
         [&service](const Request&, const Principal*) { return Response::json(200, to_json(service.settings())); }});
  r.add({"PUT", "/api/appeals/settings", "appeals:config", true, "appeals",
         "Change appeal settings (any subset of the keys; validated as a whole)",
         [&service](const Request& req, const Principal* who) {
           return Response::json(
               200, to_json(service.update_settings(*who, platform::actor_of(req, who), req.json_object())));
         }});
  r.add({"GET", "/api/appeals/stats", "appeals:stats", true, "appeals",
         "Statistics of the appeals received in a period (from, to: YYYY-MM-DD; group: unit, region, category, "
         "channel, type, day, week, month; region_id, category_id, channel, type; format=csv|xlsx for a file)",
         [&service](const Request& req, const Principal* who) {
           auto group = parse_stats_group(req.q("group").value_or("unit"));
           if (!group)
             throw Error::invalid("validation",
                                  "参数 group 无效，可选：unit, region, category, channel, type, day, week, month",
                                  "invalid group")
                 .on_field("group", "取值无效");
           const auto f = stats_filter(req);
           if (*group == StatsGroup::kDay && f.to - f.from > 367LL * 86'400'000)
             throw Error::invalid("validation", "按日统计的区间最长一年", "group=day spans at most one year");
           const auto t = service.stats(*who, *group, f);
           if (wants_file(req)) return platform::export_response(req, stats_export(t), "appeal-stats");
           nlohmann::json rows = nlohmann::json::array();
           for (const auto& row : t.rows) {
             auto j = stats_json(row.c);
             j["key"] = row.key;
             j["label"] = row.label;
             rows.push_back(std::move(j));
           }
           return Response::json(200, {{"group", req.q("group").value_or("unit")},
                                       {"period", period_json(f)},
                                       {"rows", rows},
                                       {"total", stats_json(t.total)}});
         }});
  r.add({"GET", "/api/appeals/ranking", "appeals:stats", true, "appeals",
         "Lead units ranked on response, solved and satisfaction rates with the configured weights (from, to; "
         "format=csv|xlsx)",
         [&service](const Request& req, const Principal* who) {
           const auto f = stats_filter(req);
           const auto rows = service.ranking(*who, f);
           if (wants_file(req)) {
             platform::Table t{{"名次", "承办单位", "受理量", "响应率(%)", "解决率(%)", "满意率(%)", "综合得分"},
                               {},
                               {true, false, true, true, true, true, true}};
             for (const auto& r : rows)
               t.rows.push_back({std::to_string(r.rank), r.unit_name, std::to_string(r.received),
                                 cell_text(percent(r.response_rate), 1), cell_text(percent(r.solved_rate), 1),
                                 cell_text(percent(r.satisfaction_rate), 1), fmt::format("{:.1f}", r.score * 100)});
             return platform::export_response(req, t, "appeal-ranking");
           }
           nlohmann::json items = nlohmann::json::array();
           for (const auto& r : rows)
             items.push_back({{"rank", r.rank},
                              {"unit", r.unit},
                              {"unit_name", r.unit_name},
                              {"received", r.received},
                              {"response_rate", opt(percent(r.response_rate))},
                              {"solved_rate", opt(percent(r.solved_rate))},
                              {"satisfaction_rate", opt(percent(r.satisfaction_rate))},
                              {"score", std::round(r.score * 1000.0) / 10.0}});
           const auto w = service.settings();
           return Response::json(200, {{"period", period_json(f)},
                                       {"weights",
                                        {{"response", w.rank_weight_response},
                                         {"solved", w.rank_weight_solved},
                                         {"satisfaction", w.rank_weight_satisfaction}}},
                                       {"items", items}});
         }});
  r.add({"GET", "/api/appeals/hotspots", "appeals:stats", true, "appeals",
         "Per town, the top categories of the period with the previous period's count (from, to, top ≤ 20)",
         [&service](const Request& req, const Principal* who) {
           const auto f = stats_filter(req);
           const auto top = platform::int_query(req, "top").value_or(5);
           if (top < 1 || top > 20) throw Error::invalid("validation", "top 应为 1–20", "top must be 1–20");
           const auto towns = service.hot_spots(*who, f, static_cast<int>(top));
           if (wants_file(req)) {
             platform::Table t{{"镇街", "诉求分类", "本期", "上期", "变化(%)"}, {}, {false, false, true, true, true}};
             for (const auto& town : towns)
               for (const auto& h : town.top)
                 t.rows.push_back({town.town_name, h.category_name, std::to_string(h.count), std::to_string(h.previous),
                                   cell_text(percent(h.change), 1)});
             return platform::export_response(req, t, "appeal-hotspots");
           }
           nlohmann::json items = nlohmann::json::array();
           for (const auto& town : towns) {
             nlohmann::json cats = nlohmann::json::array();
             for (const auto& h : town.top)
               cats.push_back({{"category_id", h.category_id},
                               {"category_name", h.category_name},
                               {"count", h.count},
                               {"previous", h.previous},
                               {"change", opt(percent(h.change))}});
             items.push_back({{"town_id", town.town_id == 0 ? nlohmann::json(nullptr) : nlohmann::json(town.town_id)},
                              {"town_name", town.town_name},
                              {"total", town.total},
                              {"top", cats}});
           }
           return Response::json(200, {{"period", period_json(f)}, {"items", items}});
         }});
  r.add({"GET", "/api/appeals/dispatch-rules", "appeals:read", true, "appeals",
         "The dispatch catalogue (派单目录): category × town (null = anywhere) → lead unit and co-units",
         [&service](const Request&, const Principal*) {
           nlohmann::json items = nlohmann::json::array();
           for (const auto& rule : service.dispatch_rules()) items.push_back(rule_json(rule));
           return Response::json(200, {{"items", items}});
         }});
  r.add({"PUT", "/api/appeals/dispatch-rules", "appeals:config", true, "appeals",
         "Set the rule of one (category_id, region_id) pair: lead_department_id or lead_region_id, co_department_ids",
         [&service](const Request& req, const Principal* who) {
           const auto& body = req.json_object();
           Fields f(body, {"category_id", "region_id", "lead_department_id", "lead_region_id", "co_department_ids"});
           DispatchRule rule;
           rule.category_id = f.integer("category_id", 1, INT64_MAX);
           rule.region_id = f.opt_id("region_id").value_or(0);
           rule.lead_department_id = f.opt_id("lead_department_id");
           rule.lead_region_id = f.opt_id("lead_region_id");
           if (body.contains("co_department_ids")) rule.co_department_ids = f.id_list("co_department_ids", 10);
           f.done();
           return Response::json(200, rule_json(service.put_dispatch_rule(*who, platform::actor_of(req, who), rule)));
         }});
  r.add({"DELETE", "/api/appeals/dispatch-rules/{id}", "appeals:config", true, "appeals", "Delete a dispatch rule",
         [&service](const Request& req, const Principal* who) {
           service.delete_dispatch_rule(*who, platform::actor_of(req, who), req.id_param());
           return Response::no_content();
         }});
  r.add({"POST", "/api/appeals/categories", "appeals:config", true, "appeals",
         "Add a category {parent_id, code, name} to the catalogue",
         [&service](const Request& req, const Principal* who) {
           const auto body = req.json_object();
           Fields f(body, {"parent_id", "code", "name"});
           auto parent = f.opt_id("parent_id");
           auto code_text = f.str("code", 16, 2);
           for (char c : code_text)
             if (!std::isalnum(static_cast<unsigned char>(c))) {
               f.fail("code", "只能包含字母和数字", "letters and digits only");
               break;
             }
           auto name = f.str("name", 32);
           f.done();
           auto c = service.add_category(*who, platform::actor_of(req, who), parent, code_text, name);
           return Response::json(201, category_json(c));
         }});
  r.add({"PUT", "/api/appeals/categories/{id}", "appeals:config", true, "appeals",
         "Rename a category or switch it off/on {name, active}; cases keep their category",
         [&service](const Request& req, const Principal* who) {
           const auto body = req.json_object();
           Fields f(body, {"name", "active"});
           auto name = f.opt_str("name", 32);
           if (name && name->empty()) f.fail("name", "不能为空", "must not be empty");
           std::optional<bool> active;
           if (body.contains("active")) active = flag(f, body, "active");
           f.done();
           auto c = service.update_category(*who, platform::actor_of(req, who), req.id_param(), name, active);
           return Response::json(200, category_json(c));
         }});
  r.add({"GET", "/api/appeals/sla", "appeals:read", true, "appeals",
         "Time limits per urgency for a category (?category_id=; absent: the district default), own or inherited",
         [&service](const Request& req, const Principal* who) {
           const auto id = sla_category(req);
           return Response::json(200, sla_json(id, service.sla_of(*who, id)));
         }});
  r.add({"PUT", "/api/appeals/sla", "appeals:config", true, "appeals",
         "Set a time limit {category_id (null: district default), urgency, sign_minutes, handle_days}",
         [&service](const Request& req, const Principal* who) {
           const auto body = req.json_object();
           Fields f(body, {"category_id", "urgency", "sign_minutes", "handle_days"});
           const auto id = f.opt_id("category_id").value_or(0);
           const auto urgency = enum_field<Urgency>(f, body, "urgency", std::nullopt);
           SlaLimit limit;
           limit.sign = std::chrono::minutes(f.integer("sign_minutes", 1, 7 * 24 * 60));
           limit.handle_days = static_cast<int>(f.integer("handle_days", 1, 60));
           f.done();
           return Response::json(200,
                                 sla_json(id, service.set_sla(*who, platform::actor_of(req, who), id, urgency, limit)));
         }});
  r.add({"DELETE", "/api/appeals/sla", "appeals:config", true, "appeals",
         "Remove a category's own time limit (?category_id=&urgency=); it inherits again",
         [&service](const Request& req, const Principal* who) {
           const auto id = sla_category(req);
           auto urgency = enum_query<Urgency>(req, "urgency");
           if (!urgency) throw Error::invalid("validation", "参数 urgency 必填", "urgency is required");
           return Response::json(200,
                                 sla_json(id, service.clear_sla(*who, platform::actor_of(req, who), id, *urgency)));
         }});
  r.add({"PUT", "/api/appeals/categories/{id}/auto-dispatch", "appeals:config", true, "appeals",
         "Turn automatic dispatch by the catalogue on or off for a category ({\"enabled\": true})",
         [&service](const Request& req, const Principal* who) {
           const auto& body = req.json_object();
           Fields f(body, {"enabled"});
           const bool enabled = flag(f, body, "enabled");
           if (!body.contains("enabled")) f.fail("enabled", "必填", "is required");
           f.done();
           service.set_auto_dispatch(*who, platform::actor_of(req, who), req.id_param(), enabled);
           return Response::json(200, {{"id", req.id_param()}, {"auto_dispatch", enabled}});
         }});
  r.add({"GET", "/api/appeals/{id}/dispatch-suggestion", "appeals:dispatch", true, "appeals",
         "The dispatch catalogue's suggestion for a case (404 when no rule applies)",
         [&service](const Request& req, const Principal* who) {
           auto rule = service.dispatch_suggestion(*who, req.id_param());
           if (!rule) throw Error::not_found("派单目录中没有适用的规则", "no dispatch rule applies to this appeal");
           return Response::json(200, rule_json(*rule));
         }});
  r.add({"GET", "/api/appeals/{id}", "appeals:read", true, "appeals",
         "One appeal with its timeline and the actions the caller may take",
         [&service](const Request& req, const Principal* who) {
           return Response::json(200, case_json(service.get(*who, req.id_param()), *who));
         }});
  r.add({"POST", "/api/appeals/{id}/actions/{action}", "appeals:read", true, "appeals",
         "Act on an appeal: dispatch, sign, reply, callback, … (409 with allowed_actions when the state forbids it)",
         [&service](const Request& req, const Principal* who) {
           auto action = parse<Action>(req.params.at("action"));
           if (!action || *action == Action::kRegister) throw Error::not_found("没有这个操作", "no such action");
           auto in = parse_action(*action, req.json_object());
           return Response::json(200,
                                 case_json(service.act(*who, platform::actor_of(req, who), req.id_param(), in), *who));
         }});
  r.add({"POST", "/api/appeals/{id}/attachments", "appeals:read", true, "appeals",
         "Attach a file: the body is the file's bytes, ?name= its file name, Content-Type its type (images, PDF, "
         "Office documents, recordings, video; checked against the bytes)",
         [&service](const Request& req, const Principal* who) {
           auto name = req.q("name").value_or("");
           auto a = service.attach(*who, platform::actor_of(req, who), req.id_param(), name,
                                   std::string(req.header("content-type")), req.body);
           return Response::json(201, attachment_json(a));
         },
         /*waits=*/false, /*body_limit=*/rt.config.files.max_bytes});
  r.add({"GET", "/api/appeals/{id}/attachments/{attachment_id}", "appeals:read", true, "appeals",
         "Download an attachment (checked against its SHA-256 before it is sent)",
         [&service](const Request& req, const Principal* who) {
           auto [a, bytes] = service.attachment_file(*who, req.id_param(), req.id_param("attachment_id"));
           return Response::file(a.content_type, std::move(bytes), a.name, a.sha256);
         }});
}

}  // namespace ecity::appeals
