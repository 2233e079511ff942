// The stored form of a colour's reasons and the API's form (projects/colours.h reasons_json).
#include "projects/colours.h"

#include <gtest/gtest.h>

namespace ecity::projects {
namespace {

TEST(ColourReasons, TheCompactFormExpandsToTheApisForm) {
  const auto j = reasons_json(
      R"([["investment","points_behind","yellow","12.3","[10, 30]"],["reporting","reports_missing","green","0","[0, 0]"],)"
      R"(["escalation","yellow×2→red"]])");
  ASSERT_EQ(j.size(), 3u);
  EXPECT_EQ(j[0]["dimension"], "investment");
  EXPECT_EQ(j[0]["dimension_name"], "投资进度");
  EXPECT_EQ(j[0]["measure"], "points_behind");
  EXPECT_EQ(j[0]["colour"], "yellow");
  EXPECT_EQ(j[0]["measured"], "12.3");
  EXPECT_EQ(j[0]["band"], "[10, 30]");
  EXPECT_EQ(j[1]["dimension_name"], "报送");
  EXPECT_EQ(j[2], (nlohmann::json{{"escalation", "yellow×2→red"}}));
}

TEST(ColourReasons, TheEarlierObjectFormPassesThroughAndJunkGivesNothing) {
  const auto j = reasons_json(R"([{"dimension":"start","dimension_name":"开工","measure":"months_overdue",)"
                              R"("colour":"red","measured":"3","band":"[2, 12]"}])");
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["dimension_name"], "开工");
  EXPECT_TRUE(reasons_json("").empty());
  EXPECT_TRUE(reasons_json("{\"a\":1}").empty());
  EXPECT_TRUE(reasons_json("[[1,2]]").empty());  // neither a dimension nor an escalation
}

}  // namespace
}  // namespace ecity::projects
