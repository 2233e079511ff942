#include "environment/air_index.h"

#include <gtest/gtest.h>

namespace ecity::environment {
namespace {

constexpr auto k2012 = AqiStandard::k2012;
constexpr auto k2026 = AqiStandard::k2026;

// ../shared/standards/air-quality.md §8, computed with exact fractions and rounded up. CO in
// tenths of a mg/m³.
TEST(AirIndex, SubIndicesOfTheStandardsTables) {
  struct Case {
    AqiStandard s;
    AqiItem item;
    std::int64_t c;
    int want;
  } cases[] = {
      {k2012, AqiItem::kPM25_24h, 0, 0},
      {k2012, AqiItem::kPM25_24h, 35, 50},
      {k2012, AqiItem::kPM25_24h, 75, 100},
      {k2012, AqiItem::kPM25_24h, 76, 102},
      {k2012, AqiItem::kPM25_24h, 80, 107},
      {k2012, AqiItem::kPM25_24h, 500, 500},
      {k2012, AqiItem::kPM10_24h, 160, 105},
      {k2012, AqiItem::kSO2_24h, 523, 158},
      {k2012, AqiItem::kNO2_24h, 45, 57},
      {k2012, AqiItem::kNO2_1h, 250, 105},
      {k2012, AqiItem::kCO_24h, 12, 30},
      {k2012, AqiItem::kCO_24h, 22, 55},
      {k2012, AqiItem::kCO_24h, 33, 83},
      {k2012, AqiItem::kCO_1h, 123, 105},
      {k2012, AqiItem::kO3_8h, 130, 75},
      {k2012, AqiItem::kO3_8h, 170, 110},
      {k2012, AqiItem::kO3_8h, 800, 300},
      {k2012, AqiItem::kO3_1h, 150, 47},
      {k2012, AqiItem::kO3_1h, 220, 110},
      {k2012, AqiItem::kSO2_1h, 800, 200},
      {k2026, AqiItem::kPM25_24h, 60, 100},
      {k2026, AqiItem::kPM25_24h, 75, 114},
      {k2026, AqiItem::kPM25_24h, 80, 119},
      {k2026, AqiItem::kPM10_24h, 120, 100},
      {k2026, AqiItem::kPM10_24h, 150, 112},
      {k2026, AqiItem::kPM10_24h, 160, 116},
      {k2026, AqiItem::kSO2_1h, 801, 200},
      {k2026, AqiItem::kO3_8h, 801, 300},
      {k2026, AqiItem::kCO_24h, 22, 55},
      {k2026, AqiItem::kNO2_24h, 45, 57},
      // Beyond the last breakpoint: 500.
      {k2012, AqiItem::kPM25_24h, 501, 500},
      {k2012, AqiItem::kCO_24h, 601, 500},
      {k2026, AqiItem::kO3_1h, 5000, 500},
      // The CO-1h values a double-based ceiling gets wrong.
      // (exact integers, where a double lands a hair above and rounds up one too many).
      {k2012, AqiItem::kCO_1h, 654, 218},
      {k2012, AqiItem::kCO_1h, 669, 223},
      {k2012, AqiItem::kCO_1h, 684, 228},
      {k2012, AqiItem::kCO_1h, 699, 233},
      {k2012, AqiItem::kCO_1h, 714, 238},
  };
  for (const auto& c : cases)
    EXPECT_EQ(iaqi(c.s, c.item, c.c), c.want) << code(c.s) << " item " << static_cast<int>(c.item) << " c " << c.c;
}

TEST(AirIndex, TheCutsAt800AndMissingValues) {
  // 2012 scores another item instead (the caller's business); 2026 fixes the index.
  EXPECT_FALSE(iaqi(k2012, AqiItem::kSO2_1h, 801).has_value());
  EXPECT_FALSE(iaqi(k2012, AqiItem::kO3_8h, 801).has_value());
  EXPECT_EQ(iaqi(k2026, AqiItem::kSO2_1h, 5000), 200);
  EXPECT_EQ(iaqi(k2026, AqiItem::kO3_8h, 1200), 300);
  EXPECT_FALSE(iaqi(k2012, AqiItem::kPM10_24h, -1).has_value());
}

TEST(AirIndex, LevelsNamesAndColours) {
  EXPECT_EQ(level_of(0).name, "优");
  EXPECT_EQ(level_of(50).level, 1);
  EXPECT_EQ(level_of(51).name, "良");
  EXPECT_EQ(level_of(100).colour, "#FFFF00");
  EXPECT_EQ(level_of(101).name, "轻度污染");
  EXPECT_EQ(level_of(150).level, 3);
  EXPECT_EQ(level_of(151).colour, "#FF0000");
  EXPECT_EQ(level_of(200).grade, "四级");
  EXPECT_EQ(level_of(201).name, "重度污染");
  EXPECT_EQ(level_of(300).colour, "#99004C");
  EXPECT_EQ(level_of(301).name, "严重污染");
  EXPECT_EQ(level_of(500).colour, "#7E0023");
}

TEST(AirIndex, AqiPrimaryPollutantsTiesAndMissingData) {
  // The whole-day example of §8 under 2012: AQI 107, primary PM2.5.
  auto r = combine(k2012,
                   {{"SO2", 20}, {"NO2", 57}, {"CO", 30}, {"O3_1h", 47}, {"O3_8h", 75}, {"PM10", 105}, {"PM2.5", 107}});
  EXPECT_EQ(r.aqi, 107);
  ASSERT_EQ(r.primary.size(), 1u);
  EXPECT_EQ(r.primary[0], "PM2.5");
  // A tie lists both, PM2.5 first.
  r = combine(k2012,
              {{"SO2", 10}, {"NO2", 20}, {"CO", 10}, {"O3_1h", 30}, {"O3_8h", 30}, {"PM10", 100}, {"PM2.5", 100}});
  EXPECT_EQ(r.aqi, 100);
  ASSERT_EQ(r.primary.size(), 2u);
  EXPECT_EQ(r.primary[0], "PM2.5");
  EXPECT_EQ(r.primary[1], "PM10");
  // AQI <= 50: no primary pollutant.
  r = combine(k2026, {{"SO2", 10}, {"NO2", 45}, {"CO", 10}, {"O3_8h", 30}, {"PM10", 40}, {"PM2.5", 45}});
  EXPECT_EQ(r.aqi, 45);
  EXPECT_TRUE(r.primary.empty());
  // One missing: 2012 gives NA; 2026 gives the others' maximum only above 100.
  std::vector<SubIndex> high{{"SO2", 10},   {"NO2", 45},  {"CO", std::nullopt},
                             {"O3_8h", 30}, {"PM10", 90}, {"PM2.5", 130}};
  EXPECT_FALSE(combine(k2012, high).aqi.has_value());
  EXPECT_EQ(combine(k2026, high).aqi, 130);
  std::vector<SubIndex> low{{"SO2", 10}, {"NO2", 45}, {"CO", std::nullopt}, {"O3_8h", 30}, {"PM10", 90}, {"PM2.5", 99}};
  EXPECT_FALSE(combine(k2026, low).aqi.has_value());
  EXPECT_FALSE(combine(k2026, {{"SO2", std::nullopt}}).aqi.has_value());
}

TEST(AirIndex, TheStandardInForceByDate) {
  EXPECT_EQ(standard_on("2026-02-28"), k2012);
  EXPECT_EQ(standard_on("2026-03-01"), k2026);
  EXPECT_EQ(standard_on("2022-06-15"), k2012);
  EXPECT_EQ(standard_from("2026"), k2026);
  EXPECT_FALSE(standard_from("2013").has_value());
}

}  // namespace
}  // namespace ecity::environment
