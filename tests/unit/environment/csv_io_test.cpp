#include "environment/csv_io.h"

#include "platform/error.h"

#include <gtest/gtest.h>

#include <sstream>

namespace ecity::environment {
namespace {

std::string day_of(const std::string& date, const std::string& values, int hours = 24) {
  std::string out;
  for (int h = 0; h < hours; ++h) out += date + (h < 10 ? " 0" : " ") + std::to_string(h) + "," + values + "\r\n";
  return out;
}

std::string run_daily(const std::string& csv, std::optional<AqiStandard> s = std::nullopt) {
  std::istringstream in(csv);
  return daily_csv(daily_results(read_hourly_csv(in), s));
}

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.detail_zh();
  }
  return "";
}

TEST(AirCsv, DailyLinesUnderTheStandardOfEachDate) {
  const std::string csv = "\xEF\xBB\xBFtime,so2,no2,co,o3,pm10,pm25\r\n" +
                          day_of("2026-03-01", "20,45,1.2,130,160,80") + day_of("2026-02-28", "20,45,1.2,130,160,80");
  const auto out = run_daily(csv);
  std::istringstream lines(out);
  std::string header, first, second;
  std::getline(lines, header);
  std::getline(lines, first);
  std::getline(lines, second);
  EXPECT_EQ(header.rfind("date,so2,no2,co,o3_1h_max,o3_8h_max,pm10,pm25,iaqi_so2,", 0), 0u);
  // Dates come out in order; 2026-02-28 is still under HJ 633—2012.
  EXPECT_EQ(first, "2026-02-28,20,45,1.2,130,130,160,80,20,57,30,41,75,105,107,107,3,轻度污染,PM2.5");
  EXPECT_EQ(second, "2026-03-01,20,45,1.2,130,130,160,80,20,57,30,,75,116,119,119,3,轻度污染,PM2.5");
  // Forced to one standard.
  EXPECT_NE(run_daily(csv, AqiStandard::k2012).find("2026-03-01,20,45,1.2,130,130,160,80,20,57,30,41,75,105,107,107"),
            std::string::npos);
}

TEST(AirCsv, MissingValuesAndAPartDay) {
  const auto out = run_daily("time,so2,no2,co,o3,pm10,pm25\n" + day_of("2022-01-05", ",45,1.2,130,60,40"));
  EXPECT_NE(out.find("2022-01-05,,45,1.2,130,130,60,40,,57,30,41,75,55,57,,,,\n"), std::string::npos) << out;
}

TEST(AirCsv, BadInputNamesItsLine) {
  const std::string head = "time,so2,no2,co,o3,pm10,pm25\n";
  auto bad = [&](const std::string& body) {
    return error_of([&] {
      std::istringstream in(head + body);
      read_hourly_csv(in);
    });
  };
  EXPECT_NE(bad("2022-01-05 24,1,1,1,1,1,1\n").find("第 2 行"), std::string::npos);
  EXPECT_NE(bad("2022-01-05 01,1,1,1,1,1\n").find("列"), std::string::npos);
  EXPECT_NE(bad("2022-01-05 01,1,1,x,1,1,1\n").find("co"), std::string::npos);
  EXPECT_NE(bad("2022-01-05 01,-1,1,1,1,1,1\n").find("so2"), std::string::npos);
  EXPECT_NE(bad("2022-01-05 01,1e3,1,1,1,1,1\n").find("so2"), std::string::npos);
  EXPECT_NE(bad("2022-13-05 01,1,1,1,1,1,1\n").find("日期无效"), std::string::npos);
  EXPECT_NE(bad("2022-01-05T01,1,1,1,1,1,1\n").find("YYYY-MM-DD HH"), std::string::npos);
  EXPECT_NE(bad("2022-01-05 01,1,1,1,1,1,1\n2022-01-05 01,2,2,2,2,2,2\n").find("第 3 行"), std::string::npos);
  EXPECT_NE(bad("\"2022-01-05 01\",1,1,1,1,1,1\n").find("引号"), std::string::npos);
  EXPECT_NE(error_of([] {
              std::istringstream in("");
              read_hourly_csv(in);
            }).find("表头"),
            std::string::npos);
  // Header only, or blank lines: no days, no error.
  std::istringstream empty(head + "\n\n");
  EXPECT_TRUE(read_hourly_csv(empty).empty());
}

TEST(AirCsv, EvaluationKeys) {
  std::istringstream in("time,so2,no2,co,o3,pm10,pm25\n" + day_of("2022-01-05", "9,14,1.1,96,77,23"));
  const auto out = evaluation_csv(evaluate(daily_results(read_hourly_csv(in), std::nullopt)));
  EXPECT_EQ(out,
            "valid_days,1\ngood_days,1\ngood_rate,100.0\nso2_mean,9\nno2_mean,14\npm10_mean,77\npm25_mean,23\n"
            "co_p95,1.1\no3_8h_p90,96\ncomposite_index,3.14\n");
}

TEST(WaterCsv, SectionsAveragedAndClassified) {
  std::istringstream in(
      "section,kind,ph,do,codmn,cod,bod5,nh3n,tp\n"
      "贾庄闸,river,7.6,5.5,4.5,18,3.2,1.2,0.15\n"
      "湖心,lake,8.0,7.0,3.0,12,2.0,0.4,0.15\n"
      "贾庄闸,river,7.8,6.1,4.1,16,3.0,0.6,0.12\n");
  EXPECT_EQ(classify_water_csv(in), "section,class,exceeding\n贾庄闸,III,\n湖心,V,tp:2.00\n");
  auto bad = [](const std::string& csv) {
    return error_of([&] {
      std::istringstream in(csv);
      classify_water_csv(in);
    });
  };
  EXPECT_NE(bad("section,kind,xx\n").find("未知指标"), std::string::npos);
  EXPECT_NE(bad("section,kind,tp,tp\n").find("重复"), std::string::npos);
  EXPECT_NE(bad("section,kind,tp\na,sea,0.1\n").find("river"), std::string::npos);
  EXPECT_NE(bad("section,kind,tp\na,river,0.1\na,lake,0.1\n").find("不一致"), std::string::npos);
  EXPECT_NE(bad("section,kind,tp\na,river,abc\n").find("tp"), std::string::npos);
}

TEST(WaterCsv, SamplesToStore) {
  std::istringstream in(
      "\xEF\xBB\xBFsection,date,ph,nh3n,tp\r\n"
      "YC-W01,2022-03-08,7.6,0.452,\r\n"
      "\r\n"
      "YC-W01,2022-04-08,,0.5,0.12\r\n");
  const auto all = read_water_samples_csv(in);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].line, 2u);
  EXPECT_EQ(all[0].section, "YC-W01");
  EXPECT_EQ(all[0].date, "2022-03-08");
  EXPECT_EQ(water_sample_text(all[0].values), "ph=7.6;nh3n=0.452");
  EXPECT_EQ(all[1].line, 4u);
  EXPECT_EQ(water_sample_text(all[1].values), "nh3n=0.5;tp=0.12");
  auto bad = [](const std::string& csv) {
    return error_of([&] {
      std::istringstream in(csv);
      read_water_samples_csv(in);
    });
  };
  EXPECT_NE(bad("").find("表头"), std::string::npos);
  EXPECT_NE(bad("section,kind,tp\n").find("section,date"), std::string::npos);
  EXPECT_NE(bad("section,date,tp\na,2022-02-30,0.1\n").find("第 2 行"), std::string::npos);
  EXPECT_NE(bad("section,date,tp\na,2022-02-01,\n").find("没有任何监测值"), std::string::npos);
  EXPECT_NE(bad("section,date,tp\n,2022-02-01,0.1\n").find("断面编码为空"), std::string::npos);
  EXPECT_NE(bad("section,date,tp\na,2022-02-01,0.1\na,2022-02-01,0.2\n").find("第 3 行"), std::string::npos);
  EXPECT_NE(bad("section,date,ph\na,2022-02-01,15\n").find("ph"), std::string::npos);
  EXPECT_NE(bad("section,date,tp\na,2022-02-01,0.1,9\n").find("列"), std::string::npos);
}

}  // namespace
}  // namespace ecity::environment
