#include "appeals/sla.h"

#include "platform/error.h"

namespace ecity::appeals {

using platform::kShanghaiUtcOffset;

std::int64_t close_of_office(std::chrono::year_month_day date, const platform::OfficeHours& hours) {
  const auto local_midnight = std::chrono::sys_days(date) - kShanghaiUtcOffset;
  const auto close = local_midnight + hours.periods().back().end;
  return std::chrono::duration_cast<std::chrono::milliseconds>(close.time_since_epoch()).count();
}

std::int64_t sign_due(std::int64_t dispatched_at, const SlaLimit& limit, const platform::Calendar& calendar,
                      const platform::OfficeHours& hours) {
  return platform::deadline_after_working_hours(dispatched_at, limit.sign, calendar, hours);
}

std::int64_t handle_due(std::int64_t dispatched_at, int handle_days, const platform::Calendar& calendar,
                        const platform::OfficeHours& hours) {
  const auto day = calendar.add_working_days(platform::local_date_of(dispatched_at), handle_days);
  return close_of_office(day, hours);
}

Warning warning_at(std::int64_t now, std::int64_t due, const WarningRule& rule, const platform::Calendar& calendar,
                   const platform::OfficeHours& hours) {
  if (now > due) return Warning::kRed;
  // The moment `yellow_within` of office time from now is used up; if that is at or past
  // the due date, less than the window is left.
  const auto window = rule.yellow_within.value_or(hours.daily_total());
  return platform::deadline_after_working_hours(now, window, calendar, hours) >= due ? Warning::kYellow
                                                                                     : Warning::kGreen;
}

void colour(Appeal& a, std::int64_t now, const WarningRule& rule, const platform::Calendar& calendar,
            const platform::OfficeHours& hours) {
  try {
    if (a.state == State::kDispatched && a.sign_due_at && now > *a.sign_due_at) {
      a.warning = Warning::kRed;
      a.sign_late = true;
    } else if (a.handle_due_at) {
      a.warning = warning_at(now, *a.handle_due_at, rule, calendar, hours);
      if (a.warning == Warning::kRed) a.handle_late = true;
    }
  } catch (const Error& e) {
    if (e.slug() != "calendar-out-of-range") throw;
  }
}

}  // namespace ecity::appeals
