// Decoding HJ 212 data uploads into readings: DataTime in Asia/Shanghai, units and vendor codes,
// values that are not numbers, flags, the items kept as sent, split-message parts; and the air
// model's determinism.
#include "environment/readings.h"
#include "environment/air_model.h"

#include <gtest/gtest.h>

namespace ecity::environment {
namespace {

TEST(Readings, DataTimeIsLocalTimeInShanghai) {
  // 2022-01-01 00:00 in Shanghai is 2021-12-31 16:00 UTC.
  EXPECT_EQ(data_time_ms("20220101000000"), 1640966400000);
  EXPECT_EQ(data_time_ms("20220101000000123"), 1640966400123);
  EXPECT_EQ(local_time_text(1640966400000), "2022-01-01 00:00:00");
  EXPECT_EQ(local_time_text(1640966399000), "2021-12-31 23:59:59");
  // A leap day exists in 2024, not in 2023; no 24th hour, no 60th minute.
  EXPECT_TRUE(data_time_ms("20240229120000"));
  for (const char* bad : {"20230229120000", "20221301000000", "20220100000000", "20220101240000", "20220101006000",
                          "2022010100000", "2022010100000012", "2022-01-01 00", "19691231235959", "2022010100000A"})
    EXPECT_FALSE(data_time_ms(bad)) << bad;
}

TEST(Readings, DecodesValuesFlagsUnitsAndAliases) {
  auto p = hj212::parse_segment(
      "QN=20220513162608370;ST=22;CN=2051;PW=123456;MN=M1;Flag=5;CP=&&DataTime=20220513162600;"
      "a21004-Avg=4,a21004-Flag=N;o31104-Avg=63,o31104-Flag=T;a21005-Avg=427,a21005-Flag=N;"
      "a34004-Avg=75600.000;a34002-Avg=junk,a34002-Flag=N;a21026-Avg=-1;a01001-Avg=17,a01001-Flag=N;"
      "a21004-Avg=99&&");
  ASSERT_TRUE(p);
  const auto map = FactorMap::of({{"a21005", "ug/m3"}, {"a34004", "ng/m3"}}, {{"o31104", "a05024"}});
  std::vector<std::string> bad;
  const auto r = decode(*p, kMinute, 1, map, bad);
  EXPECT_EQ(r.value[1], 4'000'000);   // NO2 µg/m³ (the second NO2 value is kept as sent)
  EXPECT_EQ(r.value[3], 63'000'000);  // O3 under its vendor code
  EXPECT_EQ(r.flag[3], 'T');
  EXPECT_EQ(r.value[2], 427'000);     // CO 427 µg/m³ = 0.427 mg/m³
  EXPECT_EQ(r.value[5], 75'600'000);  // PM2.5 75600 ng/m³ = 75.6 µg/m³
  EXPECT_FALSE(r.value[4]);           // junk
  EXPECT_EQ(r.flag[4], 'N');
  EXPECT_FALSE(r.value[0]);  // negative
  EXPECT_EQ(bad, (std::vector<std::string>{"a34002-Avg=junk", "a21026-Avg=-1"}));
  EXPECT_EQ(r.other, "a01001-Avg=17;a01001-Flag=N;a21004-Avg=99");
  EXPECT_EQ(r.parts, 1u);
  // Real-time data reads -Rtd, not -Avg.
  bad.clear();
  const auto rt = decode(*p, kRealtime, 1, map, bad);
  EXPECT_FALSE(rt.value[1]);
}

TEST(Readings, SplitMessagesMarkTheirPart) {
  auto p = hj212::parse_segment(
      "QN=20160801085857535;ST=32;CN=2061;PW=123456;MN=M1;Flag=7;PNUM=3;PNO=3;CP=&&DataTime=20160801080000;"
      "a34004-Avg=5&&");
  ASSERT_TRUE(p);
  std::vector<std::string> bad;
  const auto r = decode(*p, kHourly, 1, FactorMap{}, bad);
  EXPECT_EQ(r.parts, 4u);
  EXPECT_EQ(r.pnum, 3);
}

TEST(Readings, UsableFlags) {
  for (char f : {'\0', 'N', 'S'}) EXPECT_TRUE(usable_flag(f)) << f;
  for (char f : {'F', 'M', 'D', 'C', 'T', 'B', 'X'}) EXPECT_FALSE(usable_flag(f)) << f;
}

TEST(AirModel, DeterministicSeasonalAndSometimesMissing) {
  const auto jan = *data_time_ms("20220115080000");
  const auto a = model_hour(3, jan), b = model_hour(3, jan + 1234);  // any ms in the hour
  EXPECT_EQ(a.value, b.value);
  EXPECT_EQ(a.flag, b.flag);
  // Over a year: winter PM2.5 above summer PM2.5, summer afternoon O3 above winter's, a few hours missing.
  double pm_winter = 0, pm_summer = 0, o3_winter = 0, o3_summer = 0;
  int missing = 0, flagged = 0, n_w = 0, n_s = 0;
  const auto start = *data_time_ms("20220101000000");
  for (int h = 0; h < 8760; ++h) {
    const auto m = model_hour(0, start + h * 3'600'000LL);
    if (m.missing) {
      ++missing;
      continue;
    }
    flagged += m.flag != 'N';
    const bool winter = h < 59 * 24 || h >= 334 * 24, summer = h >= 152 * 24 && h < 243 * 24;
    if (winter) {
      pm_winter += static_cast<double>(*m.value[5]);
      o3_winter += static_cast<double>(*m.value[3]);
      ++n_w;
    } else if (summer) {
      pm_summer += static_cast<double>(*m.value[5]);
      o3_summer += static_cast<double>(*m.value[3]);
      ++n_s;
    }
  }
  EXPECT_GT(pm_winter / n_w, 1.5 * pm_summer / n_s);
  EXPECT_GT(o3_summer / n_s, 1.5 * o3_winter / n_w);
  EXPECT_GT(missing, 20);
  EXPECT_LT(missing, 500);
  EXPECT_GT(flagged, 5);
}

}  // namespace
}  // namespace ecity::environment
