// The station registry over HTTP: validation, duplicates, optimistic locking, location to town,
// the audit trail, role and scope denials, and `ecity station add`.
#include "harness.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <set>

namespace ecity::test {
namespace {

using json = nlohmann::json;

std::string admin() {
  static std::string t = login("admin");
  return t;
}

// A point in 坛山街道 and one in 古邵镇, found through the locator rather than assumed.
json point_in(const std::string& town) {
  for (double lng = 117.45; lng <= 117.75; lng += 0.01)
    for (double lat = 34.70; lat <= 34.85; lat += 0.01) {
      auto loc =
          http("GET", "/api/org/locate?lng=" + std::to_string(lng) + "&lat=" + std::to_string(lat), "", bearer(admin()))
              .json();
      if (loc["town"].is_object() && loc["town"]["name"] == town)
        return {{"lng", lng}, {"lat", lat}, {"town", loc["town"]}};
    }
  ADD_FAILURE() << "no point found in " << town;
  return {};
}

TEST(EnvironmentStations, RegisterListChangeAndAudit) {
  const auto tanshan = point_in("坛山街道");
  json body = {{"mn", "YC-AIR-0001"},
               {"name", "坛山街道空气站"},
               {"password", "Pw2026yc"},
               {"kind", "county"},
               {"lng", tanshan["lng"]},
               {"lat", tanshan["lat"]},
               {"factors", {"a34004", "a34002", "a21026", "a21004", "a05024", "a21005"}}};
  auto r = http("POST", "/api/environment/stations", body.dump(), bearer(admin()));
  ASSERT_EQ(r.status, 201) << r.body;
  auto s = r.json();
  EXPECT_EQ(s["town_id"], tanshan["town"]["id"]);
  EXPECT_EQ(s["protocol"], "2017");
  EXPECT_FALSE(s.contains("password"));
  EXPECT_FALSE(s.contains("password_hash"));
  const auto id = s["id"].get<std::int64_t>();
  // The same MN again: 409, nothing written.
  body["name"] = "重复";
  EXPECT_EQ(http("POST", "/api/environment/stations", body.dump(), bearer(admin())).status, 409);
  bool found = false;
  for (const auto& x : items_of(http("GET", "/api/environment/stations", "", bearer(admin()))))
    found = found || x["mn"] == "YC-AIR-0001";
  EXPECT_TRUE(found);
  // Change with the version read; a stale version is refused.
  r = http("PUT", "/api/environment/stations/" + std::to_string(id),
           json{{"name", "坛山站（国控）"}, {"kind", "national"}, {"version", 1}}.dump(), bearer(admin()));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["version"], 2);
  EXPECT_EQ(http("PUT", "/api/environment/stations/" + std::to_string(id),
                 json{{"enabled", false}, {"version", 1}}.dump(), bearer(admin()))
                .status,
            409);
  // Both writes are in the operation log, without the password.
  auto log = http("GET", "/api/audit/operations?entity=env_station&size=100", "", bearer(admin()));
  ASSERT_EQ(log.status, 200) << log.body;
  std::set<std::string> actions;
  for (const auto& e : items_of(log))
    if (e["entity_id"] == std::to_string(id)) actions.insert(e["action"].get<std::string>());
  EXPECT_EQ(actions, (std::set<std::string>{"create", "update"}));
  EXPECT_EQ(log.body.find("Pw2026yc"), std::string::npos);
}

TEST(EnvironmentStations, EveryBadFieldIsNamed) {
  auto bad = [](json body, const std::string& field) {
    auto r = http("POST", "/api/environment/stations", body.dump(), bearer(admin()));
    EXPECT_EQ(r.status, 400) << field << ": " << r.body;
    bool named = false;
    for (const auto& e : r.json().value("errors", json::array())) named = named || e["field"] == field;
    EXPECT_TRUE(named) << field << ": " << r.body;
  };
  const json ok = {{"mn", "YC-BAD-1"}, {"name", "测试站"}, {"password", "Pw2026yc"}};
  for (auto [field, value] : std::vector<std::pair<std::string, json>>{{"mn", "A;B"},
                                                                       {"mn", ""},
                                                                       {"password", "12345"},
                                                                       {"password", "pass word"},
                                                                       {"kind", "global"},
                                                                       {"protocol", "2019"},
                                                                       {"factors", json::array({"a34004", "a3-4"})},
                                                                       {"enabled", "yes"},
                                                                       {"lng", 117.5},
                                                                       {"unknown", 1}}) {
    auto b = ok;
    b[field] = value;
    bad(b, field);
  }
  auto far = ok;
  far["lng"] = 100.0;
  far["lat"] = 20.0;
  bad(far, "lng");
  auto missing = ok;
  missing.erase("password");
  bad(missing, "password");
}

TEST(EnvironmentStations, RolesAndScopes) {
  const auto gushao = point_in("古邵镇");
  auto r = http("POST", "/api/environment/stations",
                json{{"mn", "YC-AIR-GS01"},
                     {"name", "古邵镇微站"},
                     {"password", "Pw2026gs"},
                     {"kind", "micro"},
                     {"lng", gushao["lng"]},
                     {"lat", gushao["lat"]}}
                    .dump(),
                bearer(admin()));
  ASSERT_TRUE(r.status == 201 || r.status == 409) << r.body;
  const auto gs = id_where("/api/environment/stations", "mn", "YC-AIR-GS01");
  // A hotline agent has no environment permission at all.
  const auto agent = user("env_agent1", "hotline_agent", std::nullopt, std::nullopt);
  EXPECT_EQ(http("GET", "/api/environment/stations", "", bearer(agent)).status, 403);
  // 坛山街道's administrator reads, but only the stations in 坛山街道, and may not register.
  const auto tanshan = login("tanshan");
  r = http("GET", "/api/environment/stations", "", bearer(tanshan));
  ASSERT_EQ(r.status, 200);
  for (const auto& x : items_of(r)) EXPECT_NE(x["mn"], "YC-AIR-GS01");
  EXPECT_EQ(http("GET", "/api/environment/stations/" + std::to_string(gs), "", bearer(tanshan)).status, 404);
  EXPECT_EQ(http("POST", "/api/environment/stations",
                 json{{"mn", "X1"}, {"name", "x"}, {"password", "Pw2026xx"}}.dump(), bearer(tanshan))
                .status,
            403);
  // The district's leader sees it.
  EXPECT_EQ(http("GET", "/api/environment/stations/" + std::to_string(gs), "", bearer(login("leader"))).status, 200);
}

TEST(EnvironmentStations, CommandLineRegistersWithTheSameChecks) {
  if (std::getenv("ECITY_BIN") == nullptr) GTEST_SKIP() << "ECITY_BIN not set";
  auto run = [](const std::string& args) { return run_ecity("station add " + args); };
  auto out = run("--mn YC-CLI-01 --password Cli2026pw --name 命令行站 --factors a34004,a21026");
  EXPECT_NE(out.out.find("station YC-CLI-01 registered"), std::string::npos) << out.out;
  EXPECT_EQ(out.status, 0) << out.out;
  auto s = http("GET",
                "/api/environment/stations/" + std::to_string(id_where("/api/environment/stations", "mn", "YC-CLI-01")),
                "", bearer(admin()))
               .json();
  EXPECT_EQ(s["factors"], json::array({"a34004", "a21026"}));
  out = run("--mn YC-CLI-01 --password Cli2026pw --name 又一次");
  EXPECT_EQ(out.status, 2) << out.out;
  out = run("--mn 'A;B' --password Cli2026pw --name 坏编号");
  EXPECT_EQ(out.status, 2) << out.out;
  EXPECT_NE(out.out.find("mn"), std::string::npos) << out.out;
}

}  // namespace
}  // namespace ecity::test
