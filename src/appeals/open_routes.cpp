// HTTP ↔ the open doors (open_access.h): the citizens' page under /api/public/appeals and
// Open311 GeoReport v2 under /open311/v2. Open311 answers in the specification's own shapes
// (JSON or XML by the path's extension), errors included; the rest of ecity's conventions
// (RFC 7807 elsewhere) stop at its door.
#include "appeals/module.h"
#include "appeals/open311.h"
#include "appeals/route_parts.h"

#include "platform/error.h"
#include "platform/http/fields.h"
#include "platform/runtime.h"

#include <chrono>
#include <cmath>
#include <set>

namespace ecity::appeals {

using open311::Format;
using platform::Principal;
using platform::Request;
using platform::Response;

namespace {

// ------------------------------------------------------------------- citizens

bool plain_token(const std::string& s, std::size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  return true;
}

nlohmann::json public_status_json(const PublicStatus& s) {
  const auto& a = s.appeal;
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& step : s.steps)
    steps.push_back({{"at", step.at},
                     {"action", code(step.action)},
                     {"action_label", label_zh(step.action)},
                     {"unit_name", step.unit_name.empty() ? nlohmann::json(nullptr) : nlohmann::json(step.unit_name)}});
  auto opt_ms = [](const std::optional<std::int64_t>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  return {{"number", a.number},
          {"state", code(a.state)},
          {"state_label", label_zh(a.state)},
          {"closed", open311::is_closed(a.state)},
          {"type_label", label_zh(a.type)},
          {"category_name", s.category_name},
          {"content", a.content},
          {"created_at", a.created_at},
          {"lead_unit_name", s.lead_unit_name.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.lead_unit_name)},
          {"handle_due_at", opt_ms(a.handle_due_at)},
          {"reply_text", a.reply_text ? nlohmann::json(*a.reply_text) : nlohmann::json(nullptr)},
          {"reply_result_label", a.reply_result ? nlohmann::json(label_zh(*a.reply_result)) : nlohmann::json(nullptr)},
          {"closed_at", opt_ms(a.closed_at)},
          {"timeline", steps}};
}

void add_public_routes(platform::Runtime& rt, OpenAccess& open) {
  auto& r = rt.router;
  r.add(
      {"GET", "/api/public/appeals/meta", "", false, "public",
       "What the citizens' page needs: appeal types and the active categories (no session)",
       [&open](const Request&, const Principal*) {
         nlohmann::json types = nlohmann::json::array();
         for (auto t : all<AppealType>()) types.push_back({{"code", code(t)}, {"label", label_zh(t)}});
         nlohmann::json categories = nlohmann::json::array();
         for (const auto& [c, leaf] : open.categories())
           categories.push_back({{"id", c.id},
                                 {"parent_id", c.parent_id ? nlohmann::json(*c.parent_id) : nlohmann::json(nullptr)},
                                 {"name", c.name},
                                 {"leaf", leaf}});
         return Response::json(200, {{"district", open.district_name()}, {"types", types}, {"categories", categories}});
       }});
  r.add({"POST", "/api/public/appeals", "", false, "public",
         "A citizen files an appeal without an account (rate-limited per address); answers its number and query code",
         [&open](const Request& req, const Principal*) {
           auto body = req.json_object();
           static const std::set<std::string> kAllowed{
               "type", "category_id", "caller_name", "caller_phone", "anonymous", "content", "address", "lng", "lat"};
           for (const auto& [k, v] : body.items())
             if (!kAllowed.count(k))
               throw Error::invalid("validation", "输入有误：不支持的字段 " + k, "invalid input: unknown field " + k)
                   .on_field(k, "不支持的字段");
           body["channel"] = "website";
           auto a = open.file_public(req.client_ip, parse_new(body));
           return Response::json(201, {{"number", a.number},
                                       {"query_code", a.query_code},
                                       {"created_at", a.created_at},
                                       {"state_label", label_zh(a.state)}});
         },
         /*waits=*/true});
  r.add({"GET", "/api/public/appeals/{number}", "", false, "public",
         "A citizen follows an appeal by its number and query code (?code=); wrong pairs answer 404 and are "
         "rate-limited",
         [&open](const Request& req, const Principal*) {
           const auto number = req.params.at("number");
           // Codes are printed in capitals; a citizen typing them in small letters means the same.
           auto code = req.q("code").value_or("");
           for (auto& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
           if (!plain_token(number, 32) || !plain_token(code, 16)) {
             open.count_public_read(req.client_ip);
             throw Error::not_found("未找到该诉求，请核对编号和查询码", "no appeal with this number and query code");
           }
           return Response::json(200, public_status_json(open.public_status(req.client_ip, number, code)));
         }});
}

// ------------------------------------------------------------------- Open311 clients

nlohmann::json client_json(const Open311Client& c) {
  return {{"id", c.id},
          {"name", c.name},
          {"channel", code(c.channel)},
          {"user_id", c.user_id},
          {"user_name", c.user_name},
          {"active", c.active},
          {"created_at", c.created_at},
          {"key_prefix", c.key_prefix}};
}

void add_client_routes(platform::Runtime& rt, OpenAccess& open) {
  auto& r = rt.router;
  r.add({"GET", "/api/appeals/open311-clients", "appeals:config", true, "appeals",
         "Applications allowed to use Open311 (keys are never shown again)",
         [&open](const Request&, const Principal* who) {
           nlohmann::json items = nlohmann::json::array();
           for (const auto& c : open.clients(*who)) items.push_back(client_json(c));
           return Response::json(200, {{"items", items}});
         }});
  r.add({"POST", "/api/appeals/open311-clients", "appeals:config", true, "appeals",
         "Register an Open311 application {name, channel, user_id}; the answer carries its api_key, once",
         [&open](const Request& req, const Principal* who) {
           auto body = req.json_object();
           platform::Fields f(body, {"name", "channel", "user_id"});
           auto name = f.str("name", 64);
           auto channel_text = f.opt_str("channel", 32).value_or("open311");
           auto user_id = f.integer("user_id", 1, INT64_MAX);
           auto channel = parse<Channel>(channel_text);
           if (!channel) f.fail("channel", "渠道无效", "invalid channel");
           f.done();
           auto [client, key] = open.add_client(*who, platform::actor_of(req, who), name, *channel, user_id);
           auto j = client_json(client);
           j["api_key"] = key;
           return Response::json(201, j);
         }});
  r.add({"DELETE", "/api/appeals/open311-clients/{id}", "appeals:config", true, "appeals",
         "Deactivate an Open311 application (its key stops working at once)",
         [&open](const Request& req, const Principal* who) {
           open.deactivate_client(*who, platform::actor_of(req, who), req.id_param());
           return Response::no_content();
         }});
}

// ------------------------------------------------------------------- Open311

constexpr const char* kChangeset = "2026-11-27T00:00:00+08:00";
constexpr int kMaxRequests = 1000;
constexpr std::int64_t kDefaultWindowMs = 90LL * 86'400'000;

Response open311_response(int status, const nlohmann::ordered_json& doc, const std::string& root, Format f) {
  Response r;
  r.status = status;
  r.content_type = std::string(open311::content_type(f));
  r.body = open311::render(doc, root, f);
  return r;
}

// Field names of our body in Open311's words, for error descriptions.
std::string open311_field(const std::string& ours) {
  static const std::map<std::string, std::string> kNames{{"content", "description"},
                                                         {"caller_name", "last_name"},
                                                         {"caller_phone", "phone"},
                                                         {"address", "address_string"},
                                                         {"lng", "long"},
                                                         {"lat", "lat"},
                                                         {"category_id", "service_code"},
                                                         {"type", "attribute[type]"},
                                                         {"anonymous", "attribute[anonymous]"}};
  auto it = kNames.find(ours);
  return it == kNames.end() ? ours : it->second;
}

// The specification's error document for `e`: one entry per field problem.
Response open311_error(const Error& e, const Request& req, Format f) {
  const bool en = req.prefers_english();
  nlohmann::ordered_json doc = nlohmann::ordered_json::array();
  if (e.extra().contains("errors") && e.extra()["errors"].is_array() && !e.extra()["errors"].empty()) {
    for (const auto& p : e.extra()["errors"]) {
      const auto message = en && p.contains("message_en") ? p["message_en"] : p["message"];
      nlohmann::ordered_json item;
      item["code"] = e.status();
      item["description"] = open311_field(p.value("field", "")) + " " + message.get<std::string>();
      doc.push_back(item);
    }
  } else {
    doc = open311::error_doc(e.status(), en ? e.detail_en() : e.detail_zh());
  }
  auto r = open311_response(e.status(), doc, "errors", f);
  r.headers.emplace_back("Content-Language", en ? "en" : "zh-CN");
  if (e.kind() == Error::Kind::kTooManyRequests && e.extra().contains("retry_after"))
    r.headers.emplace_back("Retry-After", e.extra()["retry_after"].dump());
  return r;
}

// Runs an Open311 handler: the format from {format} or from the last path parameter's
// extension (`param` then loses it); every error in the specification's shape.
template <typename F>
platform::Handler open311_route(const char* param, F fn) {
  return [param, fn](const Request& req, const Principal*) -> Response {
    Format f = Format::kXml;  // the specification's required format
    std::string value;
    try {
      if (auto it = req.params.find("format"); it != req.params.end()) {
        auto known = open311::format_of(it->second);
        if (!known) throw Error::not_found("格式不支持，请用 .json 或 .xml", "unsupported format; use .json or .xml");
        f = *known;
      } else if (param != nullptr) {
        auto split = open311::split_format(req.params.at(param));
        if (!split) throw Error::not_found("格式不支持，请用 .json 或 .xml", "unsupported format; use .json or .xml");
        value = split->first;
        f = split->second;
      }
      return fn(req, f, value);
    } catch (const Error& e) {
      return open311_error(e, req, f);
    } catch (const nlohmann::json::exception&) {
      return open311_error(Error::invalid("validation", "参数类型错误", "wrong parameter type"), req, f);
    }
  };
}

std::string base_url(const Request& req) {
  auto host = std::string(req.header("host"));
  return (host.empty() ? std::string() : "http://" + host) + "/open311/v2";
}

// Category path "/3/17/" → names of the ancestors, "城乡建设 / 市政设施".
std::map<std::int64_t, Category> by_id(const std::vector<Category>& all) {
  std::map<std::int64_t, Category> m;
  for (const auto& c : all) m[c.id] = c;
  return m;
}

nlohmann::ordered_json service_json(const Category& c, const std::map<std::int64_t, Category>& all) {
  std::string group, description;
  if (c.parent_id)
    if (auto it = all.find(*c.parent_id); it != all.end()) group = it->second.name;
  std::size_t pos = 1;
  while (pos < c.path.size()) {
    auto end = c.path.find('/', pos);
    if (end == std::string::npos) break;
    auto id = std::stoll(c.path.substr(pos, end - pos));
    if (auto it = all.find(id); it != all.end()) description += (description.empty() ? "" : " / ") + it->second.name;
    pos = end + 1;
  }
  nlohmann::ordered_json j;
  j["service_code"] = c.code;
  j["service_name"] = c.name;
  j["description"] = description.empty() ? c.name : description;
  j["metadata"] = true;
  j["type"] = "realtime";
  j["keywords"] = "";
  j["group"] = group;
  return j;
}

// A text parameter of a form or query: the last value, length-checked.
std::string form_value(const std::vector<std::pair<std::string, std::string>>& form, const std::string& key,
                       std::size_t max_chars) {
  std::string v;
  for (const auto& [k, value] : form)
    if (k == key) v = value;
  if (platform::utf8_length(v) > max_chars)
    throw Error::invalid("validation", key + " 过长（最多 " + std::to_string(max_chars) + " 字）",
                         key + " is too long (at most " + std::to_string(max_chars) + " characters)")
        .on_field(key, "过长");
  return v;
}

std::optional<double> form_number(const std::vector<std::pair<std::string, std::string>>& form,
                                  const std::string& key) {
  auto text = form_value(form, key, 32);
  if (text.empty()) return std::nullopt;
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || !std::isfinite(v))
    throw Error::invalid("validation", key + " 应为数字", key + " must be a number").on_field(key, "应为数字");
  return v;
}

nlohmann::ordered_json request_json(const Open311View& v) {
  const auto& a = v.item.appeal;
  const bool closed = open311::is_closed(a.state);
  std::string notes;
  if (closed && a.reply_text) {
    notes = *a.reply_text;
  } else {
    notes = std::string(label_zh(a.state));
  }
  std::int64_t updated = a.created_at;
  for (auto t : {a.dispatched_at, a.signed_at, a.replied_at, a.closed_at, a.archived_at})
    if (t) updated = std::max(updated, *t);
  nlohmann::ordered_json j;
  j["service_request_id"] = a.number;
  j["status"] = closed ? "closed" : "open";
  j["status_notes"] = notes;
  j["service_name"] = v.item.category_name;
  j["service_code"] = v.service_code;
  j["description"] = a.confidential ? std::string("（保密）") : a.content;
  j["agency_responsible"] = v.item.lead_unit_name;
  j["service_notice"] = "";
  j["requested_datetime"] = open311::iso_time(a.created_at);
  j["updated_datetime"] = open311::iso_time(updated);
  j["expected_datetime"] =
      a.handle_due_at ? nlohmann::ordered_json(open311::iso_time(*a.handle_due_at)) : nlohmann::ordered_json(nullptr);
  j["address"] = a.address;
  j["address_id"] = "";
  j["zipcode"] = "";
  j["lat"] = a.lat ? nlohmann::ordered_json(*a.lat) : nlohmann::ordered_json(nullptr);
  j["long"] = a.lng ? nlohmann::ordered_json(*a.lng) : nlohmann::ordered_json(nullptr);
  j["media_url"] = v.open311 ? v.open311->media_url : std::string();
  return j;
}

std::vector<std::string> comma_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    auto end = text.find(',', pos);
    if (end == std::string::npos) end = text.size();
    auto item = text.substr(pos, end - pos);
    if (!item.empty()) out.push_back(item);
    pos = end + 1;
  }
  return out;
}

std::string api_key_of(const Request& req, const std::vector<std::pair<std::string, std::string>>& form) {
  auto key = form_value(form, "api_key", 64);
  if (key.empty()) key = req.q("api_key").value_or("");
  return key;
}

void add_open311_routes(platform::Runtime& rt, OpenAccess& open) {
  auto& r = rt.router;
  r.add({"GET", "/open311/v2/discovery.{format}", "", false, "open311", "Open311 service discovery",
         open311_route(nullptr, [](const Request& req, Format f, const std::string&) {
           nlohmann::ordered_json endpoint;
           endpoint["specification"] = "http://wiki.open311.org/GeoReport_v2";
           endpoint["url"] = base_url(req);
           endpoint["changeset"] = kChangeset;
           endpoint["type"] = "production";
           endpoint["formats"] = {"text/xml", "application/json"};
           nlohmann::ordered_json doc;
           doc["changeset"] = kChangeset;
           doc["contact"] = "12345 政务服务便民热线";
           doc["key_service"] = "api_key 由 12345 中心在“开放接口应用”中发放 (ask the 12345 centre for an api_key)";
           doc["endpoints"] = nlohmann::ordered_json::array({endpoint});
           return open311_response(200, doc, "discovery", f);
         })});
  r.add({"GET", "/open311/v2/services.{format}", "", false, "open311",
         "Open311 service list: the active leaf categories of the appeal catalogue",
         open311_route(nullptr, [&open](const Request&, Format f, const std::string&) {
           std::vector<Category> in_use;
           for (const auto& u : open.categories()) in_use.push_back(u.category);
           const auto all = by_id(in_use);
           nlohmann::ordered_json doc = nlohmann::ordered_json::array();
           for (const auto& c : open.services()) doc.push_back(service_json(c, all));
           return open311_response(200, doc, "services", f);
         })});
  r.add({"GET", "/open311/v2/services/{service_code}", "", false, "open311",
         "Open311 service definition (service_code.json or .xml): the attributes a request must carry",
         open311_route("service_code", [&open](const Request&, Format f, const std::string& service_code) {
           auto c = open.service(service_code);
           nlohmann::ordered_json attributes = nlohmann::ordered_json::array();
           int order = 1;
           for (const auto& a : open311::attributes()) {
             nlohmann::ordered_json values = nlohmann::ordered_json::array();
             for (const auto& [key, name] : a.values) values.push_back({{"key", key}, {"name", name}});
             nlohmann::ordered_json j;
             j["variable"] = true;
             j["code"] = a.code;
             j["datatype"] = a.datatype;
             j["required"] = a.required;
             j["datatype_description"] = "";
             j["order"] = order++;
             j["description"] = a.description;
             j["values"] = values;
             attributes.push_back(j);
           }
           nlohmann::ordered_json doc;
           doc["service_code"] = c.code;
           doc["attributes"] = attributes;
           return open311_response(200, doc, "service_definition", f);
         })});
  r.add({"POST", "/open311/v2/requests.{format}", "", false, "open311",
         "Open311: file a service request (form-encoded; api_key, service_code, lat/long or address_string, "
         "description, attribute[...]); it becomes an ordinary appeal",
         open311_route(nullptr,
                       [&open](const Request& req, Format f, const std::string&) {
                         const auto form = platform::parse_form(req.body);
                         auto caller = open.authenticate(req.client_ip, api_key_of(req, form));
                         const auto service_code = form_value(form, "service_code", 32);
                         if (service_code.empty())
                           throw Error::invalid("validation", "service_code 必填", "service_code is required")
                               .on_field("service_code", "必填");
                         Category service;
                         try {
                           service = open.service(service_code);
                         } catch (const Error&) {
                           throw Error::invalid("validation", "service_code 不存在：" + service_code,
                                                "no such service_code: " + service_code)
                               .on_field("service_code", "不存在");
                         }
                         const auto lat = form_number(form, "lat");
                         const auto lng = form_number(form, "long");
                         const auto address = form_value(form, "address_string", 200);
                         const auto address_id = form_value(form, "address_id", 64);
                         if (!lat && !lng && address.empty() && address_id.empty())
                           throw Error::invalid("validation", "须提供位置：lat 和 long，或 address_string",
                                                "a location is required: lat and long, or address_string")
                               .on_field("lat", "须提供位置");
                         const auto attrs = open311::read_attributes(form);
                         nlohmann::json body = {{"channel", "open311"},
                                                {"type", code(attrs.type)},
                                                {"urgency", code(attrs.urgency)},
                                                {"category_id", service.id},
                                                {"anonymous", attrs.anonymous},
                                                {"confidential", attrs.confidential},
                                                {"content", form_value(form, "description", 4000)}};
                         const auto name = form_value(form, "last_name", 32) + form_value(form, "first_name", 32);
                         if (!name.empty()) body["caller_name"] = name;
                         if (auto phone = form_value(form, "phone", 20); !phone.empty()) body["caller_phone"] = phone;
                         if (!address.empty()) body["address"] = address;
                         if (lat) body["lat"] = *lat;
                         if (lng) body["lng"] = *lng;
                         Open311Request extra;
                         extra.service_code = service.code;
                         extra.account_id = form_value(form, "account_id", 64);
                         extra.device_id = form_value(form, "device_id", 64);
                         extra.email = form_value(form, "email", 100);
                         extra.media_url = form_value(form, "media_url", 500);
                         if (!extra.media_url.empty() && extra.media_url.rfind("http://", 0) != 0 &&
                             extra.media_url.rfind("https://", 0) != 0)
                           throw Error::invalid("validation", "media_url 应为 http(s) 地址",
                                                "media_url must be an http(s) URL")
                               .on_field("media_url", "地址无效");
                         extra.attributes = attrs.posted.dump();
                         auto [a, saved] = open.post(caller, req.client_ip, parse_new(body), extra);
                         nlohmann::ordered_json item;
                         item["service_request_id"] = a.number;
                         item["token"] = saved.token;
                         item["service_notice"] = "诉求已受理，编号 " + a.number + "，查询码 " + a.query_code;
                         item["account_id"] = saved.account_id;
                         return open311_response(201, nlohmann::ordered_json::array({item}), "service_requests", f);
                       }),
         /*waits=*/true});
  auto list = [&open](const Request& req, const std::vector<std::string>& numbers) {
    auto caller = open.authenticate(req.client_ip, req.q("api_key").value_or(""));
    ListFilter filter;
    filter.size = kMaxRequests;
    if (!numbers.empty()) {
      // Other parameters are ignored when ids are given (the specification's rule).
      if (numbers.size() > 100)
        throw Error::invalid("validation", "service_request_id 最多 100 个", "at most 100 service_request_id");
      for (const auto& n : numbers)
        if (!plain_token(n, 32))
          throw Error::invalid("validation", "service_request_id 无效：" + n, "invalid service_request_id: " + n)
              .on_field("service_request_id", "无效");
      filter.numbers = numbers;
    } else {
      if (auto codes = req.q("service_code"); codes && !codes->empty()) {
        for (const auto& c : comma_list(*codes)) {
          try {
            filter.category_ids.push_back(open.service(c).id);
          } catch (const Error&) {
            throw Error::invalid("validation", "service_code 不存在：" + c, "no such service_code: " + c)
                .on_field("service_code", "不存在");
          }
        }
      }
      auto time = [&](const char* key) -> std::optional<std::int64_t> {
        auto v = req.q(key);
        if (!v || v->empty()) return std::nullopt;
        auto t = open311::parse_iso_time(*v);
        if (!t)
          throw Error::invalid("validation", std::string(key) + " 应为带时区的 ISO 8601 时间",
                               std::string(key) + " must be an ISO 8601 time with a zone")
              .on_field(key, "时间格式错误");
        return t;
      };
      auto end = time("end_date");
      auto start = time("start_date");
      if (!end) end = start ? *start + kDefaultWindowMs : platform::now_ms();
      if (!start) start = *end - kDefaultWindowMs;
      if (*start > *end)
        throw Error::invalid("validation", "start_date 晚于 end_date", "start_date is after end_date")
            .on_field("start_date", "晚于 end_date");
      filter.created_from = *start;
      filter.created_to = *end + 1;
      if (auto status = req.q("status"); status && !status->empty()) {
        bool want_open = false, want_closed = false;
        for (const auto& s : comma_list(*status)) {
          if (s == "open") {
            want_open = true;
          } else if (s == "closed") {
            want_closed = true;
          } else {
            throw Error::invalid("validation", "status 应为 open 或 closed", "status must be open or closed")
                .on_field("status", "取值无效");
          }
        }
        if (want_open != want_closed) filter.finished = want_closed;
      }
    }
    const auto views = open.requests(caller, filter);
    nlohmann::ordered_json doc = nlohmann::ordered_json::array();
    for (const auto& v : views) doc.push_back(request_json(v));
    return doc;
  };
  r.add({"GET", "/open311/v2/requests.{format}", "", false, "open311",
         "Open311: service requests the api_key's account may see (service_request_id, service_code, start_date, "
         "end_date, status; newest first, at most 1,000, default the last 90 days)",
         open311_route(nullptr, [list](const Request& req, Format f, const std::string&) {
           std::vector<std::string> numbers;
           if (auto ids = req.q("service_request_id"); ids && !ids->empty()) numbers = comma_list(*ids);
           return open311_response(200, list(req, numbers), "service_requests", f);
         })});
  r.add({"GET", "/open311/v2/requests/{service_request_id}", "", false, "open311",
         "Open311: one service request (id.json or .xml)",
         open311_route("service_request_id", [list](const Request& req, Format f, const std::string& id) {
           auto doc = list(req, {id});
           if (doc.empty()) throw Error::not_found("服务请求不存在：" + id, "no such service request: " + id);
           return open311_response(200, doc, "service_requests", f);
         })});
  r.add({"GET", "/open311/v2/tokens/{token}", "", false, "open311",
         "Open311: the service request a POST's token stands for (token.json or .xml)",
         open311_route("token", [&open](const Request& req, Format f, const std::string& token) {
           auto caller = open.authenticate(req.client_ip, req.q("api_key").value_or(""));
           std::optional<std::int64_t> id;
           const bool plausible =
               !token.empty() && token.size() <= 64 &&
               token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
                   std::string::npos;
           if (plausible) id = open.token(caller, token);
           if (!id) throw Error::not_found("令牌不存在：" + token, "no such token: " + token);
           ListFilter filter;
           filter.ids = {*id};
           filter.size = 1;
           auto views = open.requests(caller, filter);
           nlohmann::ordered_json item;
           item["service_request_id"] = views.empty() ? "" : views.front().item.appeal.number;
           item["token"] = token;
           return open311_response(200, nlohmann::ordered_json::array({item}), "service_requests", f);
         })});
}

}  // namespace

void add_open_routes(platform::Runtime& rt, OpenAccess& open) {
  add_public_routes(rt, open);
  add_client_routes(rt, open);
  add_open311_routes(rt, open);
}

}  // namespace ecity::appeals
