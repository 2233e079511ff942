#include "platform/calendar/working_hours.h"

#include <algorithm>
#include <cstdio>

#include "platform/calendar/calendar.h"
#include "platform/error.h"

namespace ecity::platform {

namespace {

using std::chrono::days;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::sys_days;
using std::chrono::year_month_day;

constexpr std::int64_t kMsPerMinute = 60'000;
constexpr std::int64_t kMsPerDay = 86'400'000;

Error office_hours_invalid(std::string_view spec, const std::string& zh, const std::string& en) {
  return Error::invalid("office-hours-invalid", "办公时间 \"" + std::string(spec) + "\" 无效：" + zh,
                        "office hours \"" + std::string(spec) + "\" are invalid: " + en);
}

bool digit(char c) { return c >= '0' && c <= '9'; }

// "HH:MM" -> minutes after midnight, or -1. 24:00 is accepted here; the caller decides.
int parse_clock(std::string_view text) {
  if (text.size() != 5 || !digit(text[0]) || !digit(text[1]) || text[2] != ':' || !digit(text[3]) || !digit(text[4])) {
    return -1;
  }
  const int hour = (text[0] - '0') * 10 + (text[1] - '0');
  const int minute = (text[3] - '0') * 10 + (text[4] - '0');
  if (minute > 59 || hour > 24 || (hour == 24 && minute != 0)) return -1;
  return hour * 60 + minute;
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(' ');
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(' ');
  return text.substr(first, last - first + 1);
}

// Floor division, so instants before 1970 still land on the right local day.
std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

}  // namespace

OfficeHours OfficeHours::parse(std::string_view spec) {
  OfficeHours hours;
  std::string_view rest = spec;
  while (true) {
    const auto comma = rest.find(',');
    const std::string_view item = trim(rest.substr(0, comma));
    const auto dash = item.find('-');
    if (item.empty() || dash == std::string_view::npos) {
      throw office_hours_invalid(spec, "应为 HH:MM-HH:MM[,HH:MM-HH:MM…]", "expected HH:MM-HH:MM[,HH:MM-HH:MM...]");
    }
    const int start = parse_clock(item.substr(0, dash));
    const int end = parse_clock(item.substr(dash + 1));
    if (start < 0 || end < 0 || start == 24 * 60) {
      throw office_hours_invalid(spec, "时间 \"" + std::string(item) + "\" 格式错误",
                                 "period \"" + std::string(item) + "\" is not HH:MM-HH:MM");
    }
    if (start >= end) {
      throw office_hours_invalid(spec, "时段 \"" + std::string(item) + "\" 开始不早于结束",
                                 "period \"" + std::string(item) + "\" does not end after it starts");
    }
    if (!hours.periods_.empty() && start < hours.periods_.back().end.count()) {
      throw office_hours_invalid(spec, "时段必须按时间先后排列且互不重叠",
                                 "periods must be in ascending order without overlap");
    }
    hours.periods_.push_back({minutes{start}, minutes{end}});
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  return hours;
}

minutes OfficeHours::daily_total() const {
  minutes total{0};
  for (const auto& p : periods_) total += p.end - p.start;
  return total;
}

std::string OfficeHours::to_string() const {
  std::string out;
  for (const auto& p : periods_) {
    char buf[48];
    const auto s = static_cast<int>(p.start.count());
    const auto e = static_cast<int>(p.end.count());
    std::snprintf(buf, sizeof buf, "%02d:%02d-%02d:%02d", s / 60, s % 60, e / 60, e % 60);
    if (!out.empty()) out += ',';
    out += buf;
  }
  return out;
}

year_month_day local_date_of(std::int64_t epoch_ms) {
  const std::int64_t local_ms = epoch_ms + std::chrono::duration_cast<milliseconds>(kShanghaiUtcOffset).count();
  return year_month_day{sys_days{days{floor_div(local_ms, kMsPerDay)}}};
}

std::int64_t deadline_after_working_hours(std::int64_t start_epoch_ms, minutes duration, const Calendar& calendar,
                                          const OfficeHours& office_hours) {
  if (duration < minutes{0}) {
    throw Error::invalid("calendar-argument-invalid", "办理时长不能为负数",
                         "the working-time duration must not be negative");
  }
  const std::int64_t offset_ms = std::chrono::duration_cast<milliseconds>(kShanghaiUtcOffset).count();
  const std::int64_t local_ms = start_epoch_ms + offset_ms;
  std::int64_t day = floor_div(local_ms, kMsPerDay);  // local days since 1970-01-01
  std::int64_t from = local_ms - day * kMsPerDay;     // ms after local midnight on `day`
  std::int64_t remaining = duration.count() * kMsPerMinute;

  // Walks day by day; the calendar throws "calendar-out-of-range" once the walk leaves the
  // shipped years, so the loop always ends.
  while (true) {
    const year_month_day date{sys_days{days{day}}};
    if (calendar.is_working_day(date)) {
      for (const auto& period : office_hours.periods()) {
        const std::int64_t begin = std::max(period.start.count() * kMsPerMinute, from);
        const std::int64_t end = period.end.count() * kMsPerMinute;
        if (begin >= end) continue;
        if (remaining <= end - begin) return day * kMsPerDay + begin + remaining - offset_ms;
        remaining -= end - begin;
      }
    }
    ++day;
    from = 0;
  }
}

milliseconds working_time_between(std::int64_t start_epoch_ms, std::int64_t end_epoch_ms, const Calendar& calendar,
                                  const OfficeHours& office_hours) {
  if (end_epoch_ms <= start_epoch_ms) return milliseconds{0};
  const std::int64_t offset_ms = std::chrono::duration_cast<milliseconds>(kShanghaiUtcOffset).count();
  const std::int64_t start = start_epoch_ms + offset_ms, end = end_epoch_ms + offset_ms;  // local ms
  std::int64_t total = 0;
  for (std::int64_t day = floor_div(start, kMsPerDay); day * kMsPerDay < end; ++day) {
    if (!calendar.is_working_day(year_month_day{sys_days{days{day}}})) continue;
    for (const auto& period : office_hours.periods()) {
      const std::int64_t begin = std::max(day * kMsPerDay + period.start.count() * kMsPerMinute, start);
      const std::int64_t stop = std::min(day * kMsPerDay + period.end.count() * kMsPerMinute, end);
      if (stop > begin) total += stop - begin;
    }
  }
  return milliseconds{total};
}

year_month_day parse_date(std::string_view text) {
  auto fail = [&]() {
    return Error::invalid("date-invalid", "日期 \"" + std::string(text) + "\" 无效，应为 YYYY-MM-DD",
                          "date \"" + std::string(text) + "\" is invalid; expected YYYY-MM-DD");
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') throw fail();
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!digit(text[i])) throw fail();
  }
  auto number = [&](std::size_t pos, std::size_t len) {
    int value = 0;
    for (std::size_t i = pos; i < pos + len; ++i) value = value * 10 + (text[i] - '0');
    return value;
  };
  const int y = number(0, 4);
  const year_month_day date{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(number(5, 2))},
                            std::chrono::day{static_cast<unsigned>(number(8, 2))}};
  if (y < 1 || !date.ok()) throw fail();
  return date;
}

std::string format_date(year_month_day date) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()));
  return buf;
}

}  // namespace ecity::platform
