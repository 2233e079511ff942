// Economic statistics over HTTP: the demo's published 2022 figures in the growth and rank table,
// the ranking and the bulletin (JSON and XLSX); entering a figure (wrong unit, kind and period
// refused by field; the same figure again changes nothing; every revision kept with who and how);
// a published growth that contradicts its totals stored and flagged, and the flag following the
// base; imports all or nothing with the row and column named, idempotent; towns entering their
// own figures only; concurrent entries losing no revision.
#include "harness.h"

#include "economy/demo.h"
#include "economy/module.h"

#include "platform/audit/export.h"
#include "platform/files/xlsx_reader.h"

#include <gtest/gtest.h>

#include <thread>

namespace ecity::test {
namespace {

using json = nlohmann::json;

constexpr const char* kDistrict = "370404000000";

std::string tongji() { return user("eco_tongji", "statistics_officer", department("200024"), std::nullopt); }
std::string tanshan() { return user("eco_tanshan", "town_admin", std::nullopt, region("370404001000")); }
std::string leader() { return user("eco_leader", "leader", std::nullopt, region(kDistrict)); }

void load_demo() { economy::load_demo_figures(runtime().module<economy::EconomyModule>()->figures()); }

HttpResult put(const std::string& key, const json& body, const std::string& token) {
  return http("PUT", "/api/economy/values/" + key, body.dump(), bearer(token));
}

HttpResult import(const std::string& bytes, const std::string& token) {
  auto headers = bearer(token);
  headers["Content-Type"] = "text/csv";
  return http("POST", "/api/economy/import", bytes, headers);
}

// The fields a validation problem names.
std::set<std::string> fields_of(const HttpResult& r) {
  std::set<std::string> out;
  const auto j = r.json();
  for (const auto& e : j["errors"]) out.insert(e["field"].get<std::string>());
  return out;
}

json row_of(const json& table, const std::string& code) {
  for (const auto& r : table["rows"])
    if (r["indicator"]["code"] == code) return r;
  ADD_FAILURE() << "no row " << code;
  return json::object();
}

TEST(Economy, TheDemoGivesThePublishedFigures) {
  load_demo();
  EXPECT_EQ(economy::load_demo_figures(runtime().module<economy::EconomyModule>()->figures()), 0);  // idempotent
  auto r = http("GET", "/api/economy/table?period=2022-09", "", bearer(leader()));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto t = r.json();
  EXPECT_EQ(t["label"], "2022年1–9月");
  EXPECT_EQ(t["area"]["code"], kDistrict);
  struct Published {
    const char* code;
    json value;
    const char* growth;
    const char* basis;
  };
  for (const auto& p : std::vector<Published>{{"gdp", "138.74", "4.5", "published"},
                                              {"budget_revenue", "9.24", "1.4", "published"},
                                              {"industrial_value_added", nullptr, "10.8", "published"},
                                              {"tech_renovation_investment", nullptr, "60.8", "published"},
                                              {"industrial_electricity", "85436", "13.8", "published"},
                                              {"foreign_capital", "7791", "180.7", "published"}}) {
    const auto row = row_of(t, p.code);
    EXPECT_EQ(row["value"], p.value) << p.code;
    EXPECT_EQ(row["growth"], p.growth) << p.code;
    EXPECT_EQ(row["growth_basis"], p.basis) << p.code;
    EXPECT_FALSE(row["growth_conflict"].get<bool>()) << p.code;
    EXPECT_EQ(row["peer_count"], 6) << p.code;
  }
  // GDP is quarterly: the September table shows the first three quarters, and its growth is the
  // published comparable-price rate with no computed one beside it.
  const auto gdp = row_of(t, "gdp");
  EXPECT_EQ(gdp["period"], "2022-Q3");
  EXPECT_EQ(gdp["period_label"], "前三季度");
  EXPECT_TRUE(gdp["computed_growth"].is_null());
  EXPECT_EQ(gdp["single_label"], "三季度");
  // Current prices: the published rate agrees with the totals; above 100 % bulletins write 倍.
  EXPECT_EQ(row_of(t, "budget_revenue")["computed_growth"], "1.4");
  EXPECT_EQ(row_of(t, "foreign_capital")["growth_zh"], "增长1.8倍");
  EXPECT_EQ(row_of(t, "budget_revenue")["growth_zh"], "增长1.4%");
  // Growth-only indicators have no value, share or single month.
  const auto iva = row_of(t, "industrial_value_added");
  EXPECT_TRUE(iva["single"].is_null());
  EXPECT_TRUE(iva["share"].is_null());
  EXPECT_EQ(iva["rank"], 1);
  // 当月 = 1–9月 − 1–8月, from the stored figures.
  auto aug = http("GET", std::string("/api/economy/values?indicator=budget_revenue&area=") + kDistrict + "&year=2022",
                  "", bearer(leader()))
                 .json();
  ASSERT_EQ(aug["items"].size(), 12u);
  const auto ytd8 = economy::parse_value(aug["items"][7]["value"].get<std::string>());
  EXPECT_EQ(row_of(t, "budget_revenue")["single"], economy::format_value(*economy::parse_value("9.24") - *ytd8, 2));
  // 固定资产投资 has no January (reported with February).
  auto fai =
      http("GET", std::string("/api/economy/values?indicator=fixed_asset_investment&area=") + kDistrict + "&year=2022",
           "", bearer(leader()))
          .json();
  ASSERT_EQ(fai["items"].size(), 11u);
  EXPECT_EQ(fai["items"][0]["period"], "2022-02");

  // The ranking: six peers, the district once (by its region code), ordered by rank.
  r = http("GET", "/api/economy/ranking?indicator=budget_revenue&period=2022-09", "", bearer(leader()));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto ranking = r.json();
  ASSERT_EQ(ranking["items"].size(), 6u);
  int own = 0, last = 0;
  for (const auto& it : ranking["items"]) {
    if (it["own"].get<bool>()) {
      ++own;
      EXPECT_EQ(it["area"], kDistrict);
      EXPECT_EQ(it["rank"], row_of(t, "budget_revenue")["rank"]);
    }
    EXPECT_GE(it["rank"].get<int>(), last);
    last = it["rank"].get<int>();
  }
  EXPECT_EQ(own, 1);
  EXPECT_EQ(http("GET", "/api/economy/ranking?indicator=gdp&period=2022-09", "", bearer(leader())).status, 400);

  // The bulletin carries the same rows, the towns and the trend; its workbook the same figures.
  r = http("GET", "/api/economy/bulletin?period=2022-09", "", bearer(leader()));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto b = r.json();
  EXPECT_EQ(b["title"], "峄城区经济运行简报");
  EXPECT_EQ(b["rows"], t["rows"]);
  EXPECT_EQ(b["towns"]["items"].size(), 7u);
  EXPECT_EQ(b["trend"]["periods"].size(), 9u);
  EXPECT_FALSE(b["notes"].empty());
  auto x = http("GET", "/api/economy/bulletin.xlsx?period=2022-09", "", bearer(leader()));
  ASSERT_EQ(x.status, 200);
  EXPECT_NE(x.header("content-disposition").find("filename*=UTF-8''"), std::string::npos);
  const auto sheet = platform::read_xlsx(x.body);
  ASSERT_GT(sheet.size(), 10u);
  EXPECT_EQ(sheet[0][0], "指标");
  bool found = false;
  for (const auto& row : sheet)
    if (!row.empty() && row[0] == "地区生产总值") {
      found = true;
      EXPECT_EQ(row[2], "前三季度");
      EXPECT_DOUBLE_EQ(std::stod(row[3]), 138.74);
      EXPECT_DOUBLE_EQ(std::stod(row[4]), 4.5);
    }
  EXPECT_TRUE(found);
  EXPECT_EQ(http("GET", "/api/economy/bulletin?period=2022-13", "", bearer(leader())).status, 400);
  EXPECT_EQ(http("GET", "/api/economy/bulletin?period=2022-09", "").status, 401);
}

TEST(Economy, EnteringRefusesTheWrongUnitKindAndPeriodByField) {
  const auto token = tongji();
  auto r =
      put("budget_revenue/370404000000/2019-09", {{"value", "92400"}, {"unit", "万元"}, {"source", "区财政局"}}, token);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(fields_of(r), std::set<std::string>{"unit"}) << r.body;
  r = put("industrial_value_added/370404000000/2019-09",
          {{"value", "3"}, {"growth", "10.8"}, {"unit", "%"}, {"source", "s"}}, token);
  EXPECT_EQ(fields_of(r), std::set<std::string>{"value"}) << r.body;
  r = put("industrial_value_added/370404000000/2019-09", {{"unit", "%"}, {"source", "s"}}, token);
  EXPECT_EQ(fields_of(r), std::set<std::string>{"growth"}) << r.body;
  r = put("gdp/370404000000/2019-09", {{"value", "100"}, {"unit", "亿元"}, {"source", "s"}}, token);
  EXPECT_EQ(fields_of(r), std::set<std::string>{"period"}) << r.body;  // GDP is quarterly
  r = put("gdp/370404000000/2100-Q1", {{"value", "100"}, {"unit", "亿元"}, {"source", "s"}}, token);
  EXPECT_EQ(fields_of(r), std::set<std::string>{"period"}) << r.body;  // not over yet
  r = put("gdp/370404000000/2019-Q1", {{"value", "100.123"}, {"unit", "亿元"}}, token);
  EXPECT_EQ(fields_of(r), (std::set<std::string>{"value", "source"})) << r.body;
  r = put("gdp/370404000000/2019-Q1", {{"value", "1e3"}, {"unit", "亿元"}, {"source", "s"}, {"extra", 1}}, token);
  EXPECT_EQ(fields_of(r), (std::set<std::string>{"value", "extra"})) << r.body;
  EXPECT_EQ(put("nothing/370404000000/2019-09", json::object(), token).status, 404);
  EXPECT_EQ(put("gdp/999999/2019-Q1", json::object(), token).status, 404);
  EXPECT_EQ(http("PUT", "/api/economy/values/gdp/370404000000/2019-Q1", "{not json", bearer(token)).status, 400);
  // Nothing of that was stored.
  auto list = http("GET", "/api/economy/values?indicator=gdp&area=370404000000&year=2019", "", bearer(token));
  ASSERT_EQ(list.status, 200);
  EXPECT_TRUE(list.json()["items"].empty());
  // A number given as a JSON number is read exactly; the peer code of the district is the district.
  r = put("gdp/370404/2019-Q1", {{"value", 29.35}, {"growth", 6.2}, {"unit", "亿元"}, {"source", "枣庄市统计局"}},
          token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["item"]["area"], kDistrict);
  EXPECT_EQ(r.json()["item"]["value"], "29.35");
  EXPECT_EQ(r.json()["item"]["growth"], "6.2");
  EXPECT_TRUE(r.json()["warnings"].empty());
  // A comparable-price figure without its growth is kept, with a warning that it cannot be computed.
  r = put("gdp/370404000000/2019-Q2", {{"value", "60.10"}, {"unit", "亿元"}, {"source", "枣庄市统计局"}}, token);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json()["warnings"].size(), 1u);
  EXPECT_EQ(r.json()["warnings"][0]["code"], "growth-missing");
  // Read-only roles may not enter.
  EXPECT_EQ(put("gdp/370404000000/2019-Q3", {{"value", "90"}, {"unit", "亿元"}, {"source", "s"}}, leader()).status,
            403);
}

TEST(Economy, AContradictingGrowthIsStoredFlaggedAndFollowsItsBase) {
  const auto token = tongji();
  // 2019: 100.00; 2020: 110.00 published as +5.0 % (the totals say +10.0 %).
  ASSERT_EQ(
      put("foreign_trade/370404000000/2019-06", {{"value", "100.00"}, {"unit", "亿元"}, {"source", "海关"}}, token)
          .status,
      200);
  auto r = put("foreign_trade/370404000000/2020-06",
               {{"value", "110.00"}, {"growth", "5.0"}, {"unit", "亿元"}, {"source", "海关"}}, token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json()["item"]["growth_conflict"].get<bool>());
  ASSERT_EQ(r.json()["warnings"].size(), 1u);
  EXPECT_EQ(r.json()["warnings"][0]["code"], "growth-conflict");
  EXPECT_NE(r.json()["warnings"][0]["message"].get<std::string>().find("10.0%"), std::string::npos) << r.body;
  // Within a tenth of the last published place is agreement (the totals are rounded too).
  r = put("foreign_trade/370404000000/2020-06",
          {{"value", "110.00"}, {"growth", "9.9"}, {"unit", "亿元"}, {"source", "海关"}}, token);
  EXPECT_FALSE(r.json()["item"]["growth_conflict"].get<bool>()) << r.body;
  r = put("foreign_trade/370404000000/2020-06",
          {{"value", "110.00"}, {"growth", "5.0"}, {"unit", "亿元"}, {"source", "海关"}}, token);
  EXPECT_TRUE(r.json()["item"]["growth_conflict"].get<bool>());
  // Correcting the base so that it agrees clears the later figure's flag.
  r = put("foreign_trade/370404000000/2019-06", {{"value", "104.76"}, {"unit", "亿元"}, {"source", "海关（更正）"}},
          token);
  ASSERT_EQ(r.status, 200) << r.body;
  auto list = http("GET", "/api/economy/values?indicator=foreign_trade&area=370404000000&year=2020", "", bearer(token));
  ASSERT_EQ(list.json()["items"].size(), 1u);
  EXPECT_FALSE(list.json()["items"][0]["growth_conflict"].get<bool>()) << list.body;
  // The same figure again: unchanged, no revision; the history keeps every revision, newest first.
  r = put("foreign_trade/370404000000/2020-06",
          {{"value", "110.00"}, {"growth", "5.0"}, {"unit", "亿元"}, {"source", "海关"}}, token);
  EXPECT_FALSE(r.json()["changed"].get<bool>());
  EXPECT_EQ(r.json()["item"]["revision"], 3);
  auto h = http("GET", "/api/economy/values/foreign_trade/370404000000/2020-06/history", "", bearer(leader()));
  ASSERT_EQ(h.status, 200);
  const auto items = h.json()["items"];
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0]["revision"], 3);
  EXPECT_EQ(items[1]["growth"], "9.9");
  EXPECT_EQ(items[2]["growth"], "5.0");
  EXPECT_EQ(items[2]["via"], "entry");
  EXPECT_EQ(items[2]["changed_by"], "eco_tongji");
  EXPECT_EQ(http("GET", "/api/economy/values/foreign_trade/370404000000/2018-06/history", "", bearer(leader())).status,
            404);
  // Each change is in the operation log.
  auto audit = http("GET", "/api/audit/operations?entity=eco_figure&size=50", "", bearer(login("admin")));
  ASSERT_EQ(audit.status, 200) << audit.body;
  int entries = 0;
  for (const auto& e : items_of(audit))
    if (e["entity_id"] == "foreign_trade/370404000000/2020-06") ++entries;
  EXPECT_EQ(entries, 3);
}

TEST(Economy, TownsEnterAndSeeTheirOwnFiguresOnly) {
  const auto town = tanshan();
  auto r = put("budget_revenue/370404001000/2019-03",
               {{"value", "0.35"}, {"unit", "亿元"}, {"source", "坛山街道财政所"}}, town);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(
      put("budget_revenue/370404100000/2019-03", {{"value", "0.35"}, {"unit", "亿元"}, {"source", "s"}}, town).status,
      403);  // another town
  EXPECT_EQ(
      put("budget_revenue/370404000000/2019-03", {{"value", "2.35"}, {"unit", "亿元"}, {"source", "s"}}, town).status,
      403);  // the district
  EXPECT_EQ(put("budget_revenue/370402/2019-03", {{"value", "2.35"}, {"unit", "亿元"}, {"source", "s"}}, town).status,
            403);  // a peer
  EXPECT_EQ(
      http("GET", "/api/economy/values?indicator=budget_revenue&area=370404100000&year=2022", "", bearer(town)).status,
      403);
  EXPECT_EQ(http("GET", "/api/economy/table?period=2022-09&area=370404100000", "", bearer(town)).status, 403);
  EXPECT_EQ(http("GET", "/api/economy/table?period=2022-09&area=370404001000", "", bearer(town)).status, 200);
  // The areas it sees: the district, its own town and the peers; it may enter its town only.
  auto areas = http("GET", "/api/economy/areas", "", bearer(town)).json();
  std::set<std::string> towns, enterable;
  for (const auto& a : areas["items"]) {
    if (a["kind"] == "town") towns.insert(a["code"]);
    if (a["can_enter"].get<bool>()) enterable.insert(a["code"]);
  }
  EXPECT_EQ(towns, std::set<std::string>{"370404001000"});
  EXPECT_EQ(enterable, std::set<std::string>{"370404001000"});
  // An import with another town's row stores nothing.
  r = import(
      "指标代码,地区代码,期别,数值,单位,同比增长(%),口径,来源\n"
      "budget_revenue,370404001000,2019-04,0.47,亿元,,,坛山\n"
      "budget_revenue,370404100000,2019-04,0.47,亿元,,,坛山\n",
      town);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(http("GET", "/api/economy/values?indicator=budget_revenue&area=370404001000&year=2019", "", bearer(town))
                .json()["items"]
                .size(),
            1u);
}

TEST(Economy, ImportsAreAllOrNothingNameRowAndColumnAndRepeatSafely) {
  const auto token = tongji();
  const std::string header = "指标代码,地区代码,期别,数值,单位,同比增长(%),口径,来源\n";
  const std::string good = header +
                           "industrial_revenue,370404000000,2019-01,15.20,亿元,,,区统计局\n"
                           "industrial_revenue,370404000000,2019-02,30.75,亿元,,,区统计局\n"
                           "industrial_value_added,370402,2019-02,,%,9.1,,枣庄市统计局\n";
  // A bad unit in row 3: nothing of the file is stored.
  std::string bad = good;
  bad.replace(bad.find("30.75,亿元"), std::string("30.75,亿元").size(), "30.75,万元");
  auto r = import(bad, token);
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("第 3 行「单位」"), std::string::npos) << r.body;
  EXPECT_EQ(r.json()["row"], 3);
  EXPECT_EQ(r.json()["column"], "单位");
  auto stored = [&] {
    return http("GET", "/api/economy/values?indicator=industrial_revenue&area=370404000000&year=2019", "",
                bearer(token))
        .json()["items"]
        .size();
  };
  EXPECT_EQ(stored(), 0u);
  struct Broken {
    std::string text, where;
  };
  for (const auto& b : std::vector<Broken>{
           {header + "industrial_revenue,370404000000,2019-13,1,亿元,,,s\n", "第 2 行「期别」"},
           {header + "industrial_revenue,370404000000,2019-01,abc,亿元,,,s\n", "第 2 行「数值」"},
           {header + "industrial_revenue,370404000000,2019-01,1,亿元,4.5%,,s\n", "第 2 行「同比增长(%)」"},
           {header + "nothing,370404000000,2019-01,1,亿元,,,s\n", "第 2 行「指标代码」"},
           {header + "industrial_revenue,123,2019-01,1,亿元,,,s\n", "第 2 行「地区代码」"},
           {header + "industrial_revenue,370404000000,2019-01,1,亿元,,,\n", "第 2 行「来源」"},
           {header +
                "industrial_revenue,370404000000,2019-01,1,亿元,,,s\nindustrial_revenue,370404,2019-01,2,亿元,,,s\n",
            "第 3 行「期别」"},
           {"指标,地区\nx,y\n", "第 1 行"},
           {"a,\"b\n", "引号"},
       }) {
    r = import(b.text, token);
    EXPECT_EQ(r.status, 400) << b.text;
    EXPECT_NE(r.body.find(b.where), std::string::npos) << b.where << " in " << r.body;
  }
  EXPECT_EQ(import("", token).status, 400);
  EXPECT_EQ(import(header, token).status, 400);
  EXPECT_EQ(import(std::string("PK\x03\x04garbage"), token).status, 400);
  EXPECT_EQ(stored(), 0u);

  r = import(good, token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["rows"], 3);
  EXPECT_EQ(r.json()["added"], 3);
  r = import(good, token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["unchanged"], 3);
  EXPECT_EQ(r.json()["added"], 0);
  EXPECT_EQ(stored(), 2u);
  // The same as XLSX, one figure revised, numbers stored as a spreadsheet stores them.
  platform::Table t;
  t.header = platform::parse_csv(header)[0];
  t.rows = {{"industrial_revenue", "370404000000", "2019-02", "30.8", "亿元", "", "", "区统计局"}};
  t.numeric = {false, false, false, true, false, true, false, false};
  auto headers = bearer(token);
  r = http("POST", "/api/economy/import", platform::to_xlsx(t, "导入"), headers);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["revised"], 1);
  auto h = http("GET", "/api/economy/values/industrial_revenue/370404000000/2019-02/history", "", bearer(token)).json();
  ASSERT_EQ(h["items"].size(), 2u);
  EXPECT_EQ(h["items"][0]["value"], "30.80");
  EXPECT_EQ(h["items"][0]["via"], "import");
  EXPECT_EQ(h["items"][1]["value"], "30.75");
  // The template is a table the import reads.
  auto tpl = http("GET", "/api/economy/import/template?format=csv", "", bearer(token));
  ASSERT_EQ(tpl.status, 200);
  EXPECT_EQ(platform::parse_csv(tpl.body)[0], t.header);
  EXPECT_EQ(http("POST", "/api/economy/import", good, bearer(leader())).status, 403);
}

TEST(Economy, ConcurrentEntriesLoseNoRevision) {
  const auto token = tongji();
  constexpr int kWriters = 8;
  std::vector<std::thread> threads;
  std::vector<int> status(kWriters);
  for (int i = 0; i < kWriters; ++i)
    threads.emplace_back([&, i] {
      status[i] = put("industrial_electricity/370404000000/2019-05",
                      {{"value", std::to_string(30000 + i)}, {"unit", "万千瓦时"}, {"source", "供电公司"}}, token)
                      .status;
    });
  for (auto& t : threads) t.join();
  for (int s : status) EXPECT_EQ(s, 200);
  auto h =
      http("GET", "/api/economy/values/industrial_electricity/370404000000/2019-05/history", "", bearer(token)).json();
  ASSERT_EQ(h["items"].size(), static_cast<std::size_t>(kWriters));
  std::set<int> revisions;
  for (const auto& e : h["items"]) revisions.insert(e["revision"].get<int>());
  EXPECT_EQ(revisions.size(), static_cast<std::size_t>(kWriters));
  EXPECT_EQ(*revisions.rbegin(), kWriters);
}

TEST(Economy, TheCatalogueIsReadByAllAndExtendedByItsManager) {
  auto r = http("GET", "/api/economy/indicators", "", bearer(leader()));
  ASSERT_EQ(r.status, 200);
  const auto items = items_of(r);
  ASSERT_GE(items.size(), 10u);
  EXPECT_EQ(items[0]["code"], "gdp");
  EXPECT_EQ(items[0]["department_name"], "区统计局");
  const json body = {{"code", "grain_output"}, {"name", "粮食产量"},        {"name_en", "Grain output"},
                     {"unit", "万吨"},         {"price_basis", "physical"}, {"frequency", "yearly"},
                     {"cumulative", false},    {"growth_only", false},      {"decimals", 2},
                     {"department", "200024"}};
  EXPECT_EQ(http("POST", "/api/economy/indicators", body.dump(), bearer(leader())).status, 403);
  auto bad = body;
  bad["unit"] = "斤";
  r = http("POST", "/api/economy/indicators", bad.dump(), bearer(tongji()));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(fields_of(r), std::set<std::string>{"unit"}) << r.body;
  r = http("POST", "/api/economy/indicators", body.dump(), bearer(tongji()));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(http("POST", "/api/economy/indicators", body.dump(), bearer(tongji())).status, 409);
  r = put("grain_output/370404000000/2019", {{"value", "18.62"}, {"unit", "万吨"}, {"source", "区统计局"}}, tongji());
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["item"]["period_label"], "2019年");
}

}  // namespace
}  // namespace ecity::test
