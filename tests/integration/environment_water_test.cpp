// Surface-water sections over HTTP: registration, samples and their classes by GB 3838-2002 over
// a period, by month and of the latest sample; corrections with the audit trail; CSV import all or
// nothing; every bad field named; role and scope denials; the demo's sections; the command line.
#include "harness.h"

#include "environment/demo.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <set>
#include <sstream>

namespace ecity::test {
namespace {

using json = nlohmann::json;

std::string admin() {
  static std::string t = login("admin");
  return t;
}

// A point in a town, found through the locator rather than assumed.
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

std::int64_t section(const json& body) {
  auto r = http("POST", "/api/environment/water/sections", body.dump(), bearer(admin()));
  EXPECT_EQ(r.status, 201) << r.body;
  return r.json()["id"].get<std::int64_t>();
}

HttpResult add_sample(std::int64_t id, const json& body, const std::string& token = admin()) {
  return http("POST", "/api/environment/water/sections/" + std::to_string(id) + "/samples", body.dump(), bearer(token));
}

json section_of(std::int64_t id, const std::string& period) {
  auto r = http("GET", "/api/environment/water/sections/" + std::to_string(id) + "?" + period, "", bearer(admin()));
  EXPECT_EQ(r.status, 200) << r.body;
  return r.json();
}

// A value of the API (exact to 6 decimals) as plain decimal text for the command line.
std::string fixed6(double v) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(6) << v;
  return out.str();
}

HttpResult import_csv(const std::string& csv, const std::string& token = admin()) {
  auto headers = bearer(token);
  headers["Content-Type"] = "text/csv";
  return http("POST", "/api/environment/water/import", csv, headers);
}

TEST(EnvironmentWater, SamplesClassifyTheSectionByPeriodMonthAndLatest) {
  const auto tanshan = point_in("坛山街道");
  const auto id = section({{"code", "T-W-01"},
                           {"name", "测试闸"},
                           {"river", "峄城大沙河"},
                           {"kind", "river"},
                           {"control", "national"},
                           {"target_class", 3},
                           {"lng", tanshan["lng"]},
                           {"lat", tanshan["lat"]}});
  // January: NH3-N 0.8 (III); February: 1.4 (IV) with COD 18 (III). The period's mean NH3-N is
  // 1.1: class IV, short of the target, though January alone meets it.
  auto r = add_sample(id, {{"sampled_on", "2022-01-10"}, {"values", {{"ph", 7.62}, {"nh3n", 0.8}, {"cod", "18"}}}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["class_name"], "III");
  EXPECT_EQ(r.json()["meets_target"], true);
  EXPECT_EQ(r.json()["values"]["ph"], 7.62);
  r = add_sample(id, {{"sampled_on", "2022-02-10"}, {"values", {{"nh3n", "1.4"}}}, {"note", "冰封期"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["class"], 4);
  EXPECT_EQ(r.json()["quality"], "轻度污染");
  const auto feb = r.json();

  auto s = section_of(id, "from=2022-01-01&to=2022-12-31");
  const auto& item = s["section"];
  EXPECT_EQ(item["town_id"], tanshan["town"]["id"]);
  EXPECT_EQ(item["target_class_name"], "III");
  EXPECT_EQ(item["period"]["samples"], 2);
  EXPECT_EQ(item["period"]["class_name"], "IV");
  EXPECT_EQ(item["period"]["meets_target"], false);
  ASSERT_EQ(item["period"]["exceeding"].size(), 1u);
  EXPECT_EQ(item["period"]["exceeding"][0]["code"], "nh3n");
  EXPECT_EQ(item["period"]["exceeding"][0]["name"], "氨氮");
  EXPECT_DOUBLE_EQ(item["period"]["exceeding"][0]["multiple"].get<double>(), 0.1);  // (1.1 − 1.0) / 1.0
  ASSERT_EQ(item["months"].size(), 2u);
  EXPECT_EQ(item["months"][0]["month"], "2022-01");
  EXPECT_EQ(item["months"][0]["class_name"], "III");
  EXPECT_EQ(item["months"][1]["class_name"], "IV");
  EXPECT_EQ(item["latest"]["sampled_on"], "2022-02-10");
  ASSERT_EQ(s["samples"].size(), 2u);
  EXPECT_EQ(s["samples"][0]["sampled_on"], "2022-02-10");  // newest first
  EXPECT_EQ(s["samples"][0]["note"], "冰封期");
  // January alone.
  EXPECT_EQ(section_of(id, "from=2022-01-01&to=2022-01-31")["section"]["period"]["class_name"], "III");
  // A period without samples has no class and no latest sample.
  auto empty = section_of(id, "from=2023-01-01&to=2023-12-31")["section"];
  EXPECT_TRUE(empty["period"]["class"].is_null());
  EXPECT_TRUE(empty["period"]["meets_target"].is_null());
  EXPECT_TRUE(empty["latest"].is_null());

  // The list counts it among the assessed sections, short of its target.
  r = http("GET", "/api/environment/water/sections?from=2022-01-01&to=2022-12-31", "", bearer(admin()));
  ASSERT_EQ(r.status, 200) << r.body;
  bool found = false;
  const auto list = r.json();
  for (const auto& x : list["items"]) found = found || (x["code"] == "T-W-01" && x["period"]["class"] == 4);
  EXPECT_TRUE(found);
  const auto summary = list["summary"];
  EXPECT_LE(summary["meeting_target"].get<int>(), summary["assessed"].get<int>() - 1);

  // A correction: February's NH3-N was 0.9 after all. The period is III again; a stale version
  // is refused; the operation log keeps the values replaced.
  const auto sample_id = std::to_string(feb["id"].get<std::int64_t>());
  r = http("PUT", "/api/environment/water/samples/" + sample_id,
           json{{"values", {{"nh3n", "0.9"}}}, {"version", 1}}.dump(), bearer(admin()));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["version"], 2);
  EXPECT_EQ(r.json()["note"], "冰封期");
  EXPECT_EQ(http("PUT", "/api/environment/water/samples/" + sample_id,
                 json{{"values", {{"nh3n", "2.9"}}}, {"version", 1}}.dump(), bearer(admin()))
                .status,
            409);
  EXPECT_EQ(section_of(id, "from=2022-01-01&to=2022-12-31")["section"]["period"]["class_name"], "III");
  auto log = http("GET", "/api/audit/operations?entity=env_water_sample&size=100", "", bearer(admin()));
  ASSERT_EQ(log.status, 200) << log.body;
  found = false;
  for (const auto& e : items_of(log))
    if (e["entity_id"] == sample_id && e["action"] == "update")
      found = e.dump().find("nh3n=1.4") != std::string::npos && e.dump().find("nh3n=0.9") != std::string::npos;
  EXPECT_TRUE(found) << log.body;
}

TEST(EnvironmentWater, EveryBadFieldIsNamedAndNothingIsWritten) {
  const json ok = {
      {"code", "T-W-02"}, {"name", "测试湖"}, {"kind", "lake"}, {"control", "county"}, {"target_class", 2}};
  auto bad = [](const std::string& target, json body, const std::string& field) {
    auto r = http("POST", target, body.dump(), bearer(admin()));
    EXPECT_EQ(r.status, 400) << field << ": " << r.body;
    bool named = false;
    const auto problem = r.json();
    for (const auto& e : problem["errors"]) named = named || e["field"] == field;
    EXPECT_TRUE(named) << field << ": " << r.body;
  };
  const std::string sections = "/api/environment/water/sections";
  for (const auto& [field, value] : std::vector<std::pair<std::string, json>>{{"kind", "sea"},
                                                                              {"control", "village"},
                                                                              {"target_class", 6},
                                                                              {"target_class", 0},
                                                                              {"code", "A B"},
                                                                              {"code", ""},
                                                                              {"name", std::string(65 * 3, 'x')},
                                                                              {"lng", "117"},
                                                                              {"colour", "blue"}}) {
    auto body = ok;
    body[field] = value;
    bad(sections, body, field);
  }
  auto far = ok;
  far["lng"] = 100.0;
  far["lat"] = 20.0;
  bad(sections, far, "lng");
  const auto id = section(ok);
  EXPECT_EQ(http("POST", sections, ok.dump(), bearer(admin())).status, 409);  // the same code again

  const std::string samples = sections + "/" + std::to_string(id) + "/samples";
  bad(samples, {{"sampled_on", "2022-02-30"}, {"values", {{"tp", 0.01}}}}, "sampled_on");
  bad(samples, {{"sampled_on", "2099-01-01"}, {"values", {{"tp", 0.01}}}}, "sampled_on");
  bad(samples, {{"sampled_on", "2022-03-01"}, {"values", {{"tp", -0.01}}}}, "values.tp");
  bad(samples, {{"sampled_on", "2022-03-01"}, {"values", {{"tp", "0,01"}}}}, "values.tp");
  bad(samples, {{"sampled_on", "2022-03-01"}, {"values", {{"tp", true}}}}, "values.tp");
  bad(samples, {{"sampled_on", "2022-03-01"}, {"values", {{"ph", 14.5}}}}, "values.ph");
  bad(samples, {{"sampled_on", "2022-03-01"}, {"values", {{"hg", 1e-7}}}}, "values.hg");  // 7 decimals
  bad(samples, {{"sampled_on", "2022-03-01"}, {"values", {{"tn", 1.2}}}}, "values.tn");
  bad(samples, {{"sampled_on", "2022-03-01"}, {"values", json::object()}}, "values");
  bad(samples, {{"sampled_on", "2022-03-01"}}, "values");
  bad(samples, {{"sampled_on", "2022-03-01"}, {"values", {{"tp", 0.01}}}, {"note", std::string(201, 'n')}}, "note");
  EXPECT_TRUE(section_of(id, "from=2022-01-01&to=2022-12-31")["samples"].empty());
  // A lake's phosphorus is judged by the lake limits: 0.03 is class III, short of target II.
  auto r = add_sample(id, {{"sampled_on", "2022-03-01"}, {"values", {{"tp", 0.03}, {"hg", 0.00002}}}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["class_name"], "III");
  EXPECT_EQ(r.json()["values"]["hg"], 0.00002);  // sent as 2e-05, kept exactly
  EXPECT_EQ(r.json()["meets_target"], false);
  // One sample per section and day.
  r = add_sample(id, {{"sampled_on", "2022-03-01"}, {"values", {{"tp", 0.01}}}});
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(section_of(id, "from=2022-01-01&to=2022-12-31")["samples"][0]["values"]["tp"], 0.03);
  // Unknown ones and bad periods.
  EXPECT_EQ(add_sample(99999999, {{"sampled_on", "2022-03-02"}, {"values", {{"tp", 0.01}}}}).status, 404);
  EXPECT_EQ(http("GET", sections + "/99999999", "", bearer(admin())).status, 404);
  EXPECT_EQ(http("GET", sections + "?from=2022-03-01&to=2022-01-01", "", bearer(admin())).status, 400);
  EXPECT_EQ(http("GET", sections + "?from=2022-13-01", "", bearer(admin())).status, 400);
  EXPECT_EQ(http("GET", sections + "?from=2000-01-01&to=2022-01-01", "", bearer(admin())).status, 400);
  EXPECT_EQ(http("PUT", "/api/environment/water/samples/99999999",
                 json{{"values", {{"tp", 0.01}}}, {"version", 1}}.dump(), bearer(admin()))
                .status,
            404);
}

TEST(EnvironmentWater, ImportIsAllOrNothingAndIdempotent) {
  section({{"code", "T-W-03"}, {"name", "导入断面"}, {"kind", "river"}, {"control", "county"}, {"target_class", 4}});
  const std::string good =
      "section,date,ph,do,cod,nh3n,tp\n"
      "T-W-03,2021-05-10,7.8,6.2,24,1.3,0.25\n"
      "T-W-03,2021-06-10,7.9,5.8,26,1.6,0.28\n";
  auto r = import_csv(good);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["added"], 2);
  // The same file again changes nothing.
  r = import_csv(good);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["added"], 0);
  EXPECT_EQ(r.json()["unchanged"], 2);
  const auto id = id_where("/api/environment/water/sections", "code", "T-W-03");
  auto s = section_of(id, "from=2021-01-01&to=2021-12-31");
  ASSERT_EQ(s["samples"].size(), 2u);
  EXPECT_EQ(s["samples"][0]["source"], "import");
  EXPECT_EQ(s["samples"][0]["class_name"], "V");  // NH3-N 1.6
  // A bad line anywhere stores nothing of the file, and the error names the line.
  for (const auto& [csv, line, status] : std::vector<std::tuple<std::string, std::string, int>>{
           {"section,date,tp\nT-W-03,2021-07-10,0.2\nT-W-03,2021-08-10,x\n", "第 3 行", 400},
           {"section,date,tp\nT-W-03,2021-07-10,0.2\nNOPE,2021-08-10,0.2\n", "第 3 行", 400},
           {"section,date,tp\nT-W-03,2021-07-10,0.2\nT-W-03,2099-08-10,0.2\n", "第 3 行", 400},
           {"section,date,ph,do,cod,nh3n,tp\nT-W-03,2021-07-10,7,6,20,1,0.2\nT-W-03,2021-06-10,7.9,5.8,26,1.7,0.28\n",
            "第 3 行", 409},
           {"", "表头", 400},
           {"{\"section\":1}", "第 1 行", 400}}) {
    r = import_csv(csv);
    EXPECT_EQ(r.status, status) << csv << r.body;
    EXPECT_NE(r.body.find(line), std::string::npos) << r.body;
  }
  EXPECT_EQ(section_of(id, "from=2021-01-01&to=2021-12-31")["samples"].size(), 2u);
  // The import is in the operation log.
  auto log = http("GET", "/api/audit/operations?entity=env_water_sample&size=100", "", bearer(admin()));
  bool found = false;
  for (const auto& e : items_of(log)) found = found || e["action"] == "import";
  EXPECT_TRUE(found);
}

TEST(EnvironmentWater, RolesAndScopes) {
  const auto gushao = point_in("古邵镇");
  const auto id = section({{"code", "T-W-GS"},
                           {"name", "古邵测试断面"},
                           {"kind", "river"},
                           {"control", "county"},
                           {"target_class", 3},
                           {"lng", gushao["lng"]},
                           {"lat", gushao["lat"]}});
  ASSERT_EQ(add_sample(id, {{"sampled_on", "2022-05-05"}, {"values", {{"tp", 0.1}}}}).status, 201);
  const auto target = "/api/environment/water/sections/" + std::to_string(id);
  // A hotline agent has no environment permission at all.
  const auto agent = user("water_agent1", "hotline_agent", std::nullopt, std::nullopt);
  EXPECT_EQ(http("GET", "/api/environment/water/sections", "", bearer(agent)).status, 403);
  EXPECT_EQ(http("GET", "/api/environment/water/indicators", "", bearer(agent)).status, 403);
  // 坛山街道's administrator reads only the sections in 坛山街道 and writes nothing.
  const auto tanshan = login("tanshan");
  auto r = http("GET", "/api/environment/water/sections?from=2022-01-01&to=2022-12-31", "", bearer(tanshan));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto visible = r.json();
  for (const auto& x : visible["items"]) EXPECT_NE(x["code"], "T-W-GS");
  EXPECT_EQ(http("GET", target, "", bearer(tanshan)).status, 404);
  EXPECT_EQ(add_sample(id, {{"sampled_on", "2022-05-06"}, {"values", {{"tp", 0.1}}}}, tanshan).status, 403);
  EXPECT_EQ(import_csv("section,date,tp\nT-W-GS,2022-05-07,0.1\n", tanshan).status, 403);
  // The district's leader reads everything but may not write.
  const auto leader = login("leader");
  EXPECT_EQ(http("GET", target, "", bearer(leader)).status, 200);
  EXPECT_EQ(http("PUT", target, json{{"name", "改名"}, {"version", 1}}.dump(), bearer(leader)).status, 403);
  EXPECT_EQ(
      http("POST", "/api/environment/water/sections",
           json{{"code", "X"}, {"name", "x"}, {"kind", "river"}, {"control", "county"}, {"target_class", 3}}.dump(),
           bearer(leader))
          .status,
      403);
  EXPECT_EQ(section_of(id, "from=2022-01-01&to=2022-12-31")["samples"].size(), 1u);
  // The section can move: changed to 坛山街道 it is theirs to read.
  const auto there = point_in("坛山街道");
  r = http("PUT", target, json{{"lng", there["lng"]}, {"lat", there["lat"]}, {"version", 1}}.dump(), bearer(admin()));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(http("GET", target, "", bearer(tanshan)).status, 200);
}

TEST(EnvironmentWater, DemoSectionsAndTheCommandLineAgree) {
  const auto first = environment::load_demo_water(runtime());
  const auto again = environment::load_demo_water(runtime());
  EXPECT_EQ(again.sections, 0);
  EXPECT_EQ(again.samples, 0u);
  EXPECT_EQ(again.unchanged, 4u * 24);
  EXPECT_TRUE(first.sections == 4 || first.sections == 0);
  // 贾庄闸, the national-control section, meets class III in 2022, every month.
  auto r = http("GET", "/api/environment/water/sections?from=2022-01-01&to=2022-12-31", "", bearer(admin()));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto list = r.json();
  json jia;
  for (const auto& x : list["items"])
    if (x["name"] == "贾庄闸") jia = x;
  ASSERT_TRUE(jia.is_object());
  EXPECT_EQ(jia["control"], "national");
  EXPECT_EQ(jia["period"]["class_name"], "III");
  EXPECT_EQ(jia["period"]["meets_target"], true);
  ASSERT_EQ(jia["months"].size(), 12u);
  for (const auto& m : jia["months"]) EXPECT_EQ(m["meets_target"], true) << m.dump();
  EXPECT_EQ(list["items"][0]["control"], "national");  // national sections first

  if (std::getenv("ECITY_BIN") == nullptr) GTEST_SKIP() << "ECITY_BIN not set";
  // Each demo section's 2022 class is what `ecity water classify` says of the same samples.
  std::vector<std::string> codes;
  for (const auto& i : items_of(http("GET", "/api/environment/water/indicators", "", bearer(admin()))))
    codes.push_back(i["code"].get<std::string>());
  ASSERT_EQ(codes.size(), 21u);
  std::string header = "section,kind";
  for (const auto& c : codes) header += "," + c;
  for (const auto& x : list["items"]) {
    if (x["code"].get<std::string>().rfind("YC-W", 0) != 0) continue;
    auto s = section_of(x["id"].get<std::int64_t>(), "from=2022-01-01&to=2022-12-31");
    std::string csv = header + "\n";
    for (const auto& m : s["samples"]) {
      csv += x["code"].get<std::string>() + "," + x["kind"].get<std::string>();
      for (const auto& code : codes)
        csv += "," + (m["values"].contains(code) ? fixed6(m["values"][code].get<double>()) : "");
      csv += "\n";
    }
    const std::string file = ::testing::TempDir() + "/water_" + x["code"].get<std::string>() + ".csv";
    std::ofstream(file) << csv;
    auto out = run_ecity("water classify < '" + file + "'");
    ASSERT_EQ(out.status, 0) << out.out;
    EXPECT_NE(out.out.find(x["code"].get<std::string>() + "," + x["period"]["class_name"].get<std::string>() + ","),
              std::string::npos)
        << out.out << x.dump();
  }
  // `ecity import water` takes the same CSV as the API, with the same checks.
  const std::string file = ::testing::TempDir() + "/water_import.csv";
  std::ofstream(file) << "section,date,nh3n\nYC-W01,2020-12-10,0.52\n";
  auto out = run_ecity("import water '" + file + "'");
  EXPECT_EQ(out.status, 0) << out.out;
  EXPECT_NE(out.out.find("1 stored"), std::string::npos) << out.out;
  std::ofstream(file) << "section,date,nh3n\nYC-W01,2020-12-10,0.6\n";
  out = run_ecity("import water '" + file + "'");
  EXPECT_EQ(out.status, 2) << out.out;
  EXPECT_NE(out.out.find("第 2 行"), std::string::npos) << out.out;
}

}  // namespace
}  // namespace ecity::test
