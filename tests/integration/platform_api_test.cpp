// The platform's HTTP API end to end, on the backend chosen by ECITY_TEST_BACKEND.
#include "harness.h"

#include "platform/db/migrations.h"
#include "platform/db/row.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

namespace ecity::test {
namespace {

using nlohmann::json;
using platform::Tx;

long long count_where(const std::string& table, const std::string& condition) {
  return runtime().db.read([&](soci::session& sql) {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM " + table + " WHERE " + condition, soci::into(n);
    return n;
  });
}

long long count_rows(const std::string& table) {
  return runtime().db.read([&](soci::session& sql) {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM " + table, soci::into(n);
    return n;
  });
}

std::string admin() {
  static std::string token = login("admin");
  return token;
}

std::string strong(const std::string& tag) { return "Pw#" + tag + "x12345"; }

json create_user(const std::string& token, json body) {
  auto r = http("POST", "/api/users", body.dump(), bearer(token));
  EXPECT_EQ(r.status, 201) << r.body;
  return r.json();
}

// ------------------------------------------------------------------ system endpoints

TEST(System, HealthReadyAndMetrics) {
  EXPECT_EQ(http("GET", "/healthz").status, 200);
  EXPECT_EQ(http("GET", "/readyz").status, 200);
  http("GET", "/api/org/regions", "", bearer(admin()));
  auto m = http("GET", "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("ecity_http_requests_total{route=\"/api/org/regions\",method=\"GET\",status=\"200\"}"), std::string::npos);
  EXPECT_NE(m.body.find("ecity_http_request_duration_seconds_bucket{route=\"/api/org/regions\",le=\"+Inf\"}"), std::string::npos);
  EXPECT_NE(m.body.find("ecity_db_pool_in_use"), std::string::npos);
  EXPECT_NE(m.body.find("ecity_db_errors_total"), std::string::npos);
}

TEST(System, OpenApiListsEveryRouteAndNothingElse) {
  auto doc = http("GET", "/api/openapi.json").json();
  ASSERT_EQ(doc["openapi"], "3.1.0");
  std::set<std::string> documented, routed;
  for (const auto& [path, ops] : doc["paths"].items())
    for (const auto& [method, op] : ops.items()) documented.insert(method + " " + path);
  for (const auto& r : runtime().router.routes()) {
    std::string m = r.method;
    for (auto& c : m) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    routed.insert(m + " " + r.pattern);
  }
  EXPECT_EQ(documented, routed);
  EXPECT_GE(routed.size(), 30u);
}

TEST(System, UnknownApiAndWrongMethodAreProblems) {
  auto r = http("GET", "/api/nope", "", bearer(admin()));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.header("content-type").rfind("application/problem+json", 0), 0u);
  EXPECT_EQ(r.json()["type"], "urn:ecity:problem:not-found");
  auto m = http("PATCH", "/api/users", "{}", bearer(admin()));
  EXPECT_EQ(m.status, 405);
  EXPECT_NE(m.header("allow").find("GET"), std::string::npos);
}

TEST(System, ProblemDetailFollowsAcceptLanguage) {
  auto zh = http("GET", "/api/users").json();
  auto en = http("GET", "/api/users", "", {{"Accept-Language", "en-US,en;q=0.9"}}).json();
  EXPECT_EQ(zh["status"], 401);
  EXPECT_EQ(zh["type"], en["type"]);
  EXPECT_EQ(zh["title"], "Unauthorized");
  EXPECT_NE(zh["detail"].get<std::string>().find("登录"), std::string::npos);
  EXPECT_NE(en["detail"].get<std::string>().find("signed in"), std::string::npos);
}

TEST(System, LimitsAnswer413And431) {
  std::string big(70 * 1024, 'x');
  auto r = raw("POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
               std::to_string(big.size()) + "\r\n\r\n" + big);
  EXPECT_EQ(r.rfind("HTTP/1.1 413", 0), 0u) << r.substr(0, 80);
  auto h = raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(9 * 1024, 'a') + "\r\n\r\n");
  EXPECT_EQ(h.rfind("HTTP/1.1 431", 0), 0u) << h.substr(0, 80);
  auto bad = raw("GARBAGE\r\n\r\n");
  EXPECT_EQ(bad.rfind("HTTP/1.1 400", 0), 0u) << bad.substr(0, 80);
}

TEST(System, StaticFilesWithEtagAndNoTraversal) {
  auto r = http("GET", "/assets/app.js");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "console.log('ecity')");
  auto etag = r.header("etag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(http("GET", "/assets/app.js", "", {{"If-None-Match", etag}}).status, 304);
  // Client-side routes get the console; traversal never reaches a file outside the root.
  EXPECT_NE(http("GET", "/users").body.find("<title>ecity</title>"), std::string::npos);
  for (const char* t : {"/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/assets/..%2f..%2f..%2fetc%2fpasswd",
                        "/..%5c..%5cetc%5cpasswd", "/assets/%00.js"}) {
    auto x = http("GET", t);
    EXPECT_EQ(x.body.find("root:"), std::string::npos) << t;
    EXPECT_NE(x.status, 200) << t << " " << x.body.substr(0, 60);
  }
}

// ---------------------------------------------------------------------- sign-in

TEST(Auth, LoginMeLogout) {
  auto token = login("admin");
  auto me = http("GET", "/api/auth/me", "", bearer(token));
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.json()["user"]["username"], "admin");
  EXPECT_EQ(me.json()["data_scope"], "all");
  EXPECT_EQ(http("POST", "/api/auth/logout", "", bearer(token)).status, 204);
  EXPECT_EQ(http("GET", "/api/auth/me", "", bearer(token)).status, 401);
}

TEST(Auth, WrongPasswordAndUnknownUserLookAlike) {
  auto a = http("POST", "/api/auth/login", R"({"username":"admin","password":"Wrong#pass1"})");
  auto b = http("POST", "/api/auth/login", R"({"username":"nobody-here","password":"Wrong#pass1"})");
  EXPECT_EQ(a.status, 401);
  EXPECT_EQ(b.status, 401);
  EXPECT_EQ(a.json()["detail"], b.json()["detail"]);
  EXPECT_EQ(a.json()["type"], "urn:ecity:problem:invalid-credentials");
  // The failed attempts are in the login log.
  auto log = http("GET", "/api/audit/logins?username=nobody-here", "", bearer(admin())).json();
  ASSERT_GE(log["total"].get<int>(), 1);
  EXPECT_EQ(log["items"][0]["success"], false);
}

TEST(Auth, FiveWrongPasswordsLockTheAccount) {
  create_user(admin(), {{"username", "locktest"}, {"name", "锁定测试"}, {"password", strong("lock")}});
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(http("POST", "/api/auth/login", R"({"username":"locktest","password":"Wrong#pass1"})").status, 401);
  auto fifth = http("POST", "/api/auth/login", R"({"username":"locktest","password":"Wrong#pass1"})");
  EXPECT_EQ(fifth.status, 423);
  EXPECT_GT(fifth.json()["locked_until"].get<long long>(), platform::now_ms() + 14 * 60 * 1000);
  // Locked: even the right password is refused.
  auto right = http("POST", "/api/auth/login", json{{"username", "locktest"}, {"password", strong("lock")}}.dump());
  EXPECT_EQ(right.status, 423);
  // An administrator unlocks.
  auto users = http("GET", "/api/users?q=locktest", "", bearer(admin())).json();
  auto id = users["items"][0]["id"].get<long long>();
  EXPECT_EQ(http("POST", "/api/users/" + std::to_string(id) + "/unlock", "", bearer(admin())).status, 204);
  EXPECT_FALSE(login("locktest", strong("lock")).empty());
}

TEST(Auth, ForgedExpiredAndRevokedTokensAreRefused) {
  EXPECT_EQ(http("GET", "/api/auth/me", "", bearer("not-a-token")).status, 401);
  EXPECT_EQ(http("GET", "/api/auth/me", "", bearer(std::string(43, 'A'))).status, 401);
  EXPECT_EQ(http("GET", "/api/auth/me", "", {{"Authorization", "Basic YWRtaW46YQ=="}}).status, 401);
  // Expired: the absolute limit has passed.
  auto t1 = login("admin");
  runtime().db.write([&](Tx& tx) {
    std::string h = platform::token_hash(t1);
    tx.sql << "UPDATE sessions SET expires_at = 1 WHERE token_hash = :h", soci::use(h);
  });
  runtime().auth.invalidate();
  EXPECT_EQ(http("GET", "/api/auth/me", "", bearer(t1)).status, 401);
  // Revoked by an administrator.
  auto t2 = login("admin");
  auto sessions = http("GET", "/api/auth/sessions", "", bearer(admin())).json();
  long long sid = 0;
  for (const auto& s : sessions["items"])
    if (!s["current"].get<bool>()) sid = std::max(sid, s["id"].get<long long>());
  ASSERT_GT(sid, 0);
  EXPECT_EQ(http("DELETE", "/api/auth/sessions/" + std::to_string(sid), "", bearer(admin())).status, 204);
  EXPECT_EQ(http("GET", "/api/auth/me", "", bearer(t2)).status, 401);
}

TEST(Auth, PasswordsAreArgon2id) {
  auto hash = runtime().db.read([](soci::session& sql) {
    std::string h;
    sql << "SELECT password_hash FROM users WHERE username = 'admin'", soci::into(h);
    return h;
  });
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u);
}

// ---------------------------------------------------------------- users: bad input

TEST(Users, BadInputIsRefusedAndChangesNothing) {
  long long users_before = count_rows("users");
  long long audit_before = count_rows("audit_operations");
  struct Case {
    std::string body;
    int status;
    std::string slug;
  };
  std::string longname(65, 'a');
  std::vector<Case> cases = {
      {"{not json", 400, "malformed-json"},
      {"[1,2,3]", 400, "malformed-json"},
      {R"({"username":"u1","name":"n","password":12345678})", 400, "validation"},
      {R"({"username":"u1","password":"Pw#abc12345"})", 400, "validation"},
      {R"({"username":"u1","name":"n","password":"Pw#abc12345","admin":true})", 400, "validation"},
      {json{{"username", "u1"}, {"name", longname}, {"password", "Pw#abc12345"}}.dump(), 400, "validation"},
      {std::string("{\"username\":\"u1\",\"name\":\"\xff\xfe\",\"password\":\"Pw#abc12345\"}"), 400, "invalid-utf8"},
      {R"({"username":"u1","name":"n","password":"short"})", 400, "weak-password"},
      {R"({"username":"u1","name":"n","password":"alllowercase"})", 400, "weak-password"},
      {R"({"username":"admin","name":"n","password":"Pw#abc12345"})", 409, "username-taken"},
      {R"({"username":"u1","name":"n","password":"Pw#abc12345","department_id":999999})", 400, "validation"},
      {R"({"username":"u1","name":"n","password":"Pw#abc12345","role_ids":[999999]})", 400, "validation"},
      {R"({"username":"u1","name":"n","password":"Pw#abc12345","phone":"abc"})", 400, "validation"},
      {R"({"username":"u 1","name":"n","password":"Pw#abc12345"})", 400, "validation"},
  };
  for (const auto& c : cases) {
    auto r = http("POST", "/api/users", c.body, bearer(admin()));
    EXPECT_EQ(r.status, c.status) << c.body << " → " << r.body;
    EXPECT_EQ(r.json()["type"], "urn:ecity:problem:" + c.slug) << c.body;
    EXPECT_FALSE(r.json()["detail"].get<std::string>().empty());
  }
  EXPECT_EQ(count_rows("users"), users_before);
  EXPECT_EQ(count_rows("audit_operations"), audit_before);
}

TEST(Users, ScriptAndSqlLookingTextIsStoredVerbatim) {
  std::string name = "<img src=x onerror=alert(1)>'; DROP TABLE users; -- 峄城";
  auto u = create_user(admin(), {{"username", "verbatim"}, {"name", name}, {"password", strong("v")}});
  EXPECT_EQ(u["name"], name);
  auto again = http("GET", "/api/users/" + std::to_string(u["id"].get<long long>()), "", bearer(admin()));
  EXPECT_EQ(again.json()["name"], name);
  EXPECT_EQ(again.header("content-type").rfind("application/json", 0), 0u);
  EXPECT_GT(count_rows("users"), 0);
}

TEST(Users, CreateIsAuditedInTheSameTransaction) {
  auto u = create_user(admin(), {{"username", "audited"}, {"name", "审计"}, {"password", strong("a")},
                                 {"phone", "13812345678"}});
  auto log = http("GET", "/api/audit/operations?entity=user&action=create", "", bearer(admin())).json();
  bool found = false;
  for (const auto& e : log["items"])
    if (e["entity_id"] == std::to_string(u["id"].get<long long>())) {
      found = true;
      EXPECT_EQ(e["username"], "admin");
      EXPECT_EQ(e["after"]["username"], "audited");
      EXPECT_EQ(e["after"].dump().find("argon2"), std::string::npos);
      EXPECT_EQ(e["after"]["phone"], "138****5678");  // the log itself never holds full PII
    }
  EXPECT_TRUE(found);
}

TEST(Users, AuditLogIsAppendOnly) {
  ASSERT_GT(count_rows("audit_operations"), 0);
  EXPECT_ANY_THROW(runtime().db.write([](Tx& tx) { tx.sql << "UPDATE audit_operations SET action = 'x'"; }));
  EXPECT_ANY_THROW(runtime().db.write([](Tx& tx) { tx.sql << "DELETE FROM audit_logins"; }));
  EXPECT_EQ(http("DELETE", "/api/audit/operations", "", bearer(admin())).status, 405);
}

TEST(Users, ListPagesSearchesLiterallyAndShowsRoles) {
  auto a = create_user(admin(), {{"username", "page_a"}, {"name", "百分号%用户"}, {"password", strong("pa")}});
  create_user(admin(), {{"username", "page_b"}, {"name", "普通用户"}, {"password", strong("pb")}});
  auto pct = http("GET", "/api/users?q=%25", "", bearer(admin())).json();
  ASSERT_EQ(pct["total"], 1) << pct.dump();  // % matches itself, not everything
  EXPECT_EQ(pct["items"][0]["username"], "page_a");
  auto all = http("GET", "/api/users?size=200", "", bearer(admin())).json();
  auto p1 = http("GET", "/api/users?size=2&page=1", "", bearer(admin())).json();
  auto p2 = http("GET", "/api/users?size=2&page=2", "", bearer(admin())).json();
  EXPECT_EQ(p1["total"], all["total"]);
  ASSERT_EQ(p1["items"].size(), 2u);
  EXPECT_EQ(p2["items"][0], all["items"][2]);
  EXPECT_EQ(all["items"][0]["roles"][0]["code"], "admin");
  auto past = http("GET", "/api/users?size=50&page=9999", "", bearer(admin())).json();
  EXPECT_TRUE(past["items"].empty());
  EXPECT_EQ(past["total"], all["total"]);
  (void)a;
}

TEST(Users, CachedListStatementsSeeNewWrites) {
  // Run the same list on every pooled session (its statement is cached per session and may
  // stop before the end of its rows), then write, then list again: every session must see
  // the write, none may answer from an old snapshot.
  std::vector<long long> before;
  for (int i = 0; i < 12; ++i) before.push_back(http("GET", "/api/users?size=2", "", bearer(admin())).json()["total"]);
  auto fresh = create_user(admin(), {{"username", "fresh_one"}, {"name", "新用户"}, {"password", strong("f")}});
  auto path = "/api/users/" + std::to_string(fresh["id"].get<long long>());
  for (int i = 0; i < 12; ++i) {
    // Other statements on a session whose list statement was left unfinished would run in
    // its old read snapshot.
    EXPECT_EQ(http("GET", path, "", bearer(admin())).status, 200) << "session answered from an old snapshot";
    auto after = http("GET", "/api/users?size=2", "", bearer(admin())).json();
    EXPECT_EQ(after["total"].get<long long>(), before[0] + 1);
  }
  auto last = http("GET", "/api/users?q=fresh_one", "", bearer(admin())).json();
  ASSERT_EQ(last["items"].size(), 1u);
}

TEST(Users, PhoneAndIdCardMaskedWithoutPiiRead) {
  auto u = create_user(admin(), {{"username", "pii"}, {"name", "张三"}, {"password", strong("p")},
                                 {"phone", "13912345678"}, {"id_card", "370404199001011234"}});
  auto path = "/api/users/" + std::to_string(u["id"].get<long long>());
  auto full = http("GET", path, "", bearer(admin())).json();
  EXPECT_EQ(full["phone"], "13912345678");
  auto leader = login("leader");
  auto masked = http("GET", path, "", bearer(leader)).json();
  EXPECT_EQ(masked["phone"], "139****5678");
  EXPECT_EQ(masked["id_card"], "370404********1234");
}

// ---------------------------------------------------------------------- data scope

TEST(Scope, TownAdminSeesOnlyItsTown) {
  auto regions = http("GET", "/api/org/regions", "", bearer(admin())).json()["items"];
  long long tanshan = 0, gushao = 0;
  for (const auto& r : regions) {
    if (r["code"] == "370404001000") tanshan = r["id"];
    if (r["code"] == "370404100000") gushao = r["id"];
  }
  ASSERT_GT(tanshan, 0);
  auto in_town = create_user(admin(), {{"username", "ts_worker"}, {"name", "坛山网格员"}, {"password", strong("t")},
                                       {"region_id", tanshan}});
  auto other = create_user(admin(), {{"username", "gs_worker"}, {"name", "古邵网格员"}, {"password", strong("g")},
                                     {"region_id", gushao}});
  auto town = login("tanshan");
  auto list = http("GET", "/api/users?size=200", "", bearer(town)).json();
  std::set<std::string> names;
  for (const auto& u : list["items"]) names.insert(u["username"]);
  EXPECT_TRUE(names.count("ts_worker"));
  EXPECT_TRUE(names.count("tanshan"));
  EXPECT_FALSE(names.count("gs_worker"));
  EXPECT_FALSE(names.count("admin"));
  EXPECT_EQ(list["total"].get<long long>(), static_cast<long long>(names.size()));
  for (const auto& u : list["items"])
    if (u["username"] == "tanshan") {
      ASSERT_EQ(u["roles"].size(), 1u);
      EXPECT_EQ(u["roles"][0]["code"], "town_admin");
      EXPECT_EQ(u["roles"][0]["name"], "镇街管理员");
    }
  // Outside the scope: 403, and nothing of the user in the answer.
  auto denied = http("GET", "/api/users/" + std::to_string(other["id"].get<long long>()), "", bearer(town));
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(denied.body.find("gs_worker"), std::string::npos);
  EXPECT_EQ(denied.body.find("古邵"), std::string::npos);
  auto put = http("PUT", "/api/users/" + std::to_string(other["id"].get<long long>()), R"({"name":"x"})", bearer(town));
  EXPECT_EQ(put.status, 403);
  // Cannot place a user in another town, nor grant an all-data role.
  auto placed = http("POST", "/api/users",
                     json{{"username", "ts_bad"}, {"name", "x"}, {"password", strong("b")}, {"region_id", gushao}}.dump(),
                     bearer(town));
  EXPECT_EQ(placed.status, 403);
  // Permissions the role lacks: 403 on the whole endpoint.
  EXPECT_EQ(http("GET", "/api/audit/operations", "", bearer(town)).status, 403);
  EXPECT_EQ(http("POST", "/api/roles", R"({"code":"x","name":"x","data_scope":"all","permissions":[]})", bearer(town)).status, 403);
}

// --------------------------------------------------------------------------- org

TEST(Org, DemoDistrictTreeAndLocate) {
  auto regions = http("GET", "/api/org/regions", "", bearer(admin())).json()["items"];
  std::map<std::string, int> levels;
  std::set<std::string> towns;
  for (const auto& r : regions) {
    levels[r["level"]]++;
    if (r["level"] == "town") towns.insert(r["name"]);
  }
  EXPECT_EQ(levels["district"], 1);
  EXPECT_EQ(towns, (std::set<std::string>{"坛山街道", "吴林街道", "古邵镇", "阴平镇", "底阁镇", "榴园镇", "峨山镇"}));
  EXPECT_GT(levels["village"], 20);
  EXPECT_GT(levels["grid"], 50);
  // Every grid answers for its own interior point: take one grid and query its centroid.
  auto loc = http("GET", "/api/org/locate?lng=117.6&lat=34.77", "", bearer(admin())).json();
  ASSERT_TRUE(loc["town"].is_object());
  ASSERT_TRUE(loc["grid"].is_object());
  auto outside = http("GET", "/api/org/locate?lng=100.0&lat=20.0", "", bearer(admin())).json();
  EXPECT_TRUE(outside["town"].is_null());
  EXPECT_EQ(http("GET", "/api/org/locate?lng=abc&lat=34", "", bearer(admin())).status, 400);
  EXPECT_EQ(http("GET", "/api/org/locate?lng=117.6", "", bearer(admin())).status, 400);
  EXPECT_EQ(http("GET", "/api/org/locate?lng=1e999&lat=34", "", bearer(admin())).status, 400);
}

TEST(Org, MapIsAFeatureCollectionOfVisibleRegions) {
  auto all = http("GET", "/api/org/map?level=town", "", bearer(admin()));
  ASSERT_EQ(all.status, 200) << all.body;
  auto fc = all.json();
  EXPECT_EQ(fc["type"], "FeatureCollection");
  std::set<std::string> names;
  for (const auto& f : fc["features"]) {
    EXPECT_EQ(f["type"], "Feature");
    EXPECT_EQ(f["properties"]["level"], "town");
    EXPECT_TRUE(f["geometry"]["type"] == "Polygon" || f["geometry"]["type"] == "MultiPolygon");
    names.insert(f["properties"]["name"]);
  }
  EXPECT_EQ(names.size(), 7u);
  // A town's handler sees its own town only.
  auto own = http("GET", "/api/org/map?level=town", "", bearer(login("tanshan"))).json();
  ASSERT_EQ(own["features"].size(), 1u);
  EXPECT_EQ(own["features"][0]["properties"]["name"], "坛山街道");
  EXPECT_GT(http("GET", "/api/org/map?level=grid", "", bearer(admin())).json()["features"].size(), 50u);
  EXPECT_EQ(http("GET", "/api/org/map?level=planet", "", bearer(admin())).status, 400);
  EXPECT_EQ(http("GET", "/api/org/map", "").status, 401);
}

TEST(Org, DepartmentsCreateMoveDelete) {
  auto a = http("POST", "/api/org/departments", R"({"code":"T-A","name":"测试部门A"})", bearer(admin()));
  ASSERT_EQ(a.status, 201) << a.body;
  auto aid = a.json()["id"].get<long long>();
  auto b = http("POST", "/api/org/departments", json{{"code", "T-B"}, {"name", "测试科室B"}, {"parent_id", aid}}.dump(),
                bearer(admin()));
  ASSERT_EQ(b.status, 201) << b.body;
  auto bid = b.json()["id"].get<long long>();
  EXPECT_EQ(http("POST", "/api/org/departments", R"({"code":"T-A","name":"重复"})", bearer(admin())).status, 409);
  // Moving A under its own child is a cycle.
  auto cyc = http("PUT", "/api/org/departments/" + std::to_string(aid), json{{"parent_id", bid}}.dump(), bearer(admin()));
  EXPECT_EQ(cyc.status, 409);
  EXPECT_EQ(http("DELETE", "/api/org/departments/" + std::to_string(aid), "", bearer(admin())).status, 409);
  EXPECT_EQ(http("DELETE", "/api/org/departments/" + std::to_string(bid), "", bearer(admin())).status, 204);
  EXPECT_EQ(http("DELETE", "/api/org/departments/" + std::to_string(aid), "", bearer(admin())).status, 204);
  EXPECT_EQ(http("DELETE", "/api/org/departments/" + std::to_string(aid), "", bearer(admin())).status, 404);
  EXPECT_EQ(http("DELETE", "/api/org/departments/abc", "", bearer(admin())).status, 404);
}

TEST(Org, DepartmentChangesArePublishedWithTheWrite) {
  auto outbox = [](const std::string& topic, const std::string& code) {
    return runtime().db.read([&](soci::session& sql) {
      long long n = 0;
      std::string like = "%\"code\":\"" + code + "\"%";
      sql << "SELECT COUNT(*) FROM outbox WHERE topic = :t AND payload LIKE :p", soci::use(topic), soci::use(like),
          soci::into(n);
      return n;
    });
  };
  auto r = http("POST", "/api/org/departments", R"({"code":"EV-1","name":"事件测试"})", bearer(admin()));
  ASSERT_EQ(r.status, 201);
  EXPECT_EQ(outbox("org.department.created", "EV-1"), 1);
  // A refused write publishes nothing.
  EXPECT_EQ(http("POST", "/api/org/departments", R"({"code":"EV-1","name":"重复"})", bearer(admin())).status, 409);
  EXPECT_EQ(outbox("org.department.created", "EV-1"), 1);
  EXPECT_EQ(http("DELETE", "/api/org/departments/" + std::to_string(r.json()["id"].get<long long>()), "", bearer(admin())).status, 204);
  EXPECT_EQ(outbox("org.department.deleted", "EV-1"), 1);
  auto u = create_user(admin(), {{"username", "evented"}, {"name", "事件"}, {"password", strong("e")}, {"phone", "13700001111"}});
  auto users = runtime().db.read([](soci::session& sql) {
    std::string payload;
    sql << "SELECT payload FROM outbox WHERE topic = 'auth.user.created' ORDER BY id DESC LIMIT 1", soci::into(payload);
    return payload;
  });
  EXPECT_NE(users.find("evented"), std::string::npos);
  EXPECT_EQ(users.find("13700001111"), std::string::npos);  // no personal data in events
}

TEST(Org, RegionImportRejectsBadGeoJsonAndKeepsNothing) {
  long long before = count_rows("regions");
  json fc = {{"type", "FeatureCollection"},
             {"features",
              {{{"type", "Feature"},
                {"properties", {{"code", "X1"}, {"name", "好"}, {"level", "town"}, {"parent_code", nullptr}}},
                {"geometry", {{"type", "Polygon"}, {"coordinates", {{{117.0, 34.0}, {117.1, 34.0}, {117.1, 34.1}, {117.0, 34.1}, {117.0, 34.0}}}}}}},
               {{"type", "Feature"},
                {"properties", {{"code", "X2"}, {"name", "坏"}, {"level", "village"}, {"parent_code", "X1"}}},
                {"geometry", {{"type", "Polygon"}, {"coordinates", {{{117.0, 34.0}, {117.1, 34.0}}}}}}}}}};
  platform::Actor a{std::nullopt, "test", "127.0.0.1"};
  EXPECT_THROW(runtime().org.import_regions(a, fc), Error);
  EXPECT_EQ(count_rows("regions"), before);
}

// ------------------------------------------------------------------- audit export

TEST(Audit, ExportCsvAndXlsx) {
  auto csv = http("GET", "/api/audit/operations/export?format=csv", "", bearer(admin()));
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.body.rfind("\xEF\xBB\xBF编号,时间", 0), 0u);
  EXPECT_NE(csv.header("content-disposition").find("operations.csv"), std::string::npos);
  auto xlsx = http("GET", "/api/audit/logins/export?format=xlsx", "", bearer(admin()));
  ASSERT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.body.rfind("PK", 0), 0u);
  EXPECT_EQ(http("GET", "/api/audit/logins/export?format=pdf", "", bearer(admin())).status, 400);
  EXPECT_EQ(http("GET", "/api/audit/logins?page=0", "", bearer(admin())).status, 400);
  EXPECT_EQ(http("GET", "/api/audit/logins?size=100000", "", bearer(admin())).status, 400);
}

// ----------------------------------------------------------------- events, storage

TEST(Events, OutboxDeliversCommittedEventsOnly) {
  // Delivery is asynchronous: wait for the dispatcher, bounded.
  static std::atomic<int> seen{0};
  static std::atomic<int> rolled_back_seen{0};
  // Subscribing after start is not supported by contract; use a private bus over the same
  // outbox, with the runtime's dispatcher paused so that it cannot take the events first.
  runtime().bus.stop();
  platform::EventBus bus(runtime().db);
  bus.subscribe("test.", [](const platform::Event& e) {
    if (e.payload.value("ok", false)) seen++;
    else rolled_back_seen++;
  });
  bus.deliver_pending();  // drain what other tests left
  seen = 0;
  runtime().db.write([&](Tx& tx) { bus.publish(tx, "test.ok", {{"ok", true}}); });
  EXPECT_THROW(runtime().db.write([&](Tx& tx) {
    bus.publish(tx, "test.rollback", {{"ok", false}});
    throw Error::conflict("x", "x", "x");
  }), Error);
  bus.deliver_pending();
  EXPECT_EQ(seen.load(), 1);
  EXPECT_EQ(rolled_back_seen.load(), 0);
  // Delivered once: a second pass finds nothing.
  EXPECT_EQ(bus.deliver_pending(), 0);
  // A subscriber that throws sees the event again; later events wait behind it (order).
  int attempts = 0;
  {
    platform::EventBus failing(runtime().db);
    failing.subscribe("test.retry", [&](const platform::Event&) {
      if (++attempts == 1) throw std::runtime_error("downstream unavailable");
    });
    runtime().db.write([&](Tx& tx) { failing.publish(tx, "test.retry", {{"n", 1}}); });
    EXPECT_EQ(failing.deliver_pending(), 0);
    EXPECT_EQ(failing.deliver_pending(), 1);
    EXPECT_EQ(attempts, 2);
  }
  // Published but never delivered before a "restart": a new bus over the same outbox
  // delivers it.
  {
    platform::EventBus before_crash(runtime().db);
    runtime().db.write([&](Tx& tx) { before_crash.publish(tx, "test.ok", {{"ok", true}}); });
  }
  seen = 0;
  platform::EventBus after_restart(runtime().db);
  after_restart.subscribe("test.", [](const platform::Event& e) {
    if (e.payload.value("ok", false)) seen++;
  });
  after_restart.start();
  for (int i = 0; i < 200 && seen.load() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  after_restart.stop();
  EXPECT_EQ(seen.load(), 1);
  // Pruning deletes delivered events only: one left pending survives any cutoff.
  {
    platform::EventBus pruner(runtime().db);
    runtime().db.write([&](Tx& tx) { pruner.publish(tx, "test.pending", {{"n", 2}}); });
    auto pending_before = count_where("outbox", "delivered_at IS NULL");
    auto delivered_before = count_where("outbox", "delivered_at IS NOT NULL");
    ASSERT_GT(delivered_before, 0);
    EXPECT_EQ(pruner.prune_delivered(0), 0);  // nothing was delivered before 1970
    EXPECT_EQ(pruner.prune_delivered(platform::now_ms() + 1), delivered_before);
    EXPECT_EQ(count_where("outbox", "delivered_at IS NOT NULL"), 0);
    EXPECT_EQ(count_where("outbox", "delivered_at IS NULL"), pending_before);
    pruner.subscribe("", [](const platform::Event&) {});
    pruner.deliver_pending();  // leave no pending event to later tests
  }
  runtime().bus.start();
}

// Group commit: concurrent writers share a transaction; one that fails is rolled back alone.
TEST(Storage, GroupCommitIsolatesFailuresAndCommitsTheRest) {
  auto& db = runtime().db;
  db.write([](Tx& tx) { tx.sql << "CREATE TABLE IF NOT EXISTS group_commit_test (v TEXT PRIMARY KEY)"; });
  constexpr int kThreads = 48;
  std::atomic<int> ok{0}, failed{0}, hooks{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      try {
        auto got = db.write_grouped([&](Tx& tx) {
          std::string v = "row-" + std::to_string(i);
          tx.sql << "INSERT INTO group_commit_test (v) VALUES (:v)", soci::use(v);
          tx.after_commit([&] { ++hooks; });
          // Every 7th writer fails after writing: its row must not survive.
          if (i % 7 == 3) throw Error::invalid("test", "测试失败", "test failure");
          // Every 11th violates the primary key with a second insert.
          if (i % 11 == 5) tx.sql << "INSERT INTO group_commit_test (v) VALUES (:v)", soci::use(v);
          return i;
        });
        EXPECT_EQ(got, i);
        ++ok;
      } catch (const Error& e) {
        EXPECT_TRUE(e.slug() == "test" || e.status() == 409) << e.slug();
        ++failed;
      }
    });
  for (auto& t : threads) t.join();
  int expect_failed = 0;
  for (int i = 0; i < kThreads; ++i) expect_failed += (i % 7 == 3 || i % 11 == 5) ? 1 : 0;
  EXPECT_EQ(failed.load(), expect_failed);
  EXPECT_EQ(ok.load(), kThreads - expect_failed);
  EXPECT_EQ(hooks.load(), kThreads - expect_failed);
  EXPECT_EQ(count_rows("group_commit_test"), kThreads - expect_failed);
  for (int i = 0; i < kThreads; ++i) {
    bool present = count_where("group_commit_test", "v = 'row-" + std::to_string(i) + "'") == 1;
    EXPECT_EQ(present, !(i % 7 == 3 || i % 11 == 5)) << i;
  }
  db.write([](Tx& tx) { tx.sql << "DROP TABLE group_commit_test"; });
}

// Sustained group commit: callers keep arriving while groups commit, so the commit thread
// sleeps and wakes many times. Every write lands exactly once and nobody is left waiting (a
// lost wake-up would hang this test).
TEST(Storage, GroupCommitHandsLeadershipOnUnderSustainedLoad) {
  auto& db = runtime().db;
  db.write([](Tx& tx) { tx.sql << "CREATE TABLE IF NOT EXISTS group_commit_load (v TEXT PRIMARY KEY)"; });
  constexpr int kThreads = 32, kEach = 60;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      for (int j = 0; j < kEach; ++j) {
        std::string v = std::to_string(i) + "-" + std::to_string(j);
        db.write_grouped([&](Tx& tx) { tx.sql << "INSERT INTO group_commit_load (v) VALUES (:v)", soci::use(v); });
        ++ok;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kThreads * kEach);
  EXPECT_EQ(count_rows("group_commit_load"), kThreads * kEach);
  db.write([](Tx& tx) { tx.sql << "DROP TABLE group_commit_load"; });
}

// The asynchronous form: submit_grouped returns at once; `done` reports each caller's own
// outcome after its group; a database being closed first answers everyone still queued; a
// `done` that throws does not stop the commit thread.
TEST(Storage, AsynchronousGroupCommitAnswersEveryCallerOnceEvenWhenClosing) {
  runtime().db.write([](Tx& tx) { tx.sql << "CREATE TABLE IF NOT EXISTS group_commit_async (v TEXT PRIMARY KEY)"; });
  constexpr int kCallers = 300;
  std::vector<int> answers(kCallers, 0);  // each written by the commit thread only
  std::vector<std::string> errors(kCallers);
  {
    platform::Database db(runtime().config.database);  // a second pool on the same database
    for (int i = 0; i < kCallers; ++i)
      db.submit_grouped(
          [i](Tx& tx) {
            std::string v = "async-" + std::to_string(i);
            tx.sql << "INSERT INTO group_commit_async (v) VALUES (:v)", soci::use(v);
            if (i % 13 == 6) throw Error::invalid("test", "测试失败", "test failure");
          },
          [&answers, &errors, i](std::exception_ptr e) {
            ++answers[static_cast<std::size_t>(i)];
            if (!e) return;
            try {
              std::rethrow_exception(e);
            } catch (const Error& err) {
              errors[static_cast<std::size_t>(i)] = err.slug();
            }
          });
    db.submit_grouped([](Tx&) {}, [](std::exception_ptr) { throw std::runtime_error("a careless callback"); });
    db.write_grouped([](Tx& tx) { tx.sql << "INSERT INTO group_commit_async (v) VALUES ('after-throw')"; });
    for (int i = 0; i < 50; ++i)  // still queued when the pool closes
      db.submit_grouped(
          [i](Tx& tx) {
            std::string v = "closing-" + std::to_string(i);
            tx.sql << "INSERT INTO group_commit_async (v) VALUES (:v)", soci::use(v);
          },
          [](std::exception_ptr e) { EXPECT_FALSE(e); });
  }
  int failed = 0;
  for (int i = 0; i < kCallers; ++i) {
    EXPECT_EQ(answers[static_cast<std::size_t>(i)], 1) << i;
    const bool fails = i % 13 == 6;
    failed += fails ? 1 : 0;
    EXPECT_EQ(errors[static_cast<std::size_t>(i)], fails ? "test" : "") << i;
    EXPECT_EQ(count_where("group_commit_async", "v = 'async-" + std::to_string(i) + "'"), fails ? 0 : 1) << i;
  }
  EXPECT_EQ(count_where("group_commit_async", "v = 'after-throw'"), 1);
  EXPECT_EQ(count_where("group_commit_async", "v LIKE 'closing-%'"), 50);
  EXPECT_EQ(count_rows("group_commit_async"), kCallers - failed + 1 + 50);
  runtime().db.write([](Tx& tx) { tx.sql << "DROP TABLE group_commit_async"; });
}

TEST(Storage, MigrationsAreIdempotentAndChecksummed) {
  EXPECT_EQ(platform::migrate(runtime().db), 0);
  auto status = platform::migration_status(runtime().db);
  ASSERT_FALSE(status.empty());
  for (const auto& m : status) EXPECT_TRUE(m.applied_at.has_value()) << m.name;
  runtime().db.write([](Tx& tx) { tx.sql << "UPDATE schema_migrations SET checksum = 'tampered' WHERE version = 1"; });
  try {
    platform::migrate(runtime().db);
    ADD_FAILURE() << "a changed migration must be refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.slug(), "migration-changed");
  }
  std::string real = status[0].checksum;
  runtime().db.write([&](Tx& tx) { tx.sql << "UPDATE schema_migrations SET checksum = :c WHERE version = 1", soci::use(real); });
  EXPECT_EQ(platform::migrate(runtime().db), 0);
}

TEST(Storage, ConcurrentWritersAllLand) {
  long long before = count_rows("departments");
  std::vector<std::thread> threads;
  std::atomic<int> created{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        auto r = http("POST", "/api/org/departments",
                      json{{"code", "C" + std::to_string(t) + "-" + std::to_string(i)}, {"name", "并发"}}.dump(), bearer(admin()));
        if (r.status == 201) created++;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(created.load(), 40);
  EXPECT_EQ(count_rows("departments"), before + 40);
}

// ----------------------------------------------------------------------- calendar

TEST(Calendar, DaysAndAdjustments) {
  auto r = http("GET", "/api/calendar/days?from=2026-09-30&to=2026-10-10", "", bearer(admin()));
  ASSERT_EQ(r.status, 200) << r.body;
  auto items = r.json()["items"];
  ASSERT_EQ(items.size(), 11u);
  EXPECT_EQ(items[1]["date"], "2026-10-01");
  EXPECT_EQ(items[1]["working"], false);
  EXPECT_EQ(http("GET", "/api/calendar/days?from=2026-13-01&to=2026-12-31", "", bearer(admin())).status, 400);
  EXPECT_EQ(http("GET", "/api/calendar/days?from=2019-01-01&to=2019-01-02", "", bearer(admin())).status, 400);
  auto adj = http("POST", "/api/calendar/adjustments", R"({"date":"2026-12-01","working":false,"reason":"测试：台风停工"})",
                  bearer(admin()));
  ASSERT_EQ(adj.status, 200) << adj.body;
  auto day = http("GET", "/api/calendar/days?from=2026-12-01&to=2026-12-01", "", bearer(admin())).json();
  EXPECT_EQ(day["items"][0]["working"], false);
  auto town = login("tanshan");
  EXPECT_EQ(http("POST", "/api/calendar/adjustments", R"({"date":"2026-12-02","working":false,"reason":"x"})",
                 bearer(town)).status, 403);
}

TEST(Calendar, AdjustmentsAreListedAndRemovedByAdminsOnly) {
  ASSERT_EQ(http("POST", "/api/calendar/adjustments", R"({"date":"2026-12-05","working":true,"reason":"区政府通知：周六补班"})",
                 bearer(admin())).status, 200);
  auto list = http("GET", "/api/calendar/adjustments", "", bearer(admin()));
  ASSERT_EQ(list.status, 200) << list.body;
  bool found = false;
  const auto listed = list.json();
  for (const auto& a : listed["items"])
    if (a.at("date").get<std::string>() == "2026-12-05")
      found = a.at("working").get<bool>() && a.at("reason").get<std::string>() == "区政府通知：周六补班";
  EXPECT_TRUE(found) << list.body;
  auto town = login("tanshan");
  EXPECT_EQ(http("DELETE", "/api/calendar/adjustments/2026-12-05", "", bearer(town)).status, 403);
  EXPECT_EQ(http("DELETE", "/api/calendar/adjustments/2026-12-05").status, 401);
  EXPECT_EQ(http("DELETE", "/api/calendar/adjustments/2026-12-5x", "", bearer(admin())).status, 400);
  auto before = count_rows("audit_operations");
  ASSERT_EQ(http("DELETE", "/api/calendar/adjustments/2026-12-05", "", bearer(admin())).status, 204);
  EXPECT_EQ(count_rows("audit_operations"), before + 1);
  auto day = http("GET", "/api/calendar/days?from=2026-12-05&to=2026-12-05", "", bearer(admin())).json();
  EXPECT_EQ(day["items"][0]["working"], false);  // a Saturday again
  EXPECT_EQ(http("DELETE", "/api/calendar/adjustments/2026-12-05", "", bearer(admin())).status, 404);
}

// `ecity calendar --local` reads the same adjustments as the server.
TEST(Calendar, CliWithLocalAdjustments) {
  const char* bin = std::getenv("ECITY_BIN");
  if (bin == nullptr) GTEST_SKIP() << "ECITY_BIN not set";
  ASSERT_EQ(http("POST", "/api/calendar/adjustments", R"({"date":"2026-12-08","working":false,"reason":"测试：暴雪停工"})",
                 bearer(admin())).status, 200);
  auto run = [](const std::string& args) { return run_ecity("calendar " + args).out; };
  EXPECT_EQ(run("--local days --from 2026-12-07 --to 2026-12-09"), "2026-12-07,1\n2026-12-08,0\n2026-12-09,1\n");
  EXPECT_EQ(run("days --from 2026-12-08 --to 2026-12-08"), "2026-12-08,1\n");
  EXPECT_EQ(run("--local check 2026-12-08"), "rest 本地调整: 测试：暴雪停工\n");
  EXPECT_EQ(run("--local add 2026-12-07 1"), "2026-12-09\n");
}

}  // namespace
}  // namespace ecity::test
