#include "appeals/settings.h"

#include "platform/error.h"

#include <gtest/gtest.h>

namespace ecity::appeals {
namespace {

std::vector<std::string> failed_fields(const Settings& base, const nlohmann::json& change) {
  try {
    apply_settings(base, change);
  } catch (const Error& e) {
    std::vector<std::string> out;
    for (const auto& p : e.extra().value("errors", nlohmann::json::array())) out.push_back(p.value("field", ""));
    return out;
  }
  return {};
}

TEST(Settings, DefaultsAndRoundTrip) {
  Settings d;
  EXPECT_EQ(d.duplicate_days, 30);
  EXPECT_DOUBLE_EQ(d.duplicate_radius_m, 200);
  auto back = settings_from(to_stored(d));
  EXPECT_EQ(to_json(back), to_json(d));
  Settings s = apply_settings(d, {{"duplicate_days", 15}, {"duplicate_similarity", 0.5}, {"number_prefix", "YC"}});
  EXPECT_EQ(settings_from(to_stored(s)).duplicate_days, 15);
  EXPECT_DOUBLE_EQ(settings_from(to_stored(s)).duplicate_similarity, 0.5);
  EXPECT_EQ(settings_from(to_stored(s)).number_prefix, "YC");
}

TEST(Settings, RejectsBadValuesNamingEachField) {
  Settings d;
  EXPECT_EQ(failed_fields(d, {{"duplicate_days", 0}}), std::vector<std::string>{"duplicate_days"});
  EXPECT_EQ(failed_fields(d, {{"duplicate_days", 1.5}}), std::vector<std::string>{"duplicate_days"});
  EXPECT_EQ(failed_fields(d, {{"duplicate_radius_m", "200"}}), std::vector<std::string>{"duplicate_radius_m"});
  EXPECT_EQ(failed_fields(d, {{"number_prefix", "yc"}}), std::vector<std::string>{"number_prefix"});
  EXPECT_EQ(failed_fields(d, {{"no_such_setting", 1}}), std::vector<std::string>{"no_such_setting"});
  // Weights must still sum to 1 after the change.
  EXPECT_EQ(failed_fields(d, {{"rank_weight_response", 0.5}}), std::vector<std::string>{"rank_weight_response"});
  EXPECT_TRUE(failed_fields(d, {{"rank_weight_response", 0.5}, {"rank_weight_satisfaction", 0.2}}).empty());
  auto both = failed_fields(d, {{"duplicate_days", -1}, {"duplicate_similarity", 2}});
  EXPECT_EQ(both.size(), 2u);
}

TEST(Settings, BadStoredRowsKeepDefaults) {
  auto s = settings_from({{"duplicate_days", "abc"},
                          {"duplicate_radius_m", "1e9"},
                          {"number_prefix", "a b"},
                          {"rank_weight_solved", "0.9"},
                          {"unknown", "x"}});
  Settings d;
  EXPECT_EQ(to_json(s), to_json(d));
}

}  // namespace
}  // namespace ecity::appeals
