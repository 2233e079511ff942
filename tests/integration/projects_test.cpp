// Key projects over HTTP: the registry (validation, duplicates, locking, masking), data scopes,
// the monthly report cycle (submit, return, resubmit, accept, correct with history; future
// months, locked months, other units, absurd amounts, cumulative above the total), the colours
// under two rule sets switched as data, bad rule sets named, and the demo's 2022 figures.
#include "harness.h"

#include "projects/demo.h"
#include "projects/dispatch.h"
#include "projects/module.h"
#include "projects/reports.h"

#include "platform/audit/export.h"
#include "platform/calendar/working_hours.h"
#include "platform/files/xlsx_reader.h"
#include "platform/runtime.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>

namespace ecity::test {
namespace {

using json = nlohmann::json;

// The office (project_office) and two units' liaisons (dept_admin of 工信局 and of 住建局).
std::string office() { return user("prj_office", "project_office", department("200002001"), std::nullopt); }
std::string gongxin() { return user("prj_gongxin", "dept_admin", department("200005"), std::nullopt); }
std::string zhujian() { return user("prj_zhujian", "dept_admin", department("200013"), std::nullopt); }

void ensure_industry() {
  runtime().module<projects::ProjectsModule>()->projects().add_industry({std::nullopt, "test", ""}, "equipment",
                                                                        "高端装备制造", 1);
}

std::pair<int, int> this_month() {
  const auto today = platform::local_date_of(platform::now_ms());
  return {static_cast<int>(today.year()), static_cast<int>(unsigned(today.month()))};
}

json project_body(const std::string& name, const std::string& code) {
  const auto [year, month] = this_month();
  return {{"name", name},
          {"code", code},
          {"level", "county"},
          {"industry", "equipment"},
          {"nature", "continued"},
          {"status", "construction"},
          {"lead_unit_id", department("200005")},
          {"co_unit_ids", {department("200034")}},
          {"leaders", {"常务副区长"}},
          {"town_id", region("370404100000")},
          {"owner_company", "测试装备有限公司"},
          {"owner_contact", "王经理"},
          {"owner_phone", "13963701234"},
          {"total_investment_wan", "5000"},
          {"start_year", year - 1},
          {"end_year", year + 1},
          {"actual_start", std::to_string(year - 1) + "-05-01"},
          {"approvals", {{"approval", std::to_string(year - 1) + "-01-10"}, {"permit", "pending"}}}};
}

// Bytes that start like a PNG (the checks read signatures, not whole files).
std::string png_photo() {
  std::string b("\x89PNG\r\n\x1A\n", 8);
  while (b.size() < 4096) b += static_cast<char>(b.size() * 13 % 251);
  return b;
}

HttpResult photo_upload(const std::string& token, const std::string& report, const std::string& name,
                        const std::string& type, const std::string& bytes) {
  std::string encoded;
  for (unsigned char c : name) encoded += fmt::format("%{:02X}", c);
  auto headers = bearer(token);
  headers["content-type"] = type;
  return http("POST", "/api/projects/reports/" + report + "/photos?name=" + encoded, bytes, headers);
}

std::int64_t create(const json& body) {
  auto r = http("POST", "/api/projects", body.dump(), bearer(office()));
  EXPECT_EQ(r.status, 201) << r.body;
  return r.json()["id"].get<std::int64_t>();
}

TEST(Projects, RegistryChecksEveryFieldAndMasksThePhone) {
  ensure_industry();
  const auto id = create(project_body("测试数控机床项目", "T-PRJ-0001"));
  // The office sees the owner's phone; a leader (no pii:read) sees it masked.
  EXPECT_EQ(http("GET", "/api/projects/" + std::to_string(id), "", bearer(office())).json()["owner_phone"],
            "13963701234");
  auto leader_view = http("GET", "/api/projects/" + std::to_string(id), "", bearer(login("leader"))).json();
  EXPECT_EQ(leader_view["owner_phone"], "139****1234");
  EXPECT_EQ(leader_view["total_investment_yuan"], 50'000'000);
  EXPECT_EQ(leader_view["co_unit_ids"], json::array({department("200034")}));
  // Duplicate code, stale version.
  EXPECT_EQ(http("POST", "/api/projects", project_body("重复", "T-PRJ-0001").dump(), bearer(office())).status, 409);
  auto r = http("PUT", "/api/projects/" + std::to_string(id), json{{"status", "completed"}, {"version", 1}}.dump(),
                bearer(office()));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(
      http("PUT", "/api/projects/" + std::to_string(id), json{{"name", "x"}, {"version", 1}}.dump(), bearer(office()))
          .status,
      409);
  auto bad = [](const json& change, const std::string& field) {
    auto body = project_body("坏项目", "");
    body.erase("code");
    for (const auto& [k, v] : change.items()) {
      if (v.is_null())
        body.erase(k);
      else
        body[k] = v;
    }
    auto r = http("POST", "/api/projects", body.dump(), bearer(office()));
    EXPECT_EQ(r.status, 400) << field << ": " << r.body;
    const auto j = r.json();
    bool named = false;
    for (const auto& e : j["errors"]) named = named || e["field"] == field;
    EXPECT_TRUE(named) << field << ": " << r.body;
  };
  bad({{"total_investment_wan", "-5"}}, "total_investment_wan");
  bad({{"total_investment_wan", "12.345678"}}, "total_investment_wan");
  bad({{"total_investment_wan", "abc"}}, "total_investment_wan");
  bad({{"level", "national"}}, "level");
  bad({{"nature", nullptr}}, "nature");
  bad({{"industry", "unknown-industry"}}, "industry");
  bad({{"lead_unit_id", 99999999}}, "lead_unit_id");
  bad({{"end_year", 1980}}, "end_year");
  bad({{"actual_start", "2022-02-30"}}, "actual_start");
  bad({{"owner_phone", "call me"}}, "owner_phone");
  bad({{"approvals", {{"visa", "2022-01-01"}}}}, "approvals.visa");
  bad({{"approvals", {{"land", "soon"}}}}, "approvals.land");
  bad({{"colour", "red"}}, "colour");
}

TEST(Projects, ScopesAndRoles) {
  ensure_industry();
  const auto id = create(project_body("古邵测试项目", "T-PRJ-0002"));
  auto body = project_body("住建局测试项目", "T-PRJ-0003");
  body["lead_unit_id"] = department("200013");
  body["co_unit_ids"] = json::array();
  body["town_id"] = region("370404001000");
  const auto other = create(body);
  // 工信局 sees its own project, not 住建局's.
  auto mine = items_of(http("GET", "/api/projects", "", bearer(gongxin())));
  std::set<std::int64_t> ids;
  for (const auto& p : mine) ids.insert(p["id"].get<std::int64_t>());
  EXPECT_TRUE(ids.count(id));
  EXPECT_FALSE(ids.count(other));
  EXPECT_EQ(http("GET", "/api/projects/" + std::to_string(other), "", bearer(gongxin())).status, 404);
  // 古邵镇 (co-responsible and located there) sees the first; 坛山街道 sees the second.
  EXPECT_EQ(http("GET", "/api/projects/" + std::to_string(id), "", bearer(login("gushao"))).status, 200);
  EXPECT_EQ(http("GET", "/api/projects/" + std::to_string(id), "", bearer(login("tanshan"))).status, 404);
  EXPECT_EQ(http("GET", "/api/projects/" + std::to_string(other), "", bearer(login("tanshan"))).status, 200);
  // A hotline agent has no project permission; units may not register or plan.
  const auto agent = user("prj_agent", "hotline_agent", std::nullopt, std::nullopt);
  EXPECT_EQ(http("GET", "/api/projects", "", bearer(agent)).status, 403);
  EXPECT_EQ(http("POST", "/api/projects", project_body("x", "T-PRJ-X").dump(), bearer(gongxin())).status, 403);
  const auto [year, month] = this_month();
  EXPECT_EQ(http("PUT", "/api/projects/" + std::to_string(id) + "/plans/" + std::to_string(year),
                 json{{"planned_investment_wan", "100"}}.dump(), bearer(gongxin()))
                .status,
            403);
  EXPECT_EQ(http("GET", "/api/projects/overview", "", bearer(agent)).status, 403);
}

TEST(Projects, TheMonthlyReportCycle) {
  ensure_industry();
  const auto [year, month] = this_month();
  const auto id = create(project_body("月报测试项目", "T-PRJ-0004"));
  const std::string base = "/api/projects/" + std::to_string(id);
  auto r =
      http("PUT", base + "/plans/" + std::to_string(year),
           json{{"planned_investment_wan", "2400"}, {"milestones", {{{"month", month}, {"title", "设备进场"}}}}}.dump(),
           bearer(office()));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto milestone = r.json()["milestones"][0]["id"].get<std::int64_t>();
  auto report = [&](const json& extra, const std::string& token) {
    json body = {{"year", year}, {"month", month}, {"amount_wan", "300"}, {"progress", "主体施工"}};
    for (const auto& [k, v] : extra.items()) body[k] = v;
    return http("POST", base + "/reports", body.dump(), bearer(token));
  };
  // Not the lead unit: 403. A future month, a negative or absurd amount: 400. A locked month: 409.
  EXPECT_EQ(report({}, zhujian()).status, 403);
  EXPECT_EQ(report({}, login("leader")).status, 403);
  const int next_year = month == 12 ? year + 1 : year, next_month = month == 12 ? 1 : month + 1;
  EXPECT_EQ(report({{"year", next_year}, {"month", next_month}}, gongxin()).status, 400);
  EXPECT_EQ(report({{"amount_wan", "-1"}}, gongxin()).status, 400);
  EXPECT_EQ(report({{"amount_wan", "6000"}}, gongxin()).status, 400);  // above the total of 5000万
  const int old_year = month <= 2 ? year - 1 : year, old_month = month <= 2 ? month + 10 : month - 2;
  r = report({{"year", old_year}, {"month", old_month}}, gongxin());
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.body.find("locked"), std::string::npos) << r.body;

  // Submitted, with the milestone reached; a second one for the month: 409.
  r = report({{"milestones", {milestone}}}, gongxin());
  ASSERT_EQ(r.status, 201) << r.body;
  auto rep = r.json();
  EXPECT_EQ(rep["status"], "submitted");
  EXPECT_EQ(rep["amount_yuan"], 3'000'000);
  EXPECT_FALSE(rep["late"].get<bool>());
  const auto rid = std::to_string(rep["id"].get<std::int64_t>());
  EXPECT_EQ(report({}, gongxin()).status, 409);
  // The office's queue has it; returning needs a reason.
  bool queued = false;
  for (const auto& x : items_of(http("GET", "/api/projects/reports?status=submitted", "", bearer(office()))))
    queued = queued || x["id"] == rep["id"];
  EXPECT_TRUE(queued);
  EXPECT_EQ(
      http("POST", "/api/projects/reports/" + rid + "/return", json{{"version", 1}}.dump(), bearer(office())).status,
      400);
  EXPECT_EQ(
      http("POST", "/api/projects/reports/" + rid + "/accept", json{{"version", 1}}.dump(), bearer(gongxin())).status,
      403);
  r = http("POST", "/api/projects/reports/" + rid + "/return", json{{"version", 1}, {"note", "请附现场照片"}}.dump(),
           bearer(office()));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["status"], "returned");
  // The unit adds the site photo the office asked for: an image checked by its bytes, by the lead
  // unit only; a non-image or another unit's upload is refused and leaves nothing.
  const std::string photo = png_photo();
  r = photo_upload(gongxin(), rid, "现场照片.png", "image/png", photo);
  ASSERT_EQ(r.status, 201) << r.body;
  const auto photo_id = std::to_string(r.json()["id"].get<std::int64_t>());
  EXPECT_EQ(photo_upload(zhujian(), rid, "a.png", "image/png", photo).status, 404);  // not in its scope
  EXPECT_EQ(photo_upload(office(), rid, "a.png", "image/png", photo).status, 403);   // not the lead unit
  r = photo_upload(gongxin(), rid, "说明.pdf", "application/pdf", "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n%%EOF\n");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(photo_upload(gongxin(), rid, "现场照片.jpg", "image/jpeg", photo).status, 400);  // the bytes are PNG
  auto got = http("GET", "/api/projects/reports/" + rid + "/photos/" + photo_id, "", bearer(office()));
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body, photo);
  EXPECT_EQ(got.header("content-type"), "image/png");
  EXPECT_EQ(http("GET", "/api/projects/reports/" + rid + "/photos/" + photo_id, "", bearer(zhujian())).status, 404);
  // Resubmitted with a corrected amount; accepted; then the unit can no longer change it.
  r = http("PUT", "/api/projects/reports/" + rid, json{{"amount_wan", "320.5"}, {"version", 2}}.dump(),
           bearer(gongxin()));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["revision"], 2);
  r = http("POST", "/api/projects/reports/" + rid + "/accept", json{{"version", 3}}.dump(), bearer(office()));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["status"], "accepted");
  EXPECT_EQ(
      http("PUT", "/api/projects/reports/" + rid, json{{"amount_wan", "1"}, {"version", 4}}.dump(), bearer(gongxin()))
          .status,
      409);
  EXPECT_EQ(photo_upload(gongxin(), rid, "补拍.png", "image/png", photo).status, 409);  // accepted: photos are final
  EXPECT_EQ(http("DELETE", "/api/projects/reports/" + rid + "/photos/" + photo_id, "", bearer(gongxin())).status, 409);
  // The milestone is reached; the project's year counts the accepted amount.
  auto plan = http("GET", base + "/plans/" + std::to_string(year), "", bearer(office())).json();
  EXPECT_FALSE(plan["milestones"][0]["reached_on"].is_null()) << plan.dump();
  auto y = http("GET", base + "/year/" + std::to_string(year) + "?month=" + std::to_string(month), "", bearer(office()))
               .json();
  EXPECT_EQ(y["done_yuan"], 3'205'000);
  // A correction after acceptance keeps the history; it needs a reason.
  EXPECT_EQ(http("POST", "/api/projects/reports/" + rid + "/correct",
                 json{{"amount_wan", "310"}, {"version", 4}}.dump(), bearer(office()))
                .status,
            400);
  r = http("POST", "/api/projects/reports/" + rid + "/correct",
           json{{"amount_wan", "310"}, {"version", 4}, {"note", "统计口径核减"}}.dump(), bearer(office()));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["revision"], 3);
  auto full = http("GET", "/api/projects/reports/" + rid, "", bearer(gongxin())).json();
  std::vector<std::string> actions;
  for (const auto& h : full["history"]) actions.push_back(h["action"].get<std::string>());
  EXPECT_EQ(actions, (std::vector<std::string>{"submit", "return", "resubmit", "accept", "correct"}));
  EXPECT_EQ(full["history"][2]["amount_yuan"], 3'205'000);
  EXPECT_EQ(full["amount_yuan"], 3'100'000);
  EXPECT_EQ(full["history"][0]["by_name"], "prj_gongxin（测试）");  // named for a unit without user:read
  ASSERT_EQ(full["milestones"].size(), 1u) << full.dump();
  EXPECT_EQ(full["milestones"][0]["title"], "设备进场");
  ASSERT_EQ(full["photos"].size(), 1u);
  EXPECT_EQ(full["photos"][0]["name"], "现场照片.png");
  // The year figures kept on every change hold the corrected amount and the first submission.
  const auto figures = runtime().db.read([&](soci::session& sql) {
    long long pid = id, a = -1, first = 0;
    int y = year;
    soci::indicator ind = soci::i_null;
    sql << fmt::format("SELECT a{0}, s{0} FROM prj_year_figures WHERE project_id = :p AND year = :y", month),
        soci::use(pid), soci::use(y), soci::into(a), soci::into(first, ind);
    return std::pair(a, ind == soci::i_ok ? first : 0);
  });
  EXPECT_EQ(figures.first, 3'100'000);
  EXPECT_EQ(figures.second, full["submitted_at"].get<long long>());
  // The tracking of the month shows it in.
  auto t =
      http("GET", "/api/projects/reports/tracking?year=" + std::to_string(year) + "&month=" + std::to_string(month), "",
           bearer(office()))
          .json();
  bool tracked = false;
  for (const auto& x : t["items"]) tracked = tracked || (x["project_id"] == id && x["state"] == "on_time");
  EXPECT_TRUE(tracked) << t.dump();
}

TEST(Projects, CumulativeAboveTheTotalIsAcceptedWithAWarning) {
  ensure_industry();
  const auto [year, month] = this_month();
  auto body = project_body("超总投资测试项目", "T-PRJ-0005");
  body["total_investment_wan"] = "1000";
  const auto id = create(body);
  // 900万 already reported in an earlier year: 200万 more this month exceeds the total.
  runtime().db.write([&](platform::Tx& tx) {
    projects::AcceptedReport r;
    r.project = id;
    r.year = year - 1;
    r.month = 6;
    r.amount = 9'000'000;
    r.submitted_at = r.accepted_at = platform::now_ms();
    projects::ReportService::put_accepted(tx, r, {});
  });
  auto r = http("POST", "/api/projects/" + std::to_string(id) + "/reports",
                json{{"year", year}, {"month", month}, {"amount_wan", "200"}}.dump(), bearer(gongxin()));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_TRUE(r.json()["over_total"].get<bool>());
  ASSERT_TRUE(r.json()["warnings"].is_array());
  EXPECT_EQ(r.json()["warnings"][0]["code"], "over_total");
}

TEST(Projects, SwitchingTheRuleSetChangesColoursAndBadSetsAreNamed) {
  ensure_industry();
  auto body = project_body("预警测试项目", "T-PRJ-0006");
  body["start_year"] = 2019;
  body["actual_start"] = "2019-03-01";
  const auto id = create(body);
  const std::string base = "/api/projects/" + std::to_string(id);
  // 2019: plan 1200万, 590万 accepted by June (49.2 % against 50 %: 0.8 points behind, 1.7 % short).
  ASSERT_EQ(http("PUT", base + "/plans/2019", json{{"planned_investment_wan", "1200"}}.dump(), bearer(office())).status,
            200);
  runtime().db.write([&](platform::Tx& tx) {
    for (int m = 1; m <= 6; ++m) {
      const auto at = platform::now_ms() - 2'000'000'000'000LL;  // long before any lock day
      projects::AcceptedReport r;
      r.project = id;
      r.year = 2019;
      r.month = m;
      r.amount = m == 6 ? 1'400'000 : 900'000;
      r.submitted_at = r.accepted_at = at;
      projects::ReportService::put_accepted(tx, r, {});
    }
  });
  auto colour_of = [&](int month) {
    auto h = http("GET", base + "/colours?year=2019", "", bearer(office())).json();
    for (const auto& x : h["items"])
      if (x["month"] == month) return x;
    return json();
  };
  auto r = http("POST", "/api/projects/colours/evaluate", json{{"year", 2019}, {"month", 6}}.dump(), bearer(office()));
  ASSERT_EQ(r.status, 200) << r.body;
  auto c = colour_of(6);
  EXPECT_EQ(c["colour"], "green") << c.dump();
  EXPECT_EQ(c["rule_set"], "points-10-30");
  // The shortfall set (from the shipped templates): the same month turns yellow, and a colour
  // change is published on the bus.
  json shortfall;
  for (const auto& t : items_of(http("GET", "/api/projects/rule-templates", "", bearer(office()))))
    if (t["code"] == "shortfall-50-two-yellows") shortfall = t;
  ASSERT_TRUE(shortfall.is_object());
  r = http("PUT", "/api/projects/rules/2019", shortfall.dump(), bearer(office()));
  ASSERT_EQ(r.status, 200) << r.body;
  c = colour_of(6);
  EXPECT_EQ(c["colour"], "yellow") << c.dump();
  EXPECT_EQ(c["rule_set"], "shortfall-50-two-yellows");
  EXPECT_EQ(c["reasons"][0]["dimension"], "investment");
  EXPECT_EQ(c["reasons"][0]["measured"], "1.7");
  const bool published = runtime().db.read([&](soci::session& sql) {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM outbox WHERE topic = 'projects.colour.changed' AND payload LIKE '%\"project_id\":" +
               std::to_string(id) + "%'",
        soci::into(n);
    return n > 0;
  });
  EXPECT_TRUE(published);
  // A set with a gap is refused, naming it; the set in force stays.
  auto gap = shortfall;
  gap["rules"][0]["bands"][1]["min"] = 5;
  r = http("PUT", "/api/projects/rules/2019", gap.dump(), bearer(office()));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("0 到 5 之间的值没有区间"), std::string::npos) << r.body;
  EXPECT_EQ(http("GET", "/api/projects/rules/2019", "", bearer(office())).json()["code"], "shortfall-50-two-yellows");
  EXPECT_EQ(http("PUT", "/api/projects/rules/2019", shortfall.dump(), bearer(gongxin())).status, 403);
}

TEST(Projects, TheDemoYearGivesThePublishedFigures) {
  const auto first = projects::load_demo_projects(runtime());
  const auto again = projects::load_demo_projects(runtime());
  EXPECT_TRUE(again.skipped);
  if (!first.skipped) {
    EXPECT_EQ(first.projects, 61);
    EXPECT_EQ(first.planned, 10'613'000'000);
    EXPECT_EQ(first.accepted, 14'837'000'000);
  }
  // The demo's projects, through the district's overview: restricted to the demo's owners.
  auto r = http("GET", "/api/projects/overview?year=2022&month=10", "", bearer(login("leader")));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto o = r.json();
  // Other tests plan other years, so 2022 holds the demo alone.
  EXPECT_EQ(o["total"]["projects"], 61);
  EXPECT_EQ(o["total"]["planned_yuan"], 10'613'000'000);
  EXPECT_EQ(o["total"]["done_yuan"], 14'837'000'000);
  EXPECT_DOUBLE_EQ(o["total"]["completion"].get<double>(), 139.8);
  EXPECT_DOUBLE_EQ(o["total"]["time_progress"].get<double>(), 83.3);
  EXPECT_EQ(o["total"]["started"], 61);
  const auto colours = o["total"]["colours"];
  EXPECT_GT(colours["yellow"].get<int>() + colours["red"].get<int>(), 0) << colours.dump();
  EXPECT_GT(colours["green"].get<int>(), 40) << colours.dump();
  // The groups add up to the total.
  long long planned = 0;
  for (const auto& g : o["by_industry"]) planned += g["planned_yuan"].get<long long>();
  EXPECT_EQ(planned, 10'613'000'000);
  long long by_month = 0;
  for (const auto& m : o["monthly"])
    if (!m["amount_yuan"].is_null()) by_month += m["amount_yuan"].get<long long>();
  EXPECT_EQ(by_month, 14'837'000'000);
  EXPECT_EQ(o["monthly"][11]["plan_line_yuan"], 10'613'000'000);
  // The red list names every red project of the month, furthest behind first, with its reasons
  // (expanded from their stored form: dimension names included).
  EXPECT_EQ(o["red_total"], colours["red"]);
  EXPECT_EQ(o["red_list"].size(), colours["red"].get<std::size_t>());
  double last = -1;
  for (const auto& p : o["red_list"]) {
    ASSERT_FALSE(p["reasons"].empty()) << p.dump();
    EXPECT_TRUE(p["reasons"][0].contains("dimension_name")) << p.dump();
    EXPECT_GE(p["completion"].get<double>(), last);
    last = p["completion"].get<double>();
  }
  // In the months with red projects, red_limit=1 keeps the one furthest behind.
  int checked = 0;
  for (int month = 1; month <= 10; ++month) {
    auto m = http("GET", "/api/projects/overview?year=2022&red_limit=1&month=" + std::to_string(month), "",
                  bearer(login("leader")))
                 .json();
    if (m["red_total"].get<int>() < 2) continue;
    auto all =
        http("GET", "/api/projects/overview?year=2022&month=" + std::to_string(month), "", bearer(login("leader")))
            .json();
    ++checked;
    ASSERT_EQ(m["red_list"].size(), 1u);
    EXPECT_EQ(m["red_list"][0]["project_id"], all["red_list"][0]["project_id"]);
    for (const auto& p : all["red_list"])
      EXPECT_GE(p["completion"].get<double>(), m["red_list"][0]["completion"].get<double>());
  }
  EXPECT_GT(checked, 0) << "the demo year has months with two or more red projects";
  EXPECT_EQ(http("GET", "/api/projects/overview?year=2022&month=10&red_limit=0", "", bearer(login("leader"))).status,
            400);
}

// The job in `ecity serve` asks every minute whether last month is due; whatever the first call
// finds (it depends on today's date), a second one has nothing left to do.
TEST(Projects, TheMonthlyJobEvaluatesAMonthOnce) {
  auto& colours = runtime().module<projects::ProjectsModule>()->colours();
  const auto rows = [] {
    return runtime().db.read([](soci::session& sql) {
      long long n = 0;
      sql << "SELECT COUNT(*) FROM prj_colours", soci::into(n);
      return n;
    });
  };
  ASSERT_NO_THROW(colours.evaluate_due(platform::now_ms()));
  const auto after_first = rows();
  ASSERT_NO_THROW(colours.evaluate_due(platform::now_ms()));
  EXPECT_EQ(rows(), after_first);
}

TEST(Projects, IssuesClimbThreeLevelsAndMeetingsDecideThem) {
  ensure_industry();
  auto body = project_body("问题清单测试项目", "T-PRJ-0007");
  const auto id = create(body);
  const std::string issues = "/api/projects/" + std::to_string(id) + "/issues";
  const json issue = {{"title", "配套道路未贯通"},
                      {"kind", "utilities"},
                      {"unit_id", department("200013")},
                      {"raised_on", "2026-09-30"},
                      {"working_days", 5}};
  // Not the lead unit: 403; a bad kind: 400 naming it.
  EXPECT_EQ(http("POST", issues, issue.dump(), bearer(zhujian())).status, 403);
  auto bad = issue;
  bad["kind"] = "weather";
  EXPECT_EQ(http("POST", issues, bad.dump(), bearer(office())).status, 400);
  // The deadline counts working days on the calendar: five after 30 September 2026 (National Day) is 13 October.
  auto r = http("POST", issues, issue.dump(), bearer(gongxin()));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["deadline"], "2026-10-13");
  EXPECT_EQ(r.json()["level"], 1);
  const auto iid = std::to_string(r.json()["id"].get<std::int64_t>());
  EXPECT_EQ(r.json()["overdue"], platform::format_date(platform::local_date_of(platform::now_ms())) > "2026-10-13");
  // Escalated twice by the office (not by a unit); a third time is refused.
  EXPECT_EQ(
      http("POST", "/api/projects/issues/" + iid + "/escalate", json{{"note", "x"}}.dump(), bearer(gongxin())).status,
      403);
  for (int level : {2, 3}) {
    r = http("POST", "/api/projects/issues/" + iid + "/escalate", json{{"note", "提级"}}.dump(), bearer(office()));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["level"], level);
  }
  EXPECT_EQ(
      http("POST", "/api/projects/issues/" + iid + "/escalate", json{{"note", "再提"}}.dump(), bearer(office())).status,
      409);
  // A version that is not the issue's is refused as stale and changes nothing.
  r = http("GET", "/api/projects/issues/" + iid, "", bearer(office()));
  const int seen = r.json()["version"].get<int>();
  EXPECT_EQ(http("POST", "/api/projects/issues/" + iid + "/resolve",
                 json{{"resolution", "旧页面"}, {"version", seen - 1}}.dump(), bearer(office()))
                .status,
            409);
  EXPECT_EQ(http("GET", "/api/projects/issues/" + iid, "", bearer(office())).json()["status"], "open");
  // A meeting decides it; a decision naming an unknown issue stores nothing.
  const json meeting = {{"held_on", "2026-10-09"},
                        {"title", "重点项目联席会议"},
                        {"decisions", {{{"issue_id", std::stoll(iid)}, {"decision", "住建局 5 日内打通临时便道"}}}}};
  auto wrong = meeting;
  wrong["decisions"][0]["issue_id"] = 99999999;
  wrong["title"] = "不应保存的会议";
  r = http("POST", "/api/projects/meetings", wrong.dump(), bearer(office()));
  EXPECT_EQ(r.status, 400) << r.body;
  for (const auto& m : items_of(http("GET", "/api/projects/meetings", "", bearer(office()))))
    EXPECT_NE(m["title"], "不应保存的会议");
  auto future = meeting;
  future["held_on"] = "2999-01-01";
  EXPECT_EQ(http("POST", "/api/projects/meetings", future.dump(), bearer(office())).status, 400);
  ASSERT_EQ(http("POST", "/api/projects/meetings", meeting.dump(), bearer(office())).status, 201);
  // The meetings list carries each meeting's decisions with the issue they answer.
  bool listed = false;
  for (const auto& m : items_of(http("GET", "/api/projects/meetings", "", bearer(office()))))
    for (const auto& d : m["decisions"])
      if (d["issue_id"] == std::stoll(iid)) {
        listed = true;
        EXPECT_EQ(d["decision"], "住建局 5 日内打通临时便道");
        EXPECT_FALSE(d["issue_title"].is_null()) << d.dump();
      }
  EXPECT_TRUE(listed);
  // Filters by kind and responsible unit; an unknown kind is named.
  const std::string by_project = "/api/projects/issues?project=" + std::to_string(id);
  EXPECT_EQ(items_of(http("GET", by_project + "&kind=utilities", "", bearer(office()))).size(), 1u);
  EXPECT_EQ(items_of(http("GET", by_project + "&kind=land", "", bearer(office()))).size(), 0u);
  EXPECT_EQ(
      items_of(http("GET", by_project + "&unit=" + std::to_string(department("200013")), "", bearer(office()))).size(),
      1u);
  EXPECT_EQ(http("GET", by_project + "&kind=weather", "", bearer(office())).status, 400);
  // The responsible unit (住建局) resolves it, with a resolution; 工信局 may not.
  EXPECT_EQ(
      http("POST", "/api/projects/issues/" + iid + "/resolve", json{{"resolution", "已贯通"}}.dump(), bearer(gongxin()))
          .status,
      403);
  EXPECT_EQ(http("POST", "/api/projects/issues/" + iid + "/resolve", json::object().dump(), bearer(zhujian())).status,
            400);
  r = http("POST", "/api/projects/issues/" + iid + "/resolve", json{{"resolution", "临时便道已贯通"}}.dump(),
           bearer(zhujian()));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["status"], "resolved");
  auto full = http("GET", "/api/projects/issues/" + iid, "", bearer(office())).json();
  std::vector<std::string> actions;
  for (const auto& l : full["log"]) actions.push_back(l["action"].get<std::string>());
  EXPECT_EQ(actions, (std::vector<std::string>{"raise", "escalate", "escalate", "decide", "resolve"}));
  EXPECT_FALSE(full["log"][0]["by_name"].is_null());  // named for a unit without user:read
  ASSERT_EQ(full["decisions"].size(), 1u);
  EXPECT_EQ(full["decisions"][0]["meeting_title"], "重点项目联席会议");
}

TEST(Projects, AttractionFunnelBracketsAndRoles) {
  ensure_industry();
  const auto officer = user("prj_attract", "attraction_officer", department("200031"), std::nullopt);
  auto r = http("POST", "/api/projects/talents",
                json{{"name", "测试乡贤"}, {"phone", "13853701111"}, {"organisation", "上海某企业"}}.dump(),
                bearer(officer));
  ASSERT_EQ(r.status, 201) << r.body;
  const auto talent = r.json()["id"].get<std::int64_t>();
  EXPECT_EQ(http("POST", "/api/projects/talents", json{{"name", "x"}}.dump(), bearer(login("leader"))).status, 403);
  bool masked = false;
  for (const auto& t : items_of(http("GET", "/api/projects/talents?q=测试乡贤", "", bearer(login("leader")))))
    masked = masked || t["phone"] == "138****1111";
  EXPECT_TRUE(masked);
  // The search text is literal: "%" and "_" match themselves (no contact's name holds them).
  EXPECT_EQ(items_of(http("GET", "/api/projects/talents?q=%25", "", bearer(login("leader")))).size(), 0u);
  EXPECT_EQ(items_of(http("GET", "/api/projects/talents?q=_", "", bearer(login("leader")))).size(), 0u);
  EXPECT_EQ(items_of(http("GET", "/api/projects?q=%25", "", bearer(office()))).size(), 0u);
  // Ten 亿 exactly is the 10–50亿 bracket; the lead climbs to signed, never back.
  r = http(
      "POST", "/api/projects/leads",
      json{{"name", "测试签约项目"}, {"industry", "equipment"}, {"amount_wan", "100000"}, {"talent_id", talent}}.dump(),
      bearer(officer));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["bracket"], "10to50");
  const auto lid = std::to_string(r.json()["id"].get<std::int64_t>());
  r = http("POST", "/api/projects/leads/" + lid + "/advance",
           json{{"stage", "signed"}, {"on", "2019-05-20"}, {"version", 1}}.dump(), bearer(officer));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["signed_on"], "2019-05-20");
  EXPECT_EQ(http("POST", "/api/projects/leads/" + lid + "/advance",
                 json{{"stage", "negotiating"}, {"version", 2}}.dump(), bearer(officer))
                .status,
            409);
  EXPECT_EQ(http("POST", "/api/projects/leads/" + lid + "/advance", json{{"stage", "converted"}, {"version", 2}}.dump(),
                 bearer(officer))
                .status,
            400);
  EXPECT_EQ(http("POST", "/api/projects/leads",
                 json{{"name", "x"}, {"industry", "equipment"}, {"amount_wan", "-1"}}.dump(), bearer(officer))
                .status,
            400);
  auto f = http("GET", "/api/projects/attraction/funnel?year=2019", "", bearer(login("leader"))).json();
  EXPECT_EQ(f["signed_over_100m"], 1);
  EXPECT_EQ(f["by_bracket"][2]["bracket"], "10to50");
  EXPECT_EQ(f["by_bracket"][2]["count"], 1);
  EXPECT_EQ(f["by_bracket"][2]["amount_yuan"], 1'000'000'000);
}

TEST(Projects, TheDispatchTableGoesOutAndComesBack) {
  projects::load_demo_projects(runtime());
  // October 2022 as CSV and as XLSX: the same table, whose month column adds up to the overview's.
  auto csv = http("GET", "/api/projects/dispatch?year=2022&month=10&format=csv", "", bearer(login("leader")));
  ASSERT_EQ(csv.status, 200) << csv.body;
  const auto rows = platform::parse_csv(csv.body);
  ASSERT_EQ(rows.size(), 62u);
  EXPECT_EQ(rows[0], projects::dispatch_header());
  auto xlsx = http("GET", "/api/projects/dispatch?year=2022&month=10&format=xlsx", "", bearer(login("leader")));
  ASSERT_EQ(xlsx.status, 200);
  auto from_xlsx = platform::read_xlsx(xlsx.body);
  ASSERT_EQ(from_xlsx.size(), rows.size());
  // Numbers are numbers in the workbook ("32766.00" in CSV reads back as 32766); text is text.
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto a = from_xlsx[i], b = rows[i];
    a.resize(b.size());
    for (std::size_t c = 0; c < b.size(); ++c) {
      if (i > 0 && !b[c].empty() && (c == 0 || (c >= 9 && c <= 15)))
        EXPECT_DOUBLE_EQ(std::stod(a[c]), std::stod(b[c])) << i << "," << c;
      else
        EXPECT_EQ(a[c], b[c]) << i << "," << c;
    }
  }
  long long tenths_of_wan = 0;  // amounts have at most 2 decimals of 万元 in the demo
  for (std::size_t i = 1; i < rows.size(); ++i)
    if (!rows[i][11].empty()) tenths_of_wan += std::llround(std::stod(rows[i][11]) * 100);
  const auto o = http("GET", "/api/projects/overview?year=2022&month=10", "", bearer(login("leader"))).json();
  EXPECT_EQ(tenths_of_wan * 100, o["monthly"][9]["amount_yuan"].get<long long>());

  // A filled table for a project of 2019 comes back in: added, then unchanged; another amount is
  // a conflict naming the row; a bad cell names row and column and stores nothing.
  ensure_industry();
  auto body = project_body("调度表导入测试项目", "T-PRJ-0008");
  body["start_year"] = 2019;
  const auto id = create(body);
  ASSERT_EQ(http("PUT", "/api/projects/" + std::to_string(id) + "/plans/2019",
                 json{{"planned_investment_wan", "1200"}}.dump(), bearer(office()))
                .status,
            200);
  auto import = [](const std::string& bytes, int month, const std::string& token) {
    auto headers = bearer(token);
    headers["Content-Type"] = "text/csv";
    return http("POST", "/api/projects/dispatch/import?year=2019&month=" + std::to_string(month), bytes, headers);
  };
  const std::string good =
      "序号,项目代码,项目名称,本月完成投资（万元）,形象进度\n1,T-PRJ-0008,调度表导入测试项目,88.5,\"主体施工, "
      "进度正常\"\n";
  EXPECT_EQ(import(good, 3, gongxin()).status, 403);
  auto r = import(good, 3, office());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["added"], 1);
  r = import(good, 3, office());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["unchanged"], 1);
  std::string other = good;
  other.replace(other.find("88.5"), 4, "90.0");
  r = import(other, 3, office());
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.body.find("第 2 行"), std::string::npos) << r.body;
  const std::string broken = "项目代码,本月完成投资（万元）\nT-PRJ-0008,10\nT-PRJ-0008X,abc\n";
  r = import(broken, 4, office());
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("第 3 行「项目代码」"), std::string::npos) << r.body;
  r = import("项目代码,本月完成投资（万元）\nT-PRJ-0008,-5\n", 4, office());
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("第 2 行「本月完成投资（万元）」"), std::string::npos) << r.body;
  EXPECT_EQ(import("名称,金额\n", 4, office()).status, 400);
  EXPECT_EQ(import("", 4, office()).status, 400);
  EXPECT_EQ(import("\x50\x4b\x03\x04garbage", 4, office()).status, 400);
  auto y = http("GET", "/api/projects/" + std::to_string(id) + "/year/2019?month=4", "", bearer(office())).json();
  EXPECT_EQ(y["done_yuan"], 885'000);  // March only: April's broken tables stored nothing
  // The same through XLSX.
  platform::Table t;
  t.header = {"项目代码", "本月完成投资（万元）"};
  t.rows = {{"T-PRJ-0008", "120"}};
  t.numeric = {false, true};
  r = import(platform::to_xlsx(t, "调度表"), 4, office());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["added"], 1);
  y = http("GET", "/api/projects/" + std::to_string(id) + "/year/2019?month=4", "", bearer(office())).json();
  EXPECT_EQ(y["done_yuan"], 2'085'000);
}

}  // namespace
}  // namespace ecity::test
