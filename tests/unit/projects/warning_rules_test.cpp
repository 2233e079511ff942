#include "projects/warning_rules.h"

#include "platform/error.h"

#include <gtest/gtest.h>

#include <fstream>

namespace ecity::projects {
namespace {

using json = nlohmann::json;

json load(const std::string& name) {
  const char* root = std::getenv("ECITY_SOURCE_DIR");
  std::ifstream in(std::string(root ? root : ".") + "/data/projects/rules/" + name);
  EXPECT_TRUE(in.good()) << name;
  return json::parse(in);
}

std::string error_of(const json& j) {
  try {
    parse_rule_set(j);
  } catch (const Error& e) {
    return e.detail_zh() + " | " + e.detail_en();
  }
  return "";
}

ProjectMonth month(int m, Yuan planned, Yuan done) {
  ProjectMonth p;
  p.month = m;
  p.planned = planned;
  p.done = done;
  p.started = true;
  return p;
}

TEST(WarningRules, TheShippedSetsParseAndRoundTrip) {
  for (const char* name : {"points-10-30.json", "shortfall-50-two-yellows.json"}) {
    const auto s = parse_rule_set(load(name));
    EXPECT_FALSE(s.rules.empty()) << name;
    EXPECT_EQ(rule_set_json(parse_rule_set(rule_set_json(s))), rule_set_json(s)) << name;
  }
}

// Switching the rule set changes the colours of the same months, with no change of code.
TEST(WarningRules, SwitchingRuleSetsChangesColours) {
  const auto points = parse_rule_set(load("points-10-30.json"));
  const auto relative = parse_rule_set(load("shortfall-50-two-yellows.json"));
  // June, plan 1200: 480 done is 40 % against 50 %: 10 points behind, 20 % short of the time target.
  const auto m = month(6, 1200, 480);
  EXPECT_EQ(evaluate(points, m, {}).colour, Colour::kYellow);  // 10 points is in [10, 30]
  EXPECT_EQ(evaluate(relative, m, {}).colour, Colour::kYellow);
  // 300 done: 25 points behind (yellow), 50 % short (yellow: up to 50 % inclusive).
  EXPECT_EQ(evaluate(points, month(6, 1200, 300), {}).colour, Colour::kYellow);
  EXPECT_EQ(evaluate(relative, month(6, 1200, 300), {}).colour, Colour::kYellow);
  // 240 done: 30 points behind (yellow under 10-30) but 60 % short (red under the relative set).
  EXPECT_EQ(evaluate(points, month(6, 1200, 240), {}).colour, Colour::kYellow);
  EXPECT_EQ(evaluate(relative, month(6, 1200, 240), {}).colour, Colour::kRed);
  // 590 done: 0.83 points behind: green under 10-30; 1.7 % short: yellow under the relative set.
  EXPECT_EQ(evaluate(points, month(6, 1200, 590), {}).colour, Colour::kGreen);
  EXPECT_EQ(evaluate(relative, month(6, 1200, 590), {}).colour, Colour::kYellow);
  // Two yellow months in a row turn red under the relative set only.
  EXPECT_EQ(evaluate(relative, m, {Colour::kYellow}).colour, Colour::kRed);
  EXPECT_EQ(*evaluate(relative, m, {Colour::kYellow}).escalated, "yellow×2→red");
  EXPECT_EQ(evaluate(relative, m, {Colour::kYellow, Colour::kGreen}).colour, Colour::kYellow);
  EXPECT_EQ(evaluate(points, m, {Colour::kYellow}).colour, Colour::kYellow);
}

TEST(WarningRules, ReasonsNameEachDimension) {
  const auto points = parse_rule_set(load("points-10-30.json"));
  auto m = month(10, 1000, 500);  // 50 % against 83.3 %: 33.3 points behind
  m.started = false;
  m.planned_start_month = 9;  // due in September: 2 months overdue
  m.reports_missing = 1;
  const auto v = evaluate(points, m, {});
  EXPECT_EQ(v.colour, Colour::kRed);
  bool investment = false, start = false, reporting = false;
  for (const auto& r : v.reasons) {
    if (r.dimension == Dimension::kInvestment) {
      investment = true;
      EXPECT_EQ(r.colour, Colour::kRed);
      EXPECT_EQ(r.measured, "33.3");
      EXPECT_EQ(r.band, "(30, +∞)");
    }
    if (r.dimension == Dimension::kStart) {
      start = true;
      EXPECT_EQ(r.colour, Colour::kYellow);
      EXPECT_EQ(r.measured, "2");
    }
    if (r.dimension == Dimension::kReporting) {
      reporting = true;
      EXPECT_EQ(r.colour, Colour::kYellow);
    }
  }
  EXPECT_TRUE(investment && start && reporting);
  // No plan: the investment dimension does not vote.
  const auto none = evaluate(points, month(3, 0, 0), {});
  EXPECT_EQ(none.colour, Colour::kGreen);
  for (const auto& r : none.reasons) EXPECT_NE(r.dimension, Dimension::kInvestment);
  // Ahead of time progress: negative points behind, green.
  EXPECT_EQ(evaluate(points, month(3, 1200, 600), {}).colour, Colour::kGreen);
}

json base_set() {
  return {{"code", "t"},
          {"name", "测试"},
          {"rules",
           {{{"dimension", "investment"},
             {"measure", "points_behind"},
             {"bands",
              {{{"colour", "green"}, {"max", 10}, {"max_inclusive", false}},
               {{"colour", "yellow"}, {"min", 10}, {"max", 30}},
               {{"colour", "red"}, {"min", 30}, {"min_inclusive", false}}}}}}}};
}

TEST(WarningRules, GapsAndOverlapsAreNamed) {
  EXPECT_EQ(error_of(base_set()), "");
  auto gap = base_set();
  gap["rules"][0]["bands"][1]["min"] = 12;
  EXPECT_NE(error_of(gap).find("10 到 12 之间的值没有区间"), std::string::npos) << error_of(gap);
  EXPECT_NE(error_of(gap).find("between 10 and 12"), std::string::npos);
  auto overlap = base_set();
  overlap["rules"][0]["bands"][1]["max"] = 35;
  EXPECT_NE(error_of(overlap).find("重叠"), std::string::npos) << error_of(overlap);
  auto point_twice = base_set();
  point_twice["rules"][0]["bands"][0]["max_inclusive"] = true;  // 10 in green and in yellow
  EXPECT_NE(error_of(point_twice).find("overlap"), std::string::npos) << error_of(point_twice);
  auto point_missing = base_set();
  point_missing["rules"][0]["bands"][2]["min_inclusive"] = false;
  point_missing["rules"][0]["bands"][1]["max_inclusive"] = false;  // 30 in neither
  EXPECT_NE(error_of(point_missing).find("值 30 没有区间"), std::string::npos) << error_of(point_missing);
  auto open_top = base_set();
  open_top["rules"][0]["bands"][2]["max"] = 90;
  EXPECT_NE(error_of(open_top).find("大于 90"), std::string::npos) << error_of(open_top);
  auto open_bottom = base_set();
  open_bottom["rules"][0]["bands"][0]["min"] = 0;
  EXPECT_NE(error_of(open_bottom).find("小于 0"), std::string::npos) << error_of(open_bottom);
  // Given in any order, bands are sorted before the check.
  auto shuffled = base_set();
  std::swap(shuffled["rules"][0]["bands"][0], shuffled["rules"][0]["bands"][2]);
  EXPECT_EQ(error_of(shuffled), "");
}

TEST(WarningRules, OtherMistakesAreRefused) {
  auto with = [](const std::function<void(json&)>& change) {
    auto j = base_set();
    change(j);
    return error_of(j);
  };
  EXPECT_NE(with([](json& j) { j["rules"][0]["dimension"] = "weather"; }).find("未知维度"), std::string::npos);
  EXPECT_NE(with([](json& j) { j["rules"][0]["measure"] = "months_overdue"; }).find("不属于"), std::string::npos);
  EXPECT_NE(with([](json& j) { j["rules"].push_back(j["rules"][0]); }).find("重复"), std::string::npos);
  EXPECT_NE(with([](json& j) { j["rules"][0]["bands"][0]["colour"] = "blue"; }).find("颜色"), std::string::npos);
  EXPECT_NE(with([](json& j) { j["rules"][0]["bands"][1]["min"] = 10.25; }).find("一位小数"), std::string::npos);
  EXPECT_NE(with([](json& j) { j["rules"][0]["bands"][1]["min"] = "ten"; }).find("一位小数"), std::string::npos);
  EXPECT_NE(with([](json& j) { j["rules"] = json::array(); }).find("rules"), std::string::npos);
  EXPECT_NE(with([](json& j) { j.erase("code"); }).find("code"), std::string::npos);
  EXPECT_NE(with([](json& j) {
              j["escalations"] = {{{"from", "red"}, {"consecutive", 2}, {"to", "yellow"}}};
            }).find("更严重"),
            std::string::npos);
  EXPECT_NE(with([](json& j) {
              j["escalations"] = {{{"from", "yellow"}, {"consecutive", 1}, {"to", "red"}}};
            }).find("consecutive"),
            std::string::npos);
  EXPECT_NE(error_of(json::array()).find("对象"), std::string::npos);
  // An empty band: [20, 10].
  EXPECT_NE(with([](json& j) {
              j["rules"][0]["bands"] = {{{"colour", "green"}, {"max", 10}, {"max_inclusive", false}},
                                        {{"colour", "yellow"}, {"min", 20}, {"max", 10}},
                                        {{"colour", "red"}, {"min", 10}}};
            }).find("为空"),
            std::string::npos);
}

}  // namespace
}  // namespace ecity::projects
