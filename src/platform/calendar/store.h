// SQL for the district's local calendar adjustments (table calendar_adjustments), nothing else.
#pragma once

#include <optional>
#include <vector>

#include <soci/soci.h>

#include "platform/calendar/calendar.h"
#include "platform/calendar/working_hours.h"

namespace ecity::platform {

// Every local adjustment, ordered by date.
std::vector<Adjustment> load_adjustments(soci::session& sql);

// Sets (inserts or replaces) the adjustment of one date.
void save_adjustment(soci::session& sql, const Adjustment& a, std::int64_t by_user, std::int64_t at_ms);

// Removes the adjustment of one date; returns the removed one, if there was one.
std::optional<Adjustment> delete_adjustment(soci::session& sql, std::chrono::year_month_day date);

}  // namespace ecity::platform
