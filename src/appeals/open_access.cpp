#include "appeals/open_access.h"

#include "platform/auth/auth_service.h"
#include "platform/error.h"
#include "platform/http/message.h"
#include "platform/runtime.h"

#include <sodium.h>

#include <set>

namespace ecity::appeals {

using platform::Principal;
using platform::Tx;

namespace {

// Steps of a case a citizen is shown; the rest (returns, reminders, review send-backs) are
// the centre's internal business.
bool public_step(Action a) {
  switch (a) {
    case Action::kRegister:
    case Action::kAnswer:
    case Action::kDispatch:
    case Action::kSubdispatch:
    case Action::kSign:
    case Action::kApproveExtension:
    case Action::kReply:
    case Action::kApprove:
    case Action::kCallback:
    case Action::kClose:
    case Action::kArchive:
    case Action::kMerge:
      return true;
    default:
      return false;
  }
}

// A reply is the citizen's to read once the centre has reviewed it.
bool reply_reviewed(State s) {
  return s == State::kCallback || s == State::kClosed || s == State::kArchived || s == State::kMerged;
}

bool same_secret(const std::string& a, const std::string& b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Error no_case() {
  return Error::not_found("未找到该诉求，请核对编号和查询码", "no appeal with this number and query code");
}

Error bad_key() { return Error::forbidden("api_key 缺失、无效或已停用", "api_key missing, invalid or deactivated"); }

}  // namespace

OpenAccess::OpenAccess(platform::Runtime& rt, AppealService& appeals)
    : rt_(rt),
      appeals_(appeals),
      public_reads_(rt.config.limits.public_reads_per_minute, rt.config.limits.public_reads_per_minute),
      public_writes_(rt.config.limits.public_writes_per_hour / 60.0, rt.config.limits.public_writes_per_hour),
      open311_(rt.config.limits.open311_per_minute, rt.config.limits.open311_per_minute),
      bad_keys_(10, 10) {}

// ------------------------------------------------------------------- citizens

Appeal OpenAccess::file_public(const std::string& client_ip, NewAppeal in) {
  public_writes_.check(client_ip);
  in.channel = Channel::kWebsite;
  in.confidential = false;
  in.region_id.reset();  // located from the coordinates, if any
  Principal citizen;
  citizen.name = "市民（网站）";
  citizen.permissions = {"appeals:intake"};
  return appeals_.create(citizen, platform::Actor{std::nullopt, "citizen", client_ip}, in);
}

void OpenAccess::count_public_read(const std::string& client_ip) { public_reads_.check(client_ip); }

PublicStatus OpenAccess::public_status(const std::string& client_ip, const std::string& number,
                                       const std::string& query_code) {
  public_reads_.check(client_ip);
  const auto hash = platform::token_hash(query_code);
  auto found = rt_.db.read([&](soci::session& sql) -> std::optional<PublicStatus> {
    auto c = find_by_number(sql, number);
    if (!c || !c->query_code_hash || !same_secret(*c->query_code_hash, hash)) return std::nullopt;
    PublicStatus s;
    s.appeal = *load_appeal(sql, c->id);
    const auto names = load_stats_names(sql);
    const auto& departments = names.departments;
    const auto& regions = names.regions;
    auto name = [](const std::map<std::int64_t, std::string>& m, std::optional<std::int64_t> id) {
      if (!id) return std::string();
      auto it = m.find(*id);
      return it == m.end() ? std::string() : it->second;
    };
    s.category_name = name(names.categories, s.appeal.category_id);
    s.lead_unit_name = s.appeal.lead_department_id ? name(departments, s.appeal.lead_department_id)
                                                   : name(regions, s.appeal.lead_region_id);
    std::string unit;  // the unit holding the case as the timeline goes
    for (const auto& e : load_timeline(sql, c->id)) {
      auto data = e.data.empty() ? nlohmann::json::object() : nlohmann::json::parse(e.data);
      auto id_in = [&](const char* key) -> std::optional<std::int64_t> {
        if (!data.contains(key)) return std::nullopt;
        return data[key].get<std::int64_t>();
      };
      if (e.action == Action::kDispatch)
        unit = id_in("lead_department_id") ? name(departments, id_in("lead_department_id"))
                                           : name(regions, id_in("lead_region_id"));
      if (e.action == Action::kSubdispatch) unit = name(regions, id_in("region_id"));
      if (!public_step(e.action)) continue;
      const bool by_unit = e.action == Action::kDispatch || e.action == Action::kSubdispatch ||
                           e.action == Action::kSign || e.action == Action::kReply;
      s.steps.push_back({e.at, e.action, by_unit ? unit : std::string()});
    }
    if (!reply_reviewed(s.appeal.state)) {
      s.appeal.reply_text.reset();
      s.appeal.reply_result.reset();
    }
    return s;
  });
  if (!found) {
    // A wrong guess costs two more tokens: guessing codes runs out three times faster.
    public_reads_.take(client_ip, platform::now_ms(), 2.0);
    throw no_case();
  }
  return *found;
}

// ------------------------------------------------------------------- Open311 clients

std::vector<Open311Client> OpenAccess::clients(const Principal& who) {
  if (!who.can("appeals:config")) throw Error::forbidden();
  return rt_.db.read([](soci::session& sql) { return load_open311_clients(sql); });
}

std::pair<Open311Client, std::string> OpenAccess::add_client(const Principal& who, const platform::Actor& actor,
                                                             const std::string& name, Channel channel,
                                                             std::int64_t user_id) {
  if (!who.can("appeals:config")) throw Error::forbidden();
  Open311Client c;
  c.name = name;
  c.channel = channel;
  c.user_id = user_id;
  c.created_at = platform::now_ms();
  const std::string key = platform::random_token();
  c.key_prefix = key.substr(0, 6);
  rt_.db.write([&](Tx& tx) {
    long long n = 0;
    tx.sql << "SELECT COUNT(*) FROM open311_clients WHERE name = :n", soci::use(name), soci::into(n);
    if (n > 0)
      throw Error::conflict("duplicate-name", "已有同名的开放接口应用", "a client with this name exists")
          .on_field("name", "名称重复");
    Principal account;
    try {
      account = platform::AuthService::load_principal(tx.sql, user_id);
    } catch (const Error&) {
      throw Error::invalid("validation", "服务账号不存在", "no such user").on_field("user_id", "用户不存在");
    }
    if (!account.can("appeals:intake") || !account.can("appeals:read"))
      throw Error::invalid("validation", "服务账号须有受理诉求和查看诉求的权限",
                           "the service account needs appeals:intake and appeals:read")
          .on_field("user_id", "权限不足");
    c.id = insert_open311_client(tx.sql, c, platform::token_hash(key));
    c.user_name = account.name;
    platform::audit_operation(
        tx, actor, "open311_client", std::to_string(c.id), "create", nullptr,
        {{"name", c.name}, {"channel", code(c.channel)}, {"user_id", c.user_id}, {"key_prefix", c.key_prefix}});
  });
  return {c, key};
}

void OpenAccess::deactivate_client(const Principal& who, const platform::Actor& actor, std::int64_t id) {
  if (!who.can("appeals:config")) throw Error::forbidden();
  rt_.db.write([&](Tx& tx) {
    if (!deactivate_open311_client(tx.sql, id)) throw Error::not_found("开放接口应用不存在", "no such client");
    platform::audit_operation(tx, actor, "open311_client", std::to_string(id), "deactivate", nullptr,
                              {{"active", false}});
  });
}

// ------------------------------------------------------------------- Open311

Open311Caller OpenAccess::authenticate(const std::string& client_ip, const std::string& api_key) {
  if (api_key.empty()) throw bad_key();
  const auto hash = platform::token_hash(api_key);
  auto caller = rt_.db.read([&](soci::session& sql) -> std::optional<Open311Caller> {
    auto c = find_open311_client(sql, hash);
    if (!c || !c->active || !c->user_active) return std::nullopt;
    return Open311Caller{*c, platform::AuthService::load_principal(sql, c->user_id)};
  });
  if (!caller) {
    bad_keys_.check(client_ip);
    throw bad_key();
  }
  open311_.check("client:" + std::to_string(caller->client.id));
  if (!caller->principal.can("appeals:read")) throw bad_key();
  return *caller;
}

std::vector<Category> OpenAccess::services() {
  std::vector<Category> out;
  for (auto& u : categories_in_use(appeals_.categories()))
    if (u.leaf) out.push_back(std::move(u.category));
  return out;
}

std::vector<CategoryInUse> OpenAccess::categories() { return categories_in_use(appeals_.categories()); }

std::string OpenAccess::district_name() {
  return rt_.db.read([](soci::session& sql) { return root_region_name(sql); });
}

Category OpenAccess::service(const std::string& service_code) {
  for (const auto& c : services())
    if (c.code == service_code) return c;
  throw Error::not_found("服务不存在：" + service_code, "no such service: " + service_code);
}

std::pair<Appeal, Open311Request> OpenAccess::post(const Open311Caller& caller, const std::string& client_ip,
                                                   NewAppeal in, Open311Request extra) {
  if (!caller.principal.can("appeals:intake"))
    throw Error::forbidden("此 api_key 无权提交诉求", "this api_key may not file requests");
  in.channel = caller.client.channel;
  extra.client_id = caller.client.id;
  extra.token = platform::random_token();
  const platform::Actor actor{caller.principal.user_id, "open311:" + caller.client.name, client_ip};
  auto a = appeals_.create(caller.principal, actor, in, [&](Tx& tx, const Appeal& created) {
    extra.appeal_id = created.id;
    insert_open311_request(tx.sql, extra);
  });
  return {a, extra};
}

std::vector<Open311View> OpenAccess::requests(const Open311Caller& caller, ListFilter f) {
  f.count = false;
  f.page = 1;
  auto page = appeals_.list(caller.principal, f);
  std::vector<std::int64_t> ids;
  for (const auto& item : page.items) ids.push_back(item.appeal.id);
  auto extra = rt_.db.read([&](soci::session& sql) { return load_open311_requests(sql, ids); });
  std::map<std::int64_t, std::string> codes;
  for (const auto& c : appeals_.categories()) codes[c.id] = c.code;
  std::vector<Open311View> out;
  for (auto& item : page.items) {
    Open311View v;
    if (auto it = extra.find(item.appeal.id); it != extra.end()) v.open311 = it->second;
    v.service_code = codes[item.appeal.category_id];
    v.item = std::move(item);
    out.push_back(std::move(v));
  }
  return out;
}

std::optional<std::int64_t> OpenAccess::token(const Open311Caller& caller, const std::string& token) {
  auto r = rt_.db.read([&](soci::session& sql) { return find_open311_token(sql, token); });
  if (!r) return std::nullopt;
  ListFilter f;
  f.ids = {r->appeal_id};
  f.size = 1;
  f.count = false;
  if (appeals_.list(caller.principal, f).items.empty()) return std::nullopt;
  return r->appeal_id;
}

}  // namespace ecity::appeals
