// Service levels of a case on the working-day calendar, as pure functions.
//
// Signing is counted in office hours from dispatch (e.g. 2 working hours); handling in
// working days: the case is due at the close of office on the N-th working day after the
// day it was dispatched (dispatched on a Friday with 5 days → due the next Friday 17:30,
// holidays skipped). A case is yellow when less than `yellow_within` of office time is left
// before a due date, red once the due date has passed.
#pragma once

#include "appeals/model.h"

#include "platform/calendar/calendar.h"
#include "platform/calendar/working_hours.h"

#include <chrono>
#include <cstdint>
#include <optional>

namespace ecity::appeals {

struct SlaLimit {
  std::chrono::minutes sign{120};  // office time to sign after dispatch
  int handle_days = 5;             // working days to reply after dispatch
};

struct WarningRule {
  // Yellow when less office time than this is left; unset = one working day of the office
  // hours (7 h for 09:00–12:00, 13:30–17:30).
  std::optional<std::chrono::minutes> yellow_within;
};

// Close of office (end of the last period) on a date. REQUIRES: a valid date.
std::int64_t close_of_office(std::chrono::year_month_day date, const platform::OfficeHours& hours);

// When a case dispatched at `dispatched_at` must be signed. Throws Error
// ("calendar-out-of-range") past the calendar's years.
std::int64_t sign_due(std::int64_t dispatched_at, const SlaLimit& limit, const platform::Calendar& calendar,
                      const platform::OfficeHours& hours);

// When a case dispatched at `dispatched_at` must be replied to. Throws as sign_due().
std::int64_t handle_due(std::int64_t dispatched_at, int handle_days, const platform::Calendar& calendar,
                        const platform::OfficeHours& hours);

// Red after `due`; yellow when less than rule.yellow_within of office time is left; green
// otherwise. Throws as sign_due() when the yellow window reaches past the calendar.
Warning warning_at(std::int64_t now, std::int64_t due, const WarningRule& rule, const platform::Calendar& calendar,
                   const platform::OfficeHours& hours);

// Re-colours an open case at `now`: red and sign_late once unsigned past its sign due date;
// otherwise the colour of its handling due date, handle_late once red. A date past the
// calendar leaves the case as it is.
void colour(Appeal& a, std::int64_t now, const WarningRule& rule, const platform::Calendar& calendar,
            const platform::OfficeHours& hours);

}  // namespace ecity::appeals
