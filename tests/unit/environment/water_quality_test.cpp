#include "environment/water_quality.h"

#include "platform/numeric/decimal.h"

#include <gtest/gtest.h>

#include <map>

namespace ecity::environment {
namespace {

WaterSample sample(const std::map<std::string, std::string>& values) {
  WaterSample s{};
  const auto& ind = water_indicators();
  for (const auto& [code, text] : values)
    for (std::size_t i = 0; i < kWaterIndicators; ++i)
      if (ind[i].code == code) s[i] = platform::parse_scaled(text, kWaterScale);
  return s;
}

// ../shared/standards/air-quality.md §13 test vectors.
TEST(WaterQuality, TheWorstIndicatorDecides) {
  const std::map<std::string, std::string> base{{"do", "5.5"},   {"codmn", "4.5"}, {"cod", "18"},
                                                {"bod5", "3.2"}, {"nh3n", "1.2"},  {"tp", "0.15"}};
  auto r = classify(WaterBody::kRiver, sample(base));
  EXPECT_EQ(r.water_class, 4);
  ASSERT_EQ(r.exceeding.size(), 1u);
  EXPECT_EQ(r.exceeding[0].code, "nh3n");
  EXPECT_EQ(r.exceeding[0].multiple_hundredths, 20);  // (1.2 − 1.0) / 1.0
  // Total phosphorus 0.15 is class III in a river, class V in a lake.
  r = classify(WaterBody::kLake, sample(base));
  EXPECT_EQ(r.water_class, 5);
  EXPECT_EQ(r.exceeding[0].code, "tp");
  EXPECT_EQ(r.exceeding[0].multiple_hundredths, 200);  // (0.15 − 0.05) / 0.05
  auto worse = base;
  worse["nh3n"] = "2.1";
  EXPECT_EQ(classify(WaterBody::kRiver, sample(worse)).water_class, kWorseThanV);
  worse = base;
  worse["do"] = "1.8";
  r = classify(WaterBody::kRiver, sample(worse));
  EXPECT_EQ(r.water_class, kWorseThanV);
  EXPECT_EQ(r.exceeding[0].code, "do");
  EXPECT_FALSE(r.exceeding[0].multiple_hundredths.has_value());
  worse = base;
  worse["ph"] = "9.5";
  EXPECT_EQ(classify(WaterBody::kRiver, sample(worse)).water_class, kWorseThanV);
}

TEST(WaterQuality, LimitsAreInclusiveAndClassesNamed) {
  EXPECT_EQ(classify(WaterBody::kRiver, sample({{"nh3n", "1.0"}})).water_class, 3);
  EXPECT_EQ(classify(WaterBody::kRiver, sample({{"nh3n", "1.000001"}})).water_class, 4);
  EXPECT_EQ(classify(WaterBody::kRiver, sample({{"do", "7.5"}})).water_class, 1);
  EXPECT_EQ(classify(WaterBody::kRiver, sample({{"do", "2"}})).water_class, 5);
  EXPECT_EQ(classify(WaterBody::kRiver, sample({{"hg", "0.00005"}})).water_class, 1);
  EXPECT_EQ(classify(WaterBody::kRiver, sample({{"hg", "0.00006"}})).water_class, 3);
  EXPECT_EQ(classify(WaterBody::kRiver, sample({{"ph", "6"}, {"cod", "15"}})).water_class, 1);
  EXPECT_FALSE(classify(WaterBody::kRiver, WaterSample{}).water_class.has_value());
  EXPECT_EQ(class_name(3), "III");
  EXPECT_EQ(class_name(kWorseThanV), "劣V");
}

TEST(WaterQuality, SamplesAreAveragedPerIndicatorFirst) {
  // NH3-N 0.8 and 1.4 average to 1.1: class IV, though one sample alone is III.
  auto m = average({sample({{"nh3n", "0.8"}, {"tp", "0.1"}}), sample({{"nh3n", "1.4"}})});
  auto r = classify(WaterBody::kRiver, m);
  EXPECT_EQ(r.water_class, 4);
  EXPECT_EQ(m[6], 100'000);  // TP measured once: its own value
}

}  // namespace
}  // namespace ecity::environment
