#include "platform/calendar/calendar.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "platform/calendar/working_hours.h"
#include "platform/error.h"

namespace ecity::platform {
namespace {

using std::chrono::year_month_day;
using namespace std::chrono_literals;

std::filesystem::path source_dir() {
  if (const char* env = std::getenv("ECITY_SOURCE_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
#ifdef ECITY_SOURCE_DIR
  return ECITY_SOURCE_DIR;
#else
  return ".";
#endif
}

std::filesystem::path data_dir() { return source_dir() / "tests" / "data" / "calendar"; }

const Calendar& national() {
  static const Calendar cal = Calendar::load((source_dir() / "data" / "calendar" / "cn.json").string());
  return cal;
}

year_month_day d(const std::string& text) { return parse_date(text); }

// One data row of a CSV vector file, with its origin for failure messages.
struct Row {
  std::string where;
  std::vector<std::string> cells;
};

// Reads `file`: skips blank lines, '#' comments and the header (first non-comment line).
std::vector<Row> read_csv(const std::filesystem::path& file) {
  std::ifstream in(file);
  EXPECT_TRUE(in) << "cannot open " << file;
  std::vector<Row> rows;
  std::string line;
  int number = 0;
  bool header = true;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      header = false;
      continue;
    }
    Row row{file.filename().string() + ":" + std::to_string(number), {}};
    std::string cell;
    std::istringstream cells(line);
    while (std::getline(cells, cell, ',')) row.cells.push_back(cell);
    if (!line.empty() && line.back() == ',') row.cells.emplace_back();
    rows.push_back(std::move(row));
  }
  return rows;
}

// "2026-09-30T16:30:00Z" -> epoch ms (test helper; the product only stores epoch ms).
std::int64_t utc_ms(const std::string& text) {
  EXPECT_EQ(text.size(), 20u) << text;
  EXPECT_EQ(text.back(), 'Z') << text;
  const auto date = parse_date(text.substr(0, 10));
  const auto h = std::stoi(text.substr(11, 2));
  const auto m = std::stoi(text.substr(14, 2));
  const auto s = std::stoi(text.substr(17, 2));
  const auto tp = std::chrono::sys_days{date} + std::chrono::hours{h} + std::chrono::minutes{m} +
                  std::chrono::seconds{s};
  return std::chrono::duration_cast<std::chrono::milliseconds>(tp.time_since_epoch()).count();
}

std::string utc_text(std::int64_t ms) {
  const std::chrono::sys_time<std::chrono::milliseconds> tp{std::chrono::milliseconds{ms}};
  const auto day = std::chrono::floor<std::chrono::days>(tp);
  const std::chrono::hh_mm_ss<std::chrono::milliseconds> tod{tp - day};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ",
                format_date(year_month_day{day}).c_str(), static_cast<int>(tod.hours().count()),
                static_cast<int>(tod.minutes().count()), static_cast<int>(tod.seconds().count()));
  return buf;
}

// Expects `body` to throw ecity::Error with `slug`.
template <typename Body>
void expect_error(const std::string& slug, Body&& body) {
  try {
    body();
    ADD_FAILURE() << "expected Error " << slug << ", nothing thrown";
  } catch (const Error& e) {
    EXPECT_EQ(e.slug(), slug) << e.what();
    EXPECT_EQ(e.status(), 400);
    EXPECT_FALSE(e.detail_zh().empty());
  }
}

// ---------------------------------------------------------------------------------------------
// National data, table-driven from tests/data/calendar/cn_YYYY.csv.

TEST(Calendar, ShipsTwentyTwentyThroughTwentySixAndMarksTwentySevenPending) {
  EXPECT_EQ(national().first_year(), 2020);
  EXPECT_EQ(national().last_year(), 2026);
  EXPECT_EQ(national().pending_years(), std::vector<int>{2027});
}

TEST(Calendar, MatchesEveryYearVectorFile) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir())) {
    const auto name = entry.path().filename().string();
    if (name.rfind("cn_", 0) == 0 && entry.path().extension() == ".csv") files.push_back(entry);
  }
  std::sort(files.begin(), files.end());
  ASSERT_EQ(files.size(), 7u) << "one vector file per shipped year";
  int checked = 0;
  for (const auto& file : files) {
    for (const auto& row : read_csv(file)) {
      SCOPED_TRACE(row.where);
      ASSERT_EQ(row.cells.size(), 3u);
      const auto date = d(row.cells[0]);
      const bool expected = row.cells[1] == "1";
      EXPECT_EQ(national().is_working_day(date), expected) << row.cells[0];
      const auto info = national().describe(date);
      EXPECT_EQ(info.working, expected);
      if (!row.cells[2].empty()) {
        EXPECT_EQ(info.kind, DayKind::kHoliday);
        EXPECT_EQ(info.label, row.cells[2]);
      } else {
        EXPECT_NE(info.kind, DayKind::kHoliday) << info.label;
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 200);
}

TEST(Calendar, MakeUpWeekendsAreWorkingAndDescribedSo) {
  for (const char* text : {"2020-01-19", "2021-02-20", "2022-01-30", "2023-10-08", "2024-02-18",
                           "2025-01-26", "2025-02-08", "2026-02-14", "2026-02-28", "2026-10-10"}) {
    SCOPED_TRACE(text);
    const auto info = national().describe(d(text));
    EXPECT_TRUE(info.working);
    EXPECT_EQ(info.kind, DayKind::kMakeupWorkday);
  }
  EXPECT_EQ(national().describe(d("2026-11-28")).kind, DayKind::kWeekend);
  EXPECT_EQ(national().describe(d("2026-11-27")).kind, DayKind::kWorkday);
}

TEST(Calendar, CovidExtensionCancelsTheFebruaryFirstMakeUpDay) {
  // 国办发明电〔2020〕1号: Spring Festival extended to 2020-02-02; 02-01 was a working Saturday.
  EXPECT_FALSE(national().is_working_day(d("2020-02-01")));
  EXPECT_FALSE(national().is_working_day(d("2020-01-31")));
  EXPECT_TRUE(national().is_working_day(d("2020-02-03")));
  EXPECT_EQ(national().working_days_between(d("2020-01-23"), d("2020-02-03")), 1);
}

TEST(Calendar, TwentyTwentyFiveAddsNewYearsEveAndMayFifth) {
  // 国务院令第798号: 春节 and 劳动节 each gain a day from 2025-01-01.
  EXPECT_FALSE(national().is_working_day(d("2025-01-28")));  // 除夕, a Tuesday
  EXPECT_FALSE(national().is_working_day(d("2025-05-05")));  // a Monday
  // Before the reform 除夕 was an ordinary working day.
  EXPECT_TRUE(national().is_working_day(d("2024-02-09")));
  EXPECT_TRUE(national().is_working_day(d("2021-02-10")));
}

TEST(Calendar, OutOfRangeDatesThrowInsteadOfGuessing) {
  for (const char* text : {"2019-12-31", "2027-01-01", "2027-02-06", "1970-01-01", "9999-12-31"}) {
    SCOPED_TRACE(text);
    expect_error("calendar-out-of-range", [&] { (void)national().is_working_day(d(text)); });
    expect_error("calendar-out-of-range", [&] { (void)national().describe(d(text)); });
    EXPECT_FALSE(national().contains(d(text)));
  }
  EXPECT_TRUE(national().contains(d("2020-01-01")));
  EXPECT_TRUE(national().contains(d("2026-12-31")));
  expect_error("calendar-out-of-range",
               [] { (void)national().add_working_days(d("2019-12-31"), 1); });
  // The result would land in 2027, which is not shipped.
  expect_error("calendar-out-of-range",
               [] { (void)national().add_working_days(d("2026-12-25"), 5); });
  expect_error("calendar-out-of-range",
               [] { (void)national().add_working_days(d("2026-12-31"), 1); });
  expect_error("calendar-out-of-range",
               [] { (void)national().working_days_between(d("2026-12-01"), d("2027-01-04")); });
}

TEST(Calendar, InvalidDateIsNotOutOfRange) {
  const year_month_day bad{std::chrono::year{2026}, std::chrono::February, std::chrono::day{30}};
  expect_error("date-invalid", [&] { (void)national().is_working_day(bad); });
  EXPECT_FALSE(national().contains(bad));
}

// ---------------------------------------------------------------------------------------------
// Arithmetic.

TEST(Calendar, AddWorkingDaysMatchesVectors) {
  int checked = 0;
  for (const auto& row : read_csv(data_dir() / "add_working_days.csv")) {
    SCOPED_TRACE(row.where);
    ASSERT_EQ(row.cells.size(), 3u);
    const auto result = national().add_working_days(d(row.cells[0]), std::stoi(row.cells[1]));
    EXPECT_EQ(format_date(result), row.cells[2]);
    ++checked;
  }
  EXPECT_GE(checked, 20);
}

TEST(Calendar, AddWorkingDaysRejectsNegativeCount) {
  expect_error("calendar-argument-invalid",
               [] { (void)national().add_working_days(d("2026-09-30"), -1); });
}

TEST(Calendar, WorkingDaysBetweenCountsHalfOpenAndSigned) {
  const auto& cal = national();
  EXPECT_EQ(cal.working_days_between(d("2026-09-30"), d("2026-10-13")), 5);
  EXPECT_EQ(cal.working_days_between(d("2026-10-13"), d("2026-09-30")), -5);
  EXPECT_EQ(cal.working_days_between(d("2026-10-01"), d("2026-10-01")), 0);
  EXPECT_EQ(cal.working_days_between(d("2026-10-01"), d("2026-10-07")), 0);
  EXPECT_EQ(cal.working_days_between(d("2026-02-12"), d("2026-03-11")), 15);
  EXPECT_EQ(cal.working_days_between(d("2020-01-01"), d("2026-12-31")),
            cal.working_days_between(d("2020-01-01"), d("2023-06-30")) +
                cal.working_days_between(d("2023-06-30"), d("2026-12-31")));
}

// Cross-checks the prefix-sum lookups against a plain day-by-day walk over the whole range.
TEST(Calendar, FastArithmeticAgreesWithNaiveWalkEverywhere) {
  const auto& cal = national();
  const std::chrono::sys_days first{std::chrono::year{2020} / 1 / 1};
  const std::chrono::sys_days last{std::chrono::year{2026} / 12 / 31};
  for (auto day = first; day <= last; day += std::chrono::days{1}) {
    const year_month_day date{day};
    for (int n : {0, 1, 3, 15}) {
      std::chrono::sys_days walk = day;
      if (n == 0) {
        while (walk <= last && !cal.is_working_day(year_month_day{walk})) walk += std::chrono::days{1};
      } else {
        for (int left = n; left > 0 && walk <= last;) {
          walk += std::chrono::days{1};
          if (walk <= last && cal.is_working_day(year_month_day{walk})) --left;
        }
      }
      if (walk > last) {
        EXPECT_THROW((void)cal.add_working_days(date, n), Error) << format_date(date) << "+" << n;
        continue;
      }
      ASSERT_EQ(format_date(cal.add_working_days(date, n)), format_date(year_month_day{walk}))
          << format_date(date) << " + " << n;
      if (n >= 1) {
        ASSERT_EQ(cal.working_days_between(date, year_month_day{walk}), n);
      }
    }
  }
}

TEST(Calendar, EveryShippedYearHasPlausibleWorkingDayCount) {
  // 365/366 days minus ~104 weekend days minus 11 (13 from 2025) statutory days: 245-252.
  for (int y = 2020; y <= 2026; ++y) {
    SCOPED_TRACE(y);
    const year_month_day dec31{std::chrono::year{y - 1}, std::chrono::December, std::chrono::day{31}};
    const year_month_day jan1{std::chrono::year{y}, std::chrono::January, std::chrono::day{1}};
    const year_month_day end{std::chrono::year{y}, std::chrono::December, std::chrono::day{31}};
    const int count = (y == 2020)
                          ? national().working_days_between(jan1, end) +
                                (national().is_working_day(jan1) ? 1 : 0)
                          : national().working_days_between(dec31, end);
    EXPECT_GE(count, 240);
    EXPECT_LE(count, 252);
  }
}

// ---------------------------------------------------------------------------------------------
// Local adjustments.

TEST(Calendar, AdjustmentsOverrideNationalData) {
  Calendar cal = national();
  cal.set_adjustments({
      {d("2026-10-12"), false, "台风停工（区政府通知）"},
      {d("2026-10-11"), true, "补班"},
      {d("2026-10-05"), true, "防汛值守，全员上班"},
  });
  EXPECT_FALSE(cal.is_working_day(d("2026-10-12")));
  EXPECT_TRUE(cal.is_working_day(d("2026-10-11")));
  EXPECT_TRUE(cal.is_working_day(d("2026-10-05")));
  const auto info = cal.describe(d("2026-10-12"));
  EXPECT_EQ(info.kind, DayKind::kLocalRestDay);
  EXPECT_EQ(info.label, "台风停工（区政府通知）");
  EXPECT_EQ(cal.describe(d("2026-10-05")).kind, DayKind::kLocalWorkday);
  // 10-05 (1), 10-08 (2), 10-09 (3), 10-10 (4), 10-11 (5); 10-12 is now off.
  EXPECT_EQ(format_date(cal.add_working_days(d("2026-09-30"), 5)), "2026-10-11");
  EXPECT_EQ(format_date(cal.add_working_days(d("2026-09-30"), 6)), "2026-10-13");
  EXPECT_EQ(cal.adjustments().size(), 3u);
  EXPECT_EQ(format_date(cal.adjustments().front().date), "2026-10-05");  // sorted

  // The original is a separate value: untouched.
  EXPECT_FALSE(national().is_working_day(d("2026-10-05")));
  EXPECT_TRUE(national().is_working_day(d("2026-10-12")));

  cal.set_adjustments({});
  EXPECT_TRUE(cal.is_working_day(d("2026-10-12")));
  EXPECT_FALSE(cal.is_working_day(d("2026-10-05")));
  EXPECT_EQ(format_date(cal.add_working_days(d("2026-09-30"), 5)), "2026-10-13");
}

TEST(Calendar, RejectedAdjustmentsLeaveThePreviousOverlay) {
  Calendar cal = national();
  cal.set_adjustments({{d("2026-06-01"), false, "地方节日"}});
  expect_error("calendar-adjustment-invalid", [&] {
    cal.set_adjustments({{d("2026-06-02"), false, "a"}, {d("2026-06-02"), true, "b"}});
  });
  expect_error("calendar-adjustment-invalid",
               [&] { cal.set_adjustments({{d("2026-06-02"), false, "  "}}); });
  expect_error("calendar-out-of-range",
               [&] { cal.set_adjustments({{d("2027-01-04"), false, "x"}}); });
  EXPECT_FALSE(cal.is_working_day(d("2026-06-01")));
  EXPECT_TRUE(cal.is_working_day(d("2026-06-02")));
  EXPECT_EQ(cal.adjustments().size(), 1u);
}

TEST(Calendar, ConstQueriesAreSafeConcurrently) {
  const Calendar& cal = national();
  std::vector<std::thread> threads;
  std::vector<int> counts(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cal, &counts, t] {
      int count = 0;
      for (int rep = 0; rep < 20; ++rep) {
        for (auto day = std::chrono::sys_days{std::chrono::year{2026} / 1 / 1};
             day <= std::chrono::sys_days{std::chrono::year{2026} / 12 / 31};
             day += std::chrono::days{1}) {
          count += cal.is_working_day(year_month_day{day}) ? 1 : 0;
        }
      }
      counts[static_cast<std::size_t>(t)] = count;
    });
  }
  for (auto& th : threads) th.join();
  for (int c : counts) EXPECT_EQ(c, counts[0]);
}

// ---------------------------------------------------------------------------------------------
// Loading and malformed files.

TEST(CalendarLoad, MissingFileIsUnreadable) {
  expect_error("calendar-file-unreadable",
               [] { (void)Calendar::load("/nonexistent/ecity/cn.json"); });
}

TEST(CalendarLoad, MinimalFileGivesPlainWeekends) {
  const auto cal = Calendar::parse(R"({"years":{"2030":{"notice":"x","holidays":[],"workdays":[]}}})");
  EXPECT_EQ(cal.first_year(), 2030);
  EXPECT_EQ(cal.last_year(), 2030);
  EXPECT_TRUE(cal.is_working_day(d("2030-01-01")));   // Tuesday, no holidays in this file
  EXPECT_FALSE(cal.is_working_day(d("2030-01-05")));  // Saturday
  EXPECT_TRUE(cal.pending_years().empty());
}

TEST(CalendarLoad, MalformedFilesAreRejected) {
  const std::string ok_year = R"("notice":"n","holidays":[],"workdays":[])";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not json", "{"},
      {"trailing garbage", R"({"years":{}} x)"},
      {"top-level array", "[]"},
      {"no years", R"({"source":"x"})"},
      {"empty years", R"({"years":{}})"},
      {"years not object", R"({"years":[]})"},
      {"bad year key", R"({"years":{"20x0":{)" + ok_year + "}}}"},
      {"five-digit year", R"({"years":{"20200":{)" + ok_year + "}}}"},
      {"gap between years", R"({"years":{"2020":{)" + ok_year + R"(},"2022":{)" + ok_year + "}}}"},
      {"year not object", R"({"years":{"2020":[]}})"},
      {"missing notice", R"({"years":{"2020":{"holidays":[],"workdays":[]}}})"},
      {"empty notice", R"({"years":{"2020":{"notice":"","holidays":[],"workdays":[]}}})"},
      {"missing holidays", R"({"years":{"2020":{"notice":"n","workdays":[]}}})"},
      {"missing workdays", R"({"years":{"2020":{"notice":"n","holidays":[]}}})"},
      {"holiday without name",
       R"({"years":{"2020":{"notice":"n","holidays":[{"dates":["2020-01-01"]}],"workdays":[]}}})"},
      {"holiday with empty dates",
       R"({"years":{"2020":{"notice":"n","holidays":[{"name":"元旦","dates":[]}],"workdays":[]}}})"},
      {"loose date",
       R"({"years":{"2020":{"notice":"n","holidays":[{"name":"元旦","dates":["2020-1-01"]}],"workdays":[]}}})"},
      {"impossible date",
       R"({"years":{"2020":{"notice":"n","holidays":[{"name":"元旦","dates":["2020-02-30"]}],"workdays":[]}}})"},
      {"date as number",
       R"({"years":{"2020":{"notice":"n","holidays":[{"name":"元旦","dates":[20200101]}],"workdays":[]}}})"},
      {"date far from its year",
       R"({"years":{"2020":{"notice":"n","holidays":[{"name":"元旦","dates":["2021-06-01"]}],"workdays":[]}}})"},
      {"make-up day on a weekday",
       R"({"years":{"2020":{"notice":"n","holidays":[],"workdays":["2020-01-20"]}}})"},
      {"date both holiday and workday",
       R"({"years":{"2020":{"notice":"n","holidays":[{"name":"x","dates":["2020-02-01"]}],"workdays":["2020-02-01"]}}})"},
      {"date in two holidays",
       R"({"years":{"2020":{"notice":"n","holidays":[{"name":"a","dates":["2020-02-03"]},{"name":"b","dates":["2020-02-03"]}],"workdays":[]}}})"},
      {"pending not array", R"({"pending":"2021","years":{"2020":{)" + ok_year + "}}}"},
      {"pending bad year", R"({"pending":["next"],"years":{"2020":{)" + ok_year + "}}}"},
      {"pending also shipped", R"({"pending":["2020"],"years":{"2020":{)" + ok_year + "}}}"},
  };
  for (const auto& [name, text] : cases) {
    SCOPED_TRACE(name);
    expect_error("calendar-file-malformed", [&] { (void)Calendar::parse(text); });
  }
}

TEST(CalendarLoad, MalformedFileOnDiskIsRejected) {
  const auto path = std::filesystem::temp_directory_path() / "ecity_calendar_test_bad.json";
  {
    std::ofstream out(path);
    out << R"({"years":{"2020":{"notice":"n","holidays":[],"workdays":["2020-01-20"]}}})";
  }
  expect_error("calendar-file-malformed", [&] { (void)Calendar::load(path.string()); });
  std::filesystem::remove(path);
}

// ---------------------------------------------------------------------------------------------
// Dates and the local clock.

TEST(Dates, ParseDateIsStrict) {
  EXPECT_EQ(format_date(parse_date("2026-02-28")), "2026-02-28");
  EXPECT_EQ(format_date(parse_date("2024-02-29")), "2024-02-29");
  for (const char* bad : {"", "2026-02-29", "2026-2-28", "2026-02-28 ", " 2026-02-28",
                          "2026/02/28", "20260228", "2026-13-01", "2026-00-10", "2026-01-00",
                          "0000-01-01", "abcd-ef-gh", "2026-02-2x"}) {
    SCOPED_TRACE(bad);
    expect_error("date-invalid", [&] { (void)parse_date(bad); });
  }
}

TEST(Dates, LocalDateUsesShanghaiOffset) {
  EXPECT_EQ(format_date(local_date_of(utc_ms("2026-09-30T16:30:00Z"))), "2026-10-01");
  EXPECT_EQ(format_date(local_date_of(utc_ms("2026-09-30T15:59:59Z") + 999)), "2026-09-30");
  EXPECT_EQ(format_date(local_date_of(utc_ms("2026-09-30T16:00:00Z"))), "2026-10-01");
  EXPECT_EQ(format_date(local_date_of(0)), "1970-01-01");
  EXPECT_EQ(format_date(local_date_of(-8 * 3600 * 1000)), "1970-01-01");
  EXPECT_EQ(format_date(local_date_of(-8 * 3600 * 1000 - 1)), "1969-12-31");
  // A working-day question about an instant goes through the local date.
  EXPECT_FALSE(national().is_working_day(local_date_of(utc_ms("2026-09-30T16:30:00Z"))));
  EXPECT_TRUE(national().is_working_day(local_date_of(utc_ms("2026-09-30T15:30:00Z"))));
}

// ---------------------------------------------------------------------------------------------
// Office hours and working-hour deadlines.

TEST(OfficeHours, ParsesTheDefault) {
  const auto hours = OfficeHours::parse("09:00-12:00,13:30-17:30");
  ASSERT_EQ(hours.periods().size(), 2u);
  EXPECT_EQ(hours.periods()[0].start, 9h);
  EXPECT_EQ(hours.periods()[1].end, 17h + 30min);
  EXPECT_EQ(hours.daily_total(), 7h);
  EXPECT_EQ(hours.to_string(), "09:00-12:00,13:30-17:30");
  EXPECT_EQ(OfficeHours::parse(" 09:00-12:00 , 13:30-17:30 ").to_string(), "09:00-12:00,13:30-17:30");
  EXPECT_EQ(OfficeHours::parse("00:00-24:00").daily_total(), 24h);
  EXPECT_EQ(OfficeHours::parse("08:00-12:00,12:00-16:00").daily_total(), 8h);  // touching
}

TEST(OfficeHours, RejectsMalformedSpecs) {
  for (const char* bad : {"", " ", ",", "09:00-12:00,", "9:00-12:00", "09:00", "09:00~12:00",
                          "12:00-09:00", "09:00-09:00", "09:60-10:00", "25:00-26:00",
                          "24:00-24:00", "24:30-10:00", "09:00-12:00,11:00-13:00",
                          "13:30-17:30,09:00-12:00", "09:00-12:00;13:30-17:30", "ab:cd-ef:gh"}) {
    SCOPED_TRACE(bad);
    expect_error("office-hours-invalid", [&] { (void)OfficeHours::parse(bad); });
  }
}

TEST(WorkingHours, DeadlinesMatchVectors) {
  const auto hours = OfficeHours::parse("09:00-12:00,13:30-17:30");
  int checked = 0;
  for (const auto& row : read_csv(data_dir() / "deadlines.csv")) {
    SCOPED_TRACE(row.where);
    ASSERT_EQ(row.cells.size(), 3u);
    const auto deadline = deadline_after_working_hours(
        utc_ms(row.cells[0]), std::chrono::minutes{std::stoi(row.cells[1])}, national(), hours);
    EXPECT_EQ(utc_text(deadline), row.cells[2]);
    ++checked;
  }
  EXPECT_GE(checked, 14);
}

TEST(WorkingHours, KeepsSubMinutePrecision) {
  const auto hours = OfficeHours::parse("09:00-12:00,13:30-17:30");
  const std::int64_t start = utc_ms("2026-09-29T02:00:00Z") + 30'500;  // 10:00:30.500 local
  EXPECT_EQ(deadline_after_working_hours(start, 60min, national(), hours),
            utc_ms("2026-09-29T03:00:00Z") + 30'500);
}

TEST(WorkingHours, HoursConvertToMinutes) {
  const auto hours = OfficeHours::parse("09:00-12:00,13:30-17:30");
  EXPECT_EQ(deadline_after_working_hours(utc_ms("2026-09-29T01:00:00Z"), 7h, national(), hours),
            utc_ms("2026-09-29T09:30:00Z"));  // one full day ends at 17:30, not next morning
}

TEST(WorkingHours, RespectsAdjustments) {
  Calendar cal = national();
  cal.set_adjustments({{d("2026-09-30"), false, "台风停工"}});
  const auto hours = OfficeHours::parse("09:00-12:00,13:30-17:30");
  EXPECT_EQ(utc_text(deadline_after_working_hours(utc_ms("2026-09-29T09:00:00Z"), 60min, cal, hours)),
            "2026-10-08T01:30:00Z");
}

TEST(WorkingHours, TimeBetweenCountsOnlyOfficeTimeOnWorkingDays) {
  const auto hours = OfficeHours::parse("09:00-12:00,13:30-17:30");
  // Tuesday 10:00 → Wednesday 10:00 local: one working day of 7 h.
  EXPECT_EQ(working_time_between(utc_ms("2026-09-29T02:00:00Z"), utc_ms("2026-09-30T02:00:00Z"), national(), hours),
            7h);
  // Lunch does not count: 11:00 → 14:00 is 1 h + 30 min.
  EXPECT_EQ(working_time_between(utc_ms("2026-09-29T03:00:00Z"), utc_ms("2026-09-29T06:00:00Z"), national(), hours),
            90min);
  // Over the National Day week: Wednesday 2026-09-30 16:30 → Thursday 2026-10-08 09:30 is 1 h + 30 min.
  EXPECT_EQ(working_time_between(utc_ms("2026-09-30T08:30:00Z"), utc_ms("2026-10-08T01:30:00Z"), national(), hours),
            90min);
  // Nothing at all, or backwards.
  EXPECT_EQ(working_time_between(utc_ms("2026-10-03T02:00:00Z"), utc_ms("2026-10-04T02:00:00Z"), national(), hours),
            0ms);
  EXPECT_EQ(working_time_between(utc_ms("2026-09-30T02:00:00Z"), utc_ms("2026-09-29T02:00:00Z"), national(), hours),
            0ms);
  // The inverse of deadline_after_working_hours, for every vector.
  for (const auto& row : read_csv(data_dir() / "deadlines.csv")) {
    SCOPED_TRACE(row.where);
    const auto start = utc_ms(row.cells[0]);
    const std::chrono::minutes d{std::stoi(row.cells[1])};
    EXPECT_EQ(working_time_between(start, deadline_after_working_hours(start, d, national(), hours), national(), hours),
              d);
  }
}

TEST(WorkingHours, RejectsNegativeDurationAndLeavingTheRange) {
  const auto hours = OfficeHours::parse("09:00-12:00,13:30-17:30");
  expect_error("calendar-argument-invalid", [&] {
    (void)deadline_after_working_hours(utc_ms("2026-09-29T01:00:00Z"), -1min, national(), hours);
  });
  expect_error("calendar-out-of-range", [&] {
    (void)deadline_after_working_hours(utc_ms("2026-12-31T01:00:00Z"), 8h, national(), hours);
  });
  expect_error("calendar-out-of-range", [&] {
    (void)deadline_after_working_hours(utc_ms("2019-12-31T01:00:00Z"), 1h, national(), hours);
  });
}

}  // namespace
}  // namespace ecity::platform
