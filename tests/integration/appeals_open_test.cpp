// The appeal centre's open doors over HTTP: the citizens' page (no account; number + query
// code) and Open311 GeoReport v2 (API keys acting as a service account), with their limits
// and the denials that keep a key or a guesser from seeing what is not theirs.
#include "harness.h"

#include <gtest/gtest.h>

namespace ecity::test {
namespace {

using nlohmann::json;

// Percent-encodes a form value (UTF-8 bytes as %XX).
std::string enc(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string form(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) out += (out.empty() ? "" : "&") + enc(k) + "=" + enc(v);
  return out;
}

const std::map<std::string, std::string> kForm{{"content-type", "application/x-www-form-urlencoded"}};

std::string admin() {
  static std::string token = login("admin");
  return token;
}

// The id of a leaf category named `name`, from the citizens' page metadata.
std::int64_t leaf(const std::string& name) {
  auto meta = http("GET", "/api/public/appeals/meta").json();
  for (const auto& c : meta["categories"])
    if (c["name"] == name && c["leaf"] == true) return c["id"].get<std::int64_t>();
  ADD_FAILURE() << "no leaf category " << name;
  return 0;
}

std::string service_code_of(const std::string& name) {
  auto services = http("GET", "/open311/v2/services.json").json();
  for (const auto& s : services)
    if (s["service_name"] == name) return s["service_code"].get<std::string>();
  ADD_FAILURE() << "no service " << name;
  return "";
}

json citizen_appeal(const std::string& content) {
  return {{"type", "help"},          {"category_id", leaf("路灯不亮")},
          {"caller_name", "王女士"}, {"caller_phone", "13906320001"},
          {"content", content},      {"address", "坛山街道文化路 12 号"}};
}

std::int64_t id_of_number(const std::string& number) {
  // Newest first: a case just filed is on the first page.
  auto found = http("GET", "/api/appeals?size=100", "", bearer(admin())).json();
  for (const auto& a : found["items"])
    if (a["number"] == number) return a["id"].get<std::int64_t>();
  ADD_FAILURE() << "no appeal " << number;
  return 0;
}

TEST(PublicAppeals, CitizenFilesAndFollowsWithNumberAndQueryCode) {
  auto meta = http("GET", "/api/public/appeals/meta");
  ASSERT_EQ(meta.status, 200) << meta.body;
  EXPECT_EQ(meta.json()["district"], "峄城区");
  EXPECT_EQ(meta.json()["types"].size(), 7u);

  auto r =
      http("POST", "/api/public/appeals", citizen_appeal("文化路西段路灯坏了一周，晚上漆黑一片，请尽快修理。").dump());
  ASSERT_EQ(r.status, 201) << r.body;
  const auto number = r.json()["number"].get<std::string>();
  const auto code = r.json()["query_code"].get<std::string>();
  EXPECT_EQ(code.size(), 8u);
  EXPECT_EQ(r.json()["state_label"], "已受理");

  auto s = http("GET", "/api/public/appeals/" + number + "?code=" + code);
  ASSERT_EQ(s.status, 200) << s.body;
  EXPECT_EQ(s.json()["state"], "registered");
  EXPECT_EQ(s.json()["category_name"], "路灯不亮");
  EXPECT_EQ(s.json()["timeline"].size(), 1u);
  EXPECT_EQ(s.body.find("13906320001"), std::string::npos) << "the caller's phone must not show";
  EXPECT_EQ(s.body.find("王女士"), std::string::npos) << "the caller's name must not show";
  std::string lower = code;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(http("GET", "/api/public/appeals/" + number + "?code=" + lower).status, 200) << "small letters too";

  // A wrong code and an unknown number answer alike.
  auto wrong = http("GET", "/api/public/appeals/" + number + "?code=" + (code[0] == 'A' ? "B" : "A") + code.substr(1));
  auto unknown = http("GET", "/api/public/appeals/YC19990101000001?code=" + code);
  EXPECT_EQ(wrong.status, 404);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(wrong.json()["detail"], unknown.json()["detail"]);
  EXPECT_EQ(http("GET", "/api/public/appeals/" + number).status, 404);
  EXPECT_EQ(http("GET", "/api/public/appeals/" + number + "?code=" + enc("' OR 1=1 --")).status, 404);

  // It is an ordinary appeal for the centre, on the website channel, registered by nobody.
  const auto id = id_of_number(number);
  auto staff = http("GET", "/api/appeals/" + std::to_string(id), "", bearer(admin())).json();
  EXPECT_EQ(staff["channel"], "website");
  EXPECT_FALSE(staff.contains("query_code")) << "the code is shown once, at filing";
  EXPECT_EQ(staff["timeline"][0]["user_id"], nullptr);

  // Dispatched to the housing bureau: the citizen sees the unit, not the people.
  auto dispatcher = login("paidan");
  auto housing = login("zhujian");
  const auto dept = http("GET", "/api/org/departments", "", bearer(admin())).json();
  std::int64_t housing_id = 0;
  for (const auto& d : dept.is_array() ? dept : dept["items"])
    if (d["code"] == "200013") housing_id = d["id"].get<std::int64_t>();
  auto act = [&](const std::string& token, const std::string& action, const json& body) {
    auto a = http("POST", "/api/appeals/" + std::to_string(id) + "/actions/" + action, body.dump(), bearer(token));
    EXPECT_EQ(a.status, 200) << action << ": " << a.body;
  };
  act(dispatcher, "dispatch", {{"lead_department_id", housing_id}});
  act(housing, "sign", json::object());
  act(housing, "reply", {{"text", "已更换文化路西段损坏灯具 6 盏，恢复照明。"}, {"result", "solved"}});
  s = http("GET", "/api/public/appeals/" + number + "?code=" + code);
  ASSERT_EQ(s.status, 200);
  EXPECT_EQ(s.json()["lead_unit_name"], "区住房和城乡建设局");
  EXPECT_EQ(s.json()["reply_text"], nullptr) << "a reply is shown once the centre has reviewed it";
  bool dispatched_to_unit = false;
  const auto progress = s.json();
  for (const auto& step : progress["timeline"])
    if (step["action"] == "dispatch") dispatched_to_unit = !step["unit_name"].is_null();
  EXPECT_TRUE(dispatched_to_unit) << s.body;
  EXPECT_EQ(s.body.find("区住建局承办人"), std::string::npos) << "staff names stay inside";
  act(dispatcher, "approve", json::object());
  s = http("GET", "/api/public/appeals/" + number + "?code=" + code);
  EXPECT_EQ(s.json()["reply_text"], "已更换文化路西段损坏灯具 6 盏，恢复照明。");
  EXPECT_EQ(s.json()["reply_result_label"], "已解决");
}

TEST(PublicAppeals, FilingIsValidatedAndLimitedToTheCitizensFields) {
  auto body = citizen_appeal("路灯");
  auto r = http("POST", "/api/public/appeals", body.dump());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json()["errors"][0]["field"], "content");

  for (const auto& [key, value] : std::vector<std::pair<std::string, json>>{
           {"channel", "phone"}, {"confidential", true}, {"region_id", 1}, {"urgency", "critical"}}) {
    auto b = citizen_appeal("文化路西段路灯坏了一周，请尽快修理。");
    b[key] = value;
    auto x = http("POST", "/api/public/appeals", b.dump());
    EXPECT_EQ(x.status, 400) << key;
    EXPECT_EQ(x.json()["errors"][0]["field"], key);
  }
  auto anon = citizen_appeal("文化路西段路灯坏了一周，请尽快修理。");
  anon.erase("caller_name");
  EXPECT_EQ(http("POST", "/api/public/appeals", anon.dump()).status, 400) << "a name unless anonymous";
  anon["anonymous"] = true;
  anon.erase("caller_phone");
  EXPECT_EQ(http("POST", "/api/public/appeals", anon.dump()).status, 201);
  EXPECT_EQ(http("POST", "/api/public/appeals", "{not json").status, 400);
}

TEST(PublicAppeals, GuessingCodesRunsIntoTheLimitPerAddress) {
  const std::map<std::string, std::string> from{{kSourceAddress, "127.0.0.9"}};
  auto filed = http("POST", "/api/public/appeals", citizen_appeal("青檀路中段路灯忽明忽暗，请派人检修。").dump());
  ASSERT_EQ(filed.status, 201);
  const auto number = filed.json()["number"].get<std::string>();
  int refused_at = 0;
  for (int i = 1; i <= 15 && refused_at == 0; ++i) {
    auto r = http("GET", "/api/public/appeals/" + number + "?code=ZZZZZZZ" + std::to_string(i % 10), "", from);
    if (r.status == 429) {
      refused_at = i;
      EXPECT_FALSE(r.header("retry-after").empty());
      EXPECT_EQ(r.header("content-type").rfind("application/problem+json", 0), 0u);
    } else {
      EXPECT_EQ(r.status, 404);
    }
  }
  // 30 a minute, a wrong guess costs 3: the eleventh guess is refused.
  EXPECT_EQ(refused_at, 11);
  // Even the right code waits now from that address; another address is not affected.
  const auto code = filed.json()["query_code"].get<std::string>();
  EXPECT_EQ(http("GET", "/api/public/appeals/" + number + "?code=" + code, "", from).status, 429);
  EXPECT_EQ(http("GET", "/api/public/appeals/" + number + "?code=" + code).status, 200);
}

TEST(PublicAppeals, FilingIsLimitedPerAddress) {
  const std::map<std::string, std::string> from{{kSourceAddress, "127.0.0.10"}, {"content-type", "application/json"}};
  int created = 0, refused = 0;
  for (int i = 0; i < 12; ++i) {
    auto r = http("POST", "/api/public/appeals",
                  citizen_appeal("榴园路第 " + std::to_string(i) + " 盏路灯不亮，请修理。").dump(), from);
    if (r.status == 201) ++created;
    if (r.status == 429) ++refused;
  }
  EXPECT_EQ(created, 10);  // [limits] public_writes_per_hour
  EXPECT_EQ(refused, 2);
}

// ------------------------------------------------------------------- Open311

struct Client {
  std::int64_t id = 0;
  std::string key;
};

std::int64_t role_named(const std::string& code, const std::string& scope) {
  const auto roles = http("GET", "/api/roles", "", bearer(admin())).json();
  for (const auto& x : roles["items"])
    if (x["code"] == code) return x["id"].get<std::int64_t>();
  auto r = http(
      "POST", "/api/roles",
      json{{"code", code}, {"name", code}, {"data_scope", scope}, {"permissions", {"appeals:read", "appeals:intake"}}}
          .dump(),
      bearer(admin()));
  EXPECT_EQ(r.status, 201) << r.body;
  return r.json()["id"].get<std::int64_t>();
}

std::int64_t region_id(const std::string& code) {
  const auto regions = http("GET", "/api/org/regions", "", bearer(admin())).json();
  for (const auto& x : regions["items"])
    if (x["code"] == code) return x["id"].get<std::int64_t>();
  ADD_FAILURE() << "no region " << code;
  return 0;
}

// A service account with `role` (and a region, for region-scoped roles) and its client.
Client client(const std::string& name, std::int64_t role, std::optional<std::int64_t> region = std::nullopt) {
  json u = {{"username", name}, {"name", name}, {"password", "Open311#2026"}, {"role_ids", {role}}};
  if (region) u["region_id"] = *region;
  auto user = http("POST", "/api/users", u.dump(), bearer(admin()));
  EXPECT_EQ(user.status, 201) << user.body;
  auto r = http("POST", "/api/appeals/open311-clients",
                json{{"name", name}, {"channel", "wechat"}, {"user_id", user.json()["id"]}}.dump(), bearer(admin()));
  EXPECT_EQ(r.status, 201) << r.body;
  return {r.json()["id"].get<std::int64_t>(), r.json()["api_key"].get<std::string>()};
}

const Client& district_client() {
  static Client c = client("o311-district", role_named("open311_client", "all"));
  return c;
}

TEST(Open311, DiscoveryServicesAndDefinitionsInJsonAndXml) {
  auto d = http("GET", "/open311/v2/discovery.json");
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(d.json()["endpoints"][0]["specification"], "http://wiki.open311.org/GeoReport_v2");
  EXPECT_EQ(d.json()["endpoints"][0]["formats"], json({"text/xml", "application/json"}));

  auto services = http("GET", "/open311/v2/services.json");
  ASSERT_EQ(services.status, 200);
  EXPECT_GE(services.json().size(), 90u) << "every active leaf category is a service";
  const auto list = services.json();
  const auto& first = list[0];
  for (const char* key : {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"})
    EXPECT_TRUE(first.contains(key)) << key;
  EXPECT_EQ(first["type"], "realtime");

  auto xml = http("GET", "/open311/v2/services.xml");
  EXPECT_EQ(xml.header("content-type"), "text/xml; charset=utf-8");
  EXPECT_EQ(xml.body.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<services><service><service_code>", 0), 0u)
      << xml.body.substr(0, 200);

  const auto code = service_code_of("路灯不亮");
  auto def = http("GET", "/open311/v2/services/" + code + ".json");
  ASSERT_EQ(def.status, 200) << def.body;
  EXPECT_EQ(def.json()["service_code"], code);
  EXPECT_EQ(def.json()["attributes"][0]["code"], "type");
  EXPECT_EQ(def.json()["attributes"][0]["required"], true);
  EXPECT_EQ(def.json()["attributes"][0]["datatype"], "singlevaluelist");
  auto def_xml = http("GET", "/open311/v2/services/" + code + ".xml");
  EXPECT_NE(def_xml.body.find("<attributes><attribute><variable>true</variable><code>type</code>"), std::string::npos);

  // Errors in the specification's shape, in the requested format.
  auto missing = http("GET", "/open311/v2/services/nope.json");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.json()[0]["code"], 404);
  EXPECT_TRUE(missing.json()[0]["description"].is_string());
  auto missing_xml = http("GET", "/open311/v2/services/nope.xml");
  EXPECT_NE(missing_xml.body.find("<errors><error><code>404</code><description>"), std::string::npos);
  EXPECT_EQ(http("GET", "/open311/v2/services/" + code + ".yaml").status, 404);
  EXPECT_EQ(http("GET", "/open311/v2/discovery.html").status, 404);
}

TEST(Open311, PostBecomesAnOrdinaryAppealAndCanBeFollowed) {
  const auto& c = district_client();
  const auto code = service_code_of("路灯不亮");
  auto post = http("POST", "/open311/v2/requests.json",
                   form({{"api_key", c.key},
                         {"service_code", code},
                         {"lat", "34.7781"},
                         {"long", "117.5453"},
                         {"address_string", "坛山街道青檀路与文化路交叉口"},
                         {"description", "交叉口东北角路灯不亮已有三天，晚上过马路很危险。"},
                         {"attribute[type]", "help"},
                         {"attribute[urgency]", "urgent"},
                         {"last_name", "赵"},
                         {"first_name", "六"},
                         {"phone", "13906329999"},
                         {"account_id", "wx-8848"},
                         {"media_url", "https://img.example.org/lamp.jpg"}}),
                   kForm);
  ASSERT_EQ(post.status, 201) << post.body;
  const auto number = post.json()[0]["service_request_id"].get<std::string>();
  const auto token = post.json()[0]["token"].get<std::string>();
  EXPECT_EQ(post.json()[0]["account_id"], "wx-8848");

  // The centre sees an ordinary case, on the client's channel, located in its town.
  const auto id = id_of_number(number);
  auto staff = http("GET", "/api/appeals/" + std::to_string(id), "", bearer(admin())).json();
  EXPECT_EQ(staff["channel"], "wechat");
  EXPECT_EQ(staff["type"], "help");
  EXPECT_EQ(staff["urgency"], "urgent");
  EXPECT_EQ(staff["caller"]["name"], "赵六");
  EXPECT_FALSE(staff["region_id"].is_null()) << "located from lat/long";

  auto one = http("GET", "/open311/v2/requests/" + number + ".json?api_key=" + enc(c.key));
  ASSERT_EQ(one.status, 200) << one.body;
  ASSERT_EQ(one.json().size(), 1u);
  const auto req = one.json()[0];
  EXPECT_EQ(req["status"], "open");
  EXPECT_EQ(req["service_code"], code);
  EXPECT_EQ(req["media_url"], "https://img.example.org/lamp.jpg");
  EXPECT_EQ(req["requested_datetime"].get<std::string>().substr(19), "+08:00");
  EXPECT_EQ(one.body.find("13906329999"), std::string::npos) << "no caller data over Open311";

  auto by_token = http("GET", "/open311/v2/tokens/" + token + ".xml?api_key=" + enc(c.key));
  ASSERT_EQ(by_token.status, 200) << by_token.body;
  EXPECT_NE(by_token.body.find("<service_request_id>" + number + "</service_request_id>"), std::string::npos);

  auto listed = http("GET", "/open311/v2/requests.json?status=open&service_code=" + code + "&api_key=" + enc(c.key));
  ASSERT_EQ(listed.status, 200) << listed.body;
  bool found = false;
  for (const auto& x : listed.json()) {
    found = found || x["service_request_id"] == number;
    EXPECT_EQ(x["status"], "open");
    EXPECT_EQ(x["service_code"], code);
  }
  EXPECT_TRUE(found);
  auto closed = http("GET", "/open311/v2/requests.json?status=closed&service_code=" + code + "&api_key=" + enc(c.key));
  for (const auto& x : closed.json()) EXPECT_NE(x["service_request_id"], number);
  auto window = http(
      "GET", "/open311/v2/requests.json?start_date=2001-01-01T00:00:00Z&end_date=2001-02-01T00:00:00%2B08:00&api_key=" +
                 enc(c.key));
  ASSERT_EQ(window.status, 200) << window.body;
  EXPECT_EQ(window.json().size(), 0u);
  auto bad_date = http("GET", "/open311/v2/requests.json?start_date=2001-01-01&api_key=" + enc(c.key));
  EXPECT_EQ(bad_date.status, 400);
  EXPECT_EQ(bad_date.json()[0]["code"], 400);
}

TEST(Open311, BadRequestsAnswerInTheSpecificationsShapeAndWriteNothing) {
  const auto& c = district_client();
  const auto code = service_code_of("路灯不亮");
  const std::vector<std::pair<std::string, std::string>> good{{"api_key", c.key},
                                                              {"service_code", code},
                                                              {"lat", "34.7781"},
                                                              {"long", "117.5453"},
                                                              {"description", "路灯不亮已有三天，晚上很危险。"},
                                                              {"attribute[type]", "help"},
                                                              {"attribute[anonymous]", "true"}};
  auto without = [&](const std::string& key) {
    auto f = good;
    std::erase_if(f, [&](const auto& p) { return p.first == key; });
    return f;
  };
  auto with = [&](const std::string& key, const std::string& value) {
    auto f = good;
    f.emplace_back(key, value);
    return f;
  };
  auto before = http("GET", "/api/appeals?size=1", "", bearer(admin())).json()["total"];
  struct Case {
    std::vector<std::pair<std::string, std::string>> form;
    int status;
    std::string mentions;
  };
  const std::vector<Case> cases{
      {without("api_key"), 403, "api_key"},
      {with("api_key", "not-a-key"), 403, "api_key"},
      {without("service_code"), 400, "service_code"},
      {with("service_code", "no-such"), 400, "service_code"},
      {without("attribute[type]"), 400, "attribute[type]"},
      {with("attribute[colour]", "red"), 400, "attribute[colour]"},
      {with("attribute[urgency]", "now"), 400, "attribute[urgency]"},
      {with("attribute[type][]", "consult"), 400, "attribute[type]"},
      {with("lat", "north"), 400, "lat"},
      {with("lat", "95"), 400, "lat"},
      {with("description", "短"), 400, "description"},
      {with("media_url", "file:///etc/passwd"), 400, "media_url"},
  };
  for (const auto& t : cases) {
    auto r = http("POST", "/open311/v2/requests.json", form(t.form), kForm);
    EXPECT_EQ(r.status, t.status) << t.mentions << ": " << r.body;
    ASSERT_TRUE(r.json().is_array()) << r.body;
    EXPECT_EQ(r.json()[0]["code"], t.status);
    EXPECT_NE(r.json()[0]["description"].get<std::string>().find(t.mentions), std::string::npos)
        << t.mentions << ": " << r.body;
  }
  auto no_location = good;
  std::erase_if(no_location, [](const auto& p) { return p.first == "lat" || p.first == "long"; });
  EXPECT_EQ(http("POST", "/open311/v2/requests.xml", form(no_location), kForm).status, 400);
  EXPECT_EQ(http("POST", "/open311/v2/requests.json", "a=%zz", kForm).status, 400);
  EXPECT_EQ(http("GET", "/api/appeals?size=1", "", bearer(admin())).json()["total"], before) << "nothing written";

  // Reads need a key too: appeals are personal data.
  EXPECT_EQ(http("GET", "/open311/v2/requests.json").status, 403);
  EXPECT_EQ(http("GET", "/open311/v2/tokens/abc.json").status, 403);
}

TEST(Open311, AKeySeesOnlyWhatItsServiceAccountMaySeeAndStopsWhenDeactivated) {
  // A key for 古邵镇's own app: its service account has a region scope.
  const auto gushao = client("o311-gushao", role_named("open311_region", "region"), region_id("370404100000"));
  const auto& district = district_client();
  const auto code = service_code_of("路灯不亮");
  auto post = [&](const Client& c, const std::string& lat, const std::string& lng) {
    auto r = http("POST", "/open311/v2/requests.json",
                  form({{"api_key", c.key},
                        {"service_code", code},
                        {"lat", lat},
                        {"long", lng},
                        {"description", "村口路灯不亮，请尽快修理。"},
                        {"attribute[type]", "help"},
                        {"attribute[anonymous]", "true"}}),
                  kForm);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json()[0];
  };
  // One in 坛山街道 through the district's key, one in 古邵镇 through the town's key.
  auto tanshan_case = post(district, "34.7781", "117.5453");
  auto gushao_case = post(gushao, "34.7180", "117.6060");
  const auto tanshan_number = tanshan_case["service_request_id"].get<std::string>();
  const auto gushao_number = gushao_case["service_request_id"].get<std::string>();

  auto mine = http("GET", "/open311/v2/requests/" + gushao_number + ".json?api_key=" + enc(gushao.key));
  EXPECT_EQ(mine.status, 200) << mine.body;
  auto other = http("GET", "/open311/v2/requests/" + tanshan_number + ".json?api_key=" + enc(gushao.key));
  EXPECT_EQ(other.status, 404) << "another town's case is not found, not forbidden";
  auto listed = http("GET", "/open311/v2/requests.json?service_request_id=" + tanshan_number + "," + gushao_number +
                                "&api_key=" + enc(gushao.key));
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(listed.json().size(), 1u);
  EXPECT_EQ(listed.json()[0]["service_request_id"], gushao_number);
  auto token = http(
      "GET", "/open311/v2/tokens/" + tanshan_case["token"].get<std::string>() + ".json?api_key=" + enc(gushao.key));
  EXPECT_EQ(token.status, 404);
  EXPECT_EQ(http("GET", "/open311/v2/requests/" + gushao_number + ".json?api_key=" + enc(district.key)).status, 200);

  // The centre switches the town's key off: it stops at once, and the change is audited.
  EXPECT_EQ(
      http("DELETE", "/api/appeals/open311-clients/" + std::to_string(gushao.id), "", bearer(login("hotline"))).status,
      403);
  EXPECT_EQ(http("DELETE", "/api/appeals/open311-clients/" + std::to_string(gushao.id), "", bearer(admin())).status,
            204);
  EXPECT_EQ(http("GET", "/open311/v2/requests.json?api_key=" + enc(gushao.key)).status, 403);
  const auto clients = http("GET", "/api/appeals/open311-clients", "", bearer(admin())).json()["items"];
  for (const auto& x : clients) {
    EXPECT_FALSE(x.contains("api_key")) << "keys are shown once";
    if (x["id"] == gushao.id) {
      EXPECT_EQ(x["active"], false);
    }
  }
  auto log = http("GET", "/api/audit/operations?entity=open311_client", "", bearer(admin()));
  EXPECT_NE(log.body.find("deactivate"), std::string::npos) << log.body.substr(0, 300);
}

TEST(Open311, ClientsAreManagedByTheCentreOnly) {
  auto hotline = login("hotline");
  EXPECT_EQ(http("GET", "/api/appeals/open311-clients", "", bearer(hotline)).status, 403);
  EXPECT_EQ(
      http("POST", "/api/appeals/open311-clients", json{{"name", "x"}, {"user_id", 1}}.dump(), bearer(hotline)).status,
      403);
  // A service account must be able to file and read appeals; names are unique.
  auto leader_id = [&] {
    const auto users = http("GET", "/api/users?q=leader", "", bearer(admin())).json();
    for (const auto& u : users["items"])
      if (u["username"] == "leader") return u["id"].get<std::int64_t>();
    return std::int64_t{0};
  }();
  auto r = http("POST", "/api/appeals/open311-clients", json{{"name", "领导账号"}, {"user_id", leader_id}}.dump(),
                bearer(admin()));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json()["errors"][0]["field"], "user_id");
  district_client();
  auto dup = http("POST", "/api/appeals/open311-clients",
                  json{{"name", "o311-district"}, {"user_id", leader_id}}.dump(), bearer(admin()));
  EXPECT_EQ(dup.status, 409) << dup.body;
  EXPECT_EQ(http("POST", "/api/appeals/open311-clients", json{{"name", "x"}, {"user_id", 1}, {"channel", "fax"}}.dump(),
                 bearer(admin()))
                .status,
            400);
}

}  // namespace
}  // namespace ecity::test
