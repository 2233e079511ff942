// Air quality over stored data: `ecity import air` loads past hours once, and the API's daily
// results and period evaluation of that station give exactly what `ecity air daily|evaluate`
// computes from the same CSV; readings, rankings, bad parameters and scope denials.
#include "harness.h"

#include "environment/demo.h"
#include "environment/readings.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace ecity::test {
namespace {

using json = nlohmann::json;

std::string admin() {
  static std::string t = login("admin");
  return t;
}

std::map<std::string, std::string> csv_pairs(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const auto comma = line.find(',');
    if (comma != std::string::npos) out[line.substr(0, comma)] = line.substr(comma + 1);
  }
  return out;
}

// JSON number as the CLI prints it ("" for null).
std::string text_of(const json& v, int decimals) {
  if (v.is_null()) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v.get<double>());
  return buf;
}

struct Imported {
  std::int64_t id = 0;
  std::string csv;
};

// A county station in 坛山街道 with Jan-Mar 2022 of model hours imported (once per run).
const Imported& imported() {
  static Imported x = [] {
    Imported r;
    json body = {{"mn", "IT-AIR-01"}, {"name", "测试空气站"}, {"password", "Pw-IT-AIR-01"}, {"kind", "county"}};
    auto resp = http("POST", "/api/environment/stations", body.dump(), bearer(admin()));
    EXPECT_EQ(resp.status, 201) << resp.body;
    r.id = resp.json().value("id", std::int64_t{0});
    r.csv = (std::filesystem::temp_directory_path() / ("ecity-air-" + std::to_string(::getpid()) + ".csv")).string();
    auto gen = run_ecity("simulate csv --from 2022-01-01 --to 2022-03-31 --station 3 > '" + r.csv + "'");
    EXPECT_EQ(gen.status, 0) << gen.out;
    return r;
  }();
  return x;
}

TEST(EnvironmentAir, ImportOnceThenTheApiGivesTheCliFigures) {
  const auto& st = imported();
  auto first = run_ecity("import air '" + st.csv + "' --station IT-AIR-01");
  ASSERT_EQ(first.status, 0) << first.out;
  EXPECT_NE(first.out.find("0 already present"), std::string::npos) << first.out;
  auto again = run_ecity("import air '" + st.csv + "' --station IT-AIR-01");
  ASSERT_EQ(again.status, 0) << again.out;
  EXPECT_NE(again.out.find(" 0 stored"), std::string::npos) << again.out;
  // Bad input: an unknown station, a malformed file: nothing stored, a clear message.
  auto unknown = run_ecity("import air '" + st.csv + "' --station NOPE");
  EXPECT_EQ(unknown.status, 2);
  EXPECT_NE(unknown.out.find("NOPE"), std::string::npos);
  const auto bad = st.csv + ".bad";
  std::ofstream(bad) << "time,so2,no2,co,o3,pm10,pm25\n2022-04-01 00,1,2,0.3,4,5,6\n2022-04-01 01,x,2,0.3,4,5,6\n";
  auto malformed = run_ecity("import air '" + bad + "' --station IT-AIR-01");
  EXPECT_EQ(malformed.status, 2) << malformed.out;
  auto april =
      http("GET", "/api/environment/air/daily?station=" + std::to_string(st.id) + "&from=2022-04-01&to=2022-04-01", "",
           bearer(admin()));
  ASSERT_EQ(april.status, 200);
  EXPECT_TRUE(april.json()["items"][0]["so2"].is_null()) << "the good first line was not kept alone";

  // The period evaluation equals `ecity air evaluate` on the same hours.
  auto cli = run_ecity("air evaluate < '" + st.csv + "'");
  ASSERT_EQ(cli.status, 0) << cli.out;
  const auto want = csv_pairs(cli.out);
  auto r =
      http("GET", "/api/environment/air/evaluation?station=" + std::to_string(st.id) + "&from=2022-01-01&to=2022-03-31",
           "", bearer(admin()));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto e = r.json()["evaluation"];
  EXPECT_EQ(std::to_string(e["valid_days"].get<int>()), want.at("valid_days"));
  EXPECT_EQ(std::to_string(e["good_days"].get<int>()), want.at("good_days"));
  EXPECT_EQ(text_of(e["good_rate"], 1), want.at("good_rate"));
  EXPECT_EQ(text_of(e["pm25_mean"], 0), want.at("pm25_mean"));
  EXPECT_EQ(text_of(e["co_p95"], 1), want.at("co_p95"));
  EXPECT_EQ(text_of(e["o3_8h_p90"], 0), want.at("o3_8h_p90"));
  EXPECT_EQ(text_of(e["composite_index"], 2), want.at("composite_index"));
  EXPECT_GT(e["valid_days"].get<int>(), 80);
  // No data a year earlier: the comparison is empty, not invented.
  EXPECT_EQ(r.json()["previous"]["valid_days"], 0);
  EXPECT_TRUE(r.json()["year_on_year"]["composite_index_pct"].is_null());

  // Daily results equal `ecity air daily` line by line (AQI and primary pollutants).
  auto daily_cli = run_ecity("air daily < '" + st.csv + "'");
  auto d = http("GET", "/api/environment/air/daily?station=" + std::to_string(st.id) + "&from=2022-01-01&to=2022-03-31",
                "", bearer(admin()));
  ASSERT_EQ(d.status, 200);
  std::istringstream lines(daily_cli.out);
  std::string line;
  std::getline(lines, line);  // header
  std::size_t i = 0;
  const auto days = d.json()["items"];
  for (; std::getline(lines, line); ++i) {
    ASSERT_LT(i, days.size());
    const auto& item = days[i];
    std::vector<std::string> cols;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, ',');) cols.push_back(c);
    while (cols.size() < 19) cols.push_back("");
    ASSERT_EQ(item["date"], cols[0]);
    EXPECT_EQ(item["aqi"].is_null() ? "" : std::to_string(item["aqi"].get<int>()), cols[15]) << cols[0];
    std::string primary;
    for (const auto& p : item["primary"]) primary += (primary.empty() ? "" : ";") + p.get<std::string>();
    EXPECT_EQ(primary, cols[18]) << cols[0];
  }
  EXPECT_EQ(i, 90u);
}

TEST(EnvironmentAir, ReadingsRankingsAndBadParameters) {
  const auto& st = imported();
  run_ecity("import air '" + st.csv + "' --station IT-AIR-01");
  const std::string base = "/api/environment/stations/" + std::to_string(st.id) + "/readings";
  // 2022-01-01 00:00 to 06:00 local, epoch ms.
  auto r = http("GET", base + "?cn=2061&from=1640966400000&to=1640988000000", "", bearer(admin()));
  ASSERT_EQ(r.status, 200) << r.body;
  auto items = r.json()["items"];
  EXPECT_GE(items.size(), 5u);
  EXPECT_EQ(items[0]["local_time"], "2022-01-01 00:00:00");
  EXPECT_EQ(items[0]["source"], "import");
  for (const char* q : {"?cn=9999", "?from=abc", "?cn=2061&from=10&to=5", "?cn=2011&from=0&to=99999999999"})
    EXPECT_EQ(http("GET", base + q, "", bearer(admin())).status, 400) << q;
  for (const char* q : {"?from=2022-13-01", "?from=2022-01-01&to=2021-12-31", "?from=2020-01-01&to=2022-01-01",
                        "?standard=2019", "?station=1&town=2"})
    EXPECT_EQ(http("GET", std::string("/api/environment/air/evaluation") + q, "", bearer(admin())).status, 400) << q;
  // The district evaluation ranks the reference stations.
  auto all =
      http("GET", "/api/environment/air/evaluation?from=2022-01-01&to=2022-03-31&standard=2012", "", bearer(admin()));
  ASSERT_EQ(all.status, 200) << all.body;
  bool ranked = false;
  const auto stations = all.json()["stations"];
  for (const auto& s : stations)
    if (s["id"] == st.id) ranked = s["rank_composite"].is_number();
  EXPECT_TRUE(ranked);
  EXPECT_EQ(all.json()["scope"]["standard"], "2012");
}

TEST(EnvironmentAir, ScopesAndRolesAreEnforced) {
  const auto& st = imported();
  // A town's staff see the stations located in their town only: this one has no location.
  const auto t = login("tanshan");  // 坛山街道's administrator
  EXPECT_EQ(http("GET", "/api/environment/stations/" + std::to_string(st.id) + "/readings", "", bearer(t)).status, 404);
  EXPECT_EQ(http("GET", "/api/environment/air/evaluation?station=" + std::to_string(st.id), "", bearer(t)).status, 404);
  EXPECT_EQ(http("GET", "/api/environment/air/daily?station=" + std::to_string(st.id), "", bearer(t)).status, 404);
  auto rej = http("GET", "/api/environment/rejections", "", bearer(t));
  ASSERT_EQ(rej.status, 200);
  const auto listed = rej.json()["items"];
  for (const auto& x : listed) EXPECT_FALSE(x["station_id"].is_null());
  // Without environment:read (a hotline agent): 403; without a session: 401.
  const auto agent = user("it_air_agent", "hotline_agent", std::nullopt, std::nullopt);
  EXPECT_EQ(http("GET", "/api/environment/air/evaluation", "", bearer(agent)).status, 403);
  EXPECT_EQ(http("GET", "/api/environment/rejections", "", bearer(agent)).status, 403);
  EXPECT_EQ(http("GET", "/api/environment/air/daily").status, 401);
}

}  // namespace
}  // namespace ecity::test

namespace ecity::test {
namespace {

TEST(EnvironmentAir, LatestHourAndDataQuality) {
  const auto& st = imported();
  run_ecity("import air '" + st.csv + "' --station IT-AIR-01");
  // Recent hours for the latest AQI: yesterday and today from the model.
  const auto now = platform::now_ms();
  const auto day = [](std::int64_t ms) { return environment::local_time_text(ms).substr(0, 10); };
  const auto recent = st.csv + ".recent";
  auto gen = run_ecity(
      "simulate csv --from " + day(now - 86'400'000) + " --to " + day(now) + " --station 3 | awk -F, " + "-v now='" +
      environment::local_time_text(now - 3'600'000).substr(0, 13) + "' 'NR == 1 || $1 <= now' > '" + recent + "'");
  ASSERT_EQ(gen.status, 0) << gen.out;
  ASSERT_EQ(run_ecity("import air '" + recent + "' --station IT-AIR-01").status, 0);
  auto r = http("GET", "/api/environment/air/latest", "", bearer(admin()));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto items = r.json()["items"];
  bool found = false;
  for (const auto& x : items) {
    if (x["station_id"] != st.id) continue;
    found = true;
    ASSERT_FALSE(x["data_time"].is_null());
    EXPECT_GE(x["data_time"].get<std::int64_t>(), now - 3 * 3'600'000);
    EXPECT_TRUE(x["aqi"].is_number()) << x.dump();
    EXPECT_TRUE(x["colour"].is_string());
  }
  EXPECT_TRUE(found);
  // Quality of January-March 2022: 90 days of hours, those the model left out are missing.
  auto q = http("GET", "/api/environment/quality?from=2022-01-01&to=2022-03-31", "", bearer(admin()));
  ASSERT_EQ(q.status, 200) << q.body;
  EXPECT_EQ(q.json()["hours"], 2160);
  const auto rows = q.json()["items"];
  found = false;
  for (const auto& x : rows) {
    if (x["station_id"] != st.id) continue;
    found = true;
    EXPECT_EQ(x["received"].get<int>() + x["missing"].get<int>(), 2160);
    EXPECT_GT(x["received"].get<int>(), 2000);
    EXPECT_EQ(x["flagged"], 0);  // imported hours carry no flags
    EXPECT_LE(x["usable"].get<int>(), x["received"].get<int>());
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(http("GET", "/api/environment/quality?from=2022-03-01&to=2022-01-01", "", bearer(admin())).status, 400);
}

TEST(EnvironmentAir, DemoStationsAndTheirHistory) {
  auto first = environment::load_demo_air(runtime());
  auto again = environment::load_demo_air(runtime());
  EXPECT_EQ(again.stations, 0);
  EXPECT_TRUE(again.skipped);
  EXPECT_TRUE(first.skipped || first.hours > 8 * 17000);
  // One station per town, each located in a different town.
  std::set<std::int64_t> towns;
  std::int64_t first_id = 0;
  const auto stations = items_of(http("GET", "/api/environment/stations", "", bearer(admin())));
  for (const auto& s : stations) {
    if (s["mn"].get<std::string>().rfind("YCAQ", 0) != 0) continue;
    ASSERT_FALSE(s["town_id"].is_null()) << s.dump();
    if (s["kind"] == "county") {
      EXPECT_TRUE(towns.insert(s["town_id"].get<std::int64_t>()).second) << s.dump();
    }
    if (s["mn"] == "YCAQ000000") first_id = s["id"].get<std::int64_t>();
  }
  EXPECT_EQ(towns.size(), 7u);
  ASSERT_NE(first_id, 0);
  // Its 2022 history is the model's, as `ecity simulate csv` gives it with the demo's 2022 settings.
  auto cli = run_ecity(
      "simulate csv --from 2022-01-01 --to 2022-10-31 --station 0 --particulate 0.8 --ozone 0.66 --variability 1.6 "
      "--sunshine 2.4 | '" +
      std::string(std::getenv("ECITY_BIN")) + "' air evaluate");
  ASSERT_EQ(cli.status, 0) << cli.out;
  const auto want = csv_pairs(cli.out);
  auto r = http(
      "GET", "/api/environment/air/evaluation?station=" + std::to_string(first_id) + "&from=2022-01-01&to=2022-10-31",
      "", bearer(admin()));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto e = r.json()["evaluation"];
  EXPECT_EQ(std::to_string(e["good_days"].get<int>()), want.at("good_days"));
  EXPECT_EQ(text_of(e["composite_index"], 2), want.at("composite_index"));
  EXPECT_EQ(text_of(e["pm25_mean"], 0), want.at("pm25_mean"));
}

}  // namespace
}  // namespace ecity::test
