// The mainland-China working-day calendar: which local dates are working days under the
// State Council's yearly holiday notices (国务院办公厅关于XXXX年部分节假日安排的通知), plus
// local adjustments a district decides for itself. Deadlines in days (诉求办理时限, 办件时限)
// are computed here; deadlines in office hours live in working_hours.h.
//
// A date is a working day when, in this order of precedence:
//   1. a local Adjustment names it (working or not, as the adjustment says);
//   2. the national data lists it as a holiday or a rest day of a holiday block (off), or as a
//      make-up working day (调休上班, on);
//   3. otherwise Monday-Friday are on and Saturday/Sunday are off.
//
// Only the years shipped in the data file are known. A date outside [first_year()-01-01,
// last_year()-12-31] is never guessed from weekdays: every query on it throws
// Error::invalid("calendar-out-of-range"). Years whose notice has not been verified are listed
// under "pending" in the file and are outside the range.
//
// Thread-safety: const methods may be called concurrently from any number of threads.
// set_adjustments() must not run concurrently with any other call on the same object; the
// intended use is to build a new Calendar (copy + set_adjustments) and publish it, e.g. as a
// std::shared_ptr<const Calendar>, so readers never see a half-applied overlay.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ecity::platform {

// A local override of one date (e.g. a local statutory day such as 广西“三月三”, or a rest day
// ordered for a typhoon). The service layer persists these; Calendar only applies them.
struct Adjustment {
  std::chrono::year_month_day date;
  bool working = false;
  std::string reason;  // required, shown by describe(); e.g. "区政府通知〔2026〕3号 台风停工"
};

// Why a date is (not) a working day.
enum class DayKind {
  kWorkday,         // Monday-Friday with nothing special
  kWeekend,         // Saturday/Sunday with nothing special
  kHoliday,         // national holiday or rest day of a holiday block; label = block name
  kMakeupWorkday,   // national 调休上班 on a Saturday/Sunday
  kLocalWorkday,    // local adjustment: working; label = reason
  kLocalRestDay,    // local adjustment: not working; label = reason
};

struct DayInfo {
  DayKind kind = DayKind::kWorkday;
  bool working = true;
  std::string label;  // holiday name or adjustment reason; empty for kWorkday/kWeekend/kMakeupWorkday
};

class Calendar {
 public:
  // Reads and validates the national data file (data/calendar/cn.json).
  // Throws Error::invalid("calendar-file-unreadable") if the file cannot be read, and
  // Error::invalid("calendar-file-malformed") if it is not valid JSON or breaks the format:
  // "years" must be a non-empty object of consecutive four-digit years, each with a non-empty
  // "notice", "holidays" [{name, dates[]}] and "workdays" []; dates are strict YYYY-MM-DD within
  // a month of their year; a date may not be listed twice (in particular not both holiday and
  // workday); a make-up workday must be a Saturday or Sunday; "pending" (optional) lists years
  // that are not shipped.
  static Calendar load(const std::string& path);
  // Same as load() but from the JSON text itself.
  static Calendar parse(std::string_view json_text);

  int first_year() const { return first_year_; }
  int last_year() const { return last_year_; }
  // Years announced as pending in the file (notice not yet verified); not queryable.
  const std::vector<int>& pending_years() const { return pending_years_; }
  // Whether `date` lies in the shipped range. Never throws.
  bool contains(std::chrono::year_month_day date) const;

  // Throws Error::invalid("calendar-out-of-range") if `date` is outside the shipped range and
  // Error::invalid("date-invalid") if it is not a real date (e.g. 2026-02-30). O(1).
  bool is_working_day(std::chrono::year_month_day date) const;
  // The reason behind is_working_day(). Same errors. O(1).
  DayInfo describe(std::chrono::year_month_day date) const;

  // The n-th working day after `date`, counting from the next day: add(2026-09-30, 5) is the
  // fifth working day after 30 September (2026-10-13). n == 0 means "the first moment work can
  // happen": `date` itself if it is a working day, otherwise the next working day.
  // Throws Error::invalid("calendar-argument-invalid") if n < 0, and "calendar-out-of-range" if
  // `date` or the result lies outside the shipped range. O(log days).
  std::chrono::year_month_day add_working_days(std::chrono::year_month_day date, int n) const;

  // Working days in the half-open interval (from, to]: 0 when from == to, and
  // add_working_days(from, k) == to implies working_days_between(from, to) == k for k >= 1.
  // When from > to the result is -working_days_between(to, from) (days overdue). Throws
  // "calendar-out-of-range" if either date is outside the shipped range. O(1).
  int working_days_between(std::chrono::year_month_day from,
                           std::chrono::year_month_day to) const;

  // Replaces the whole local overlay (an empty vector removes it). Adjustments win over the
  // national data. Validated as a whole before anything changes: throws
  // "calendar-out-of-range" for a date outside the shipped range and
  // Error::invalid("calendar-adjustment-invalid") for a date given twice or an empty reason;
  // on a throw the previous overlay stays in force.
  void set_adjustments(std::vector<Adjustment> adjustments);
  // The overlay in force, sorted by date.
  const std::vector<Adjustment>& adjustments() const { return adjustments_; }

 private:
  Calendar() = default;
  // Index of `date` in the per-day tables; throws "calendar-out-of-range".
  std::size_t index_of(std::chrono::year_month_day date) const;
  // Recomputes working_ and working_before_ from the national tables and adjustments_.
  void rebuild();

  // Constant after load.
  int first_year_ = 0;
  int last_year_ = 0;
  std::chrono::sys_days first_day_{};
  std::vector<int> pending_years_;
  std::vector<std::string> holiday_names_;
  std::vector<DayKind> national_kind_;       // per day: kWorkday/kWeekend/kHoliday/kMakeupWorkday
  std::vector<std::uint16_t> holiday_name_;  // per day: index into holiday_names_ (kHoliday only)

  // Changed only by set_adjustments().
  std::vector<Adjustment> adjustments_;
  std::vector<std::int32_t> adjustment_of_;  // per day: index into adjustments_, or -1
  std::vector<std::uint8_t> working_;        // per day: effective working flag
  std::vector<std::int32_t> working_before_; // [i] = working days among days [0, i); size days+1
};

}  // namespace ecity::platform
