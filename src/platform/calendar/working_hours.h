// Office hours and deadlines counted in working time (e.g. "sign in within 2 working hours"),
// plus the local-date helpers every business date goes through.
//
// Instants are UTC epoch milliseconds (DESIGN.md, Storage); business dates and office hours
// are local to Asia/Shanghai. China has used UTC+8 without daylight saving since 1991, so the
// local clock is a fixed offset; GCC 12's libstdc++ has no std::chrono time-zone database and
// a fixed constant is both exact for every date the calendar ships and free of tzdata drift.
//
// Everything here is a pure function or an immutable value: safe to call concurrently.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ecity::platform {

class Calendar;

// Asia/Shanghai = UTC+08:00 all year (no DST since 1991).
inline constexpr std::chrono::hours kShanghaiUtcOffset{8};

// One office period of a working day, as minutes after local midnight: [start, end).
struct OfficePeriod {
  std::chrono::minutes start;
  std::chrono::minutes end;
};

// The office periods of every working day, e.g. "09:00-12:00,13:30-17:30".
class OfficeHours {
 public:
  // Parses a comma-separated list of HH:MM-HH:MM periods (two-digit hours 00-24, minutes 00-59,
  // "24:00" allowed as an end; spaces around a period are ignored). Periods must be non-empty
  // and in ascending order without overlap (touching is allowed). Throws
  // Error::invalid("office-hours-invalid") otherwise, including for an empty string.
  static OfficeHours parse(std::string_view spec);

  const std::vector<OfficePeriod>& periods() const { return periods_; }
  // Total office time of one working day.
  std::chrono::minutes daily_total() const;
  // Canonical text, e.g. "09:00-12:00,13:30-17:30".
  std::string to_string() const;

 private:
  OfficeHours() = default;
  std::vector<OfficePeriod> periods_;
};

// The Asia/Shanghai calendar date of a UTC instant: 2026-09-30T16:30Z is 2026-10-01 local.
// Never throws.
std::chrono::year_month_day local_date_of(std::int64_t epoch_ms);

// The instant at which `duration` of office time, counted from `start_epoch_ms`, is used up.
// Only office periods on working days of `calendar` count; a start outside office hours (lunch,
// evening, weekend, holiday) begins at the next office period. The deadline is the moment the
// last unit is spent, so a period's end is a valid deadline (09:00 + 3h = 12:00, not 13:30);
// a zero duration yields the start itself if it is inside office time, else the beginning of
// the next office period.
// Throws Error::invalid("calendar-argument-invalid") if duration < 0, and
// "calendar-out-of-range" if the count reaches a date outside the calendar's shipped years.
std::int64_t deadline_after_working_hours(std::int64_t start_epoch_ms, std::chrono::minutes duration,
                                          const Calendar& calendar, const OfficeHours& office_hours);

// The office time on working days of `calendar` between two instants: 0 if end <= start. The
// inverse of deadline_after_working_hours: working_time_between(s, deadline_after(s, d)) == d.
// Throws Error::invalid("calendar-out-of-range") if a date in between is outside the calendar.
std::chrono::milliseconds working_time_between(std::int64_t start_epoch_ms, std::int64_t end_epoch_ms,
                                               const Calendar& calendar, const OfficeHours& office_hours);

// Strict "YYYY-MM-DD" (exactly ten characters, a real date in years 0001-9999). Throws
// Error::invalid("date-invalid") otherwise; "2026-2-1", "2026-02-30" and " 2026-02-01" fail.
std::chrono::year_month_day parse_date(std::string_view text);

// "YYYY-MM-DD". REQUIRES: date.ok() and a year in 0-9999.
std::string format_date(std::chrono::year_month_day date);

}  // namespace ecity::platform
