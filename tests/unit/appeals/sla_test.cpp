// Service levels on the real national calendar (data/calendar/cn.json), Asia/Shanghai.
#include "appeals/sla.h"

#include "platform/error.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace ecity::appeals {
namespace {

using namespace std::chrono;

const platform::Calendar& calendar() {
  static const platform::Calendar cal = [] {
    std::string dir = std::getenv("ECITY_SOURCE_DIR") ? std::getenv("ECITY_SOURCE_DIR") : ECITY_SOURCE_DIR;
    return platform::Calendar::load(dir + "/data/calendar/cn.json");
  }();
  return cal;
}

const platform::OfficeHours& hours() {
  static const auto h = platform::OfficeHours::parse("09:00-12:00,13:30-17:30");
  return h;
}

// Epoch ms of a local (UTC+8) wall-clock time.
std::int64_t local(int y, unsigned m, unsigned d, int hh, int mm) {
  auto t = sys_days(year_month_day{year{y}, month{m}, day{d}}) + std::chrono::hours(hh) + std::chrono::minutes(mm) -
           platform::kShanghaiUtcOffset;
  return duration_cast<milliseconds>(t.time_since_epoch()).count();
}

TEST(Sla, HandlingDaysSkipTheNationalDayHolidayAndCountTheMakeUpSaturday) {
  // Dispatched Wed 2026-09-30; Oct 1–7 are off, Sat Oct 10 is a make-up working day:
  // Oct 8, 9, 10, 12, 13 → due at the close of office on Tue Oct 13.
  EXPECT_EQ(handle_due(local(2026, 9, 30, 10, 0), 5, calendar(), hours()), local(2026, 10, 13, 17, 30));
}

TEST(Sla, HandlingCountsFromTheDispatchDayWhateverItsHour) {
  // Dispatched on a Saturday evening: the next working days are Mon–Fri.
  EXPECT_EQ(handle_due(local(2026, 11, 28, 21, 0), 5, calendar(), hours()), local(2026, 12, 4, 17, 30));
  // A dispatch at 23:59 local is still that local day (15:59 UTC).
  EXPECT_EQ(handle_due(local(2026, 11, 26, 23, 59), 1, calendar(), hours()), local(2026, 11, 27, 17, 30));
}

TEST(Sla, SigningIsCountedInOfficeHours) {
  SlaLimit two_hours{minutes(120), 5};
  // Friday 16:30 + 2 office hours: one hour on Friday, one on Monday morning.
  EXPECT_EQ(sign_due(local(2026, 11, 27, 16, 30), two_hours, calendar(), hours()), local(2026, 11, 30, 10, 0));
  // Over lunch: 11:30 + 2h = 12:00 then 13:30–15:00.
  EXPECT_EQ(sign_due(local(2026, 11, 26, 11, 30), two_hours, calendar(), hours()), local(2026, 11, 26, 15, 0));
}

TEST(Sla, RedYellowGreen) {
  WarningRule rule;                              // yellow within one working day (7 office hours)
  const auto due = local(2026, 11, 30, 17, 30);  // Monday close
  EXPECT_EQ(warning_at(local(2026, 11, 25, 10, 0), due, rule, calendar(), hours()), Warning::kGreen);
  // Friday 17:00: half an hour left on Friday plus the whole of Monday → 7.5 h: green.
  EXPECT_EQ(warning_at(local(2026, 11, 27, 17, 0), due, rule, calendar(), hours()), Warning::kGreen);
  // Over the weekend less than one working day is left: yellow.
  EXPECT_EQ(warning_at(local(2026, 11, 28, 12, 0), due, rule, calendar(), hours()), Warning::kYellow);
  EXPECT_EQ(warning_at(local(2026, 11, 30, 10, 0), due, rule, calendar(), hours()), Warning::kYellow);
  EXPECT_EQ(warning_at(due, due, rule, calendar(), hours()), Warning::kYellow);
  EXPECT_EQ(warning_at(due + 1, due, rule, calendar(), hours()), Warning::kRed);
  // A configured window: two working days.
  WarningRule two{std::chrono::minutes(14 * 60)};
  EXPECT_EQ(warning_at(local(2026, 11, 27, 17, 0), due, two, calendar(), hours()), Warning::kYellow);
  EXPECT_EQ(warning_at(local(2026, 11, 26, 9, 0), due, two, calendar(), hours()), Warning::kGreen);
}

TEST(Sla, NoGuessPastTheShippedCalendar) {
  // 2027's notice is not in the data: a deadline that reaches into it is an error, not a guess.
  try {
    handle_due(local(2026, 12, 28, 10, 0), 5, calendar(), hours());
    ADD_FAILURE() << "expected calendar-out-of-range";
  } catch (const Error& e) {
    EXPECT_EQ(e.slug(), "calendar-out-of-range");
  }
}

}  // namespace
}  // namespace ecity::appeals
