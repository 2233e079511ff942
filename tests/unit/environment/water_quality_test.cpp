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

TEST(WaterQuality, ValuesAreCheckedAndKeptExactly) {
  const auto ph = *water_indicator_index("ph"), nh3n = *water_indicator_index("nh3n"),
             hg = *water_indicator_index("hg");
  EXPECT_FALSE(water_indicator_index("tn").has_value());  // total nitrogen is not one of the 21
  EXPECT_EQ(parse_water_value(ph, "7.62"), 7'620'000);
  EXPECT_EQ(parse_water_value(ph, "14"), 14'000'000);
  EXPECT_FALSE(parse_water_value(ph, "14.01").has_value());
  EXPECT_EQ(parse_water_value(nh3n, "0"), 0);
  EXPECT_FALSE(parse_water_value(nh3n, "-0.1").has_value());
  EXPECT_FALSE(parse_water_value(nh3n, "1e-3").has_value());
  EXPECT_FALSE(parse_water_value(nh3n, "").has_value());
  EXPECT_FALSE(parse_water_value(nh3n, "0.1234567").has_value());  // 7 decimals: not silently rounded
  EXPECT_EQ(parse_water_value(hg, "0.000045"), 45);
  EXPECT_EQ(parse_water_value(nh3n, "1000000"), 1'000'000'000'000);
  EXPECT_FALSE(parse_water_value(nh3n, "1000000.5").has_value());
  EXPECT_EQ(water_value_text(150'000), "0.15");
  EXPECT_EQ(water_value_text(7'000'000), "7");
  EXPECT_EQ(water_value_text(45), "0.000045");
  EXPECT_EQ(water_value_text(0), "0");
}

TEST(WaterQuality, StoredTextRoundTrips) {
  const auto s = sample({{"ph", "7.6"}, {"nh3n", "0.452"}, {"hg", "0.00002"}, {"sulfide", "0.01"}});
  const auto text = water_sample_text(s);
  EXPECT_EQ(text, "ph=7.6;nh3n=0.452;hg=0.00002;sulfide=0.01");
  EXPECT_EQ(water_sample_of(text), s);
  EXPECT_EQ(water_sample_text(WaterSample{}), "");
  // What the reader does not understand is skipped, not guessed.
  const auto odd = water_sample_of("tn=1.2;ph;nh3n=0.5;;");
  EXPECT_EQ(odd[*water_indicator_index("nh3n")], 500'000);
  EXPECT_FALSE(odd[*water_indicator_index("ph")].has_value());
}

TEST(WaterQuality, LimitsAndWords) {
  const auto tp = *water_indicator_index("tp"), dissolved = *water_indicator_index("do");
  EXPECT_EQ(class_limit(WaterBody::kRiver, tp, 3), 200'000);
  EXPECT_EQ(class_limit(WaterBody::kLake, tp, 3), 50'000);
  EXPECT_EQ(class_limit(WaterBody::kRiver, dissolved, 1), 7'500'000);
  EXPECT_EQ(water_quality_zh(2), "优");
  EXPECT_EQ(water_quality_zh(3), "良好");
  EXPECT_EQ(water_quality_zh(kWorseThanV), "重度污染");
  EXPECT_EQ(water_quality_en(4), "light");
  EXPECT_EQ(water_quality_zh(0), "");
}

}  // namespace
}  // namespace ecity::environment
