#include "platform/calendar/calendar.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <utility>

#include <nlohmann/json.hpp>

#include "platform/calendar/working_hours.h"
#include "platform/error.h"

namespace ecity::platform {

namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;

Error malformed(const std::string& zh, const std::string& en) {
  return Error::invalid("calendar-file-malformed", "节假日数据文件格式错误：" + zh,
                        "holiday data file is malformed: " + en);
}

bool is_weekend(sys_days day) {
  const std::chrono::weekday wd{day};
  return wd == std::chrono::Saturday || wd == std::chrono::Sunday;
}

// Strict four-digit year such as "2026".
bool parse_year(const std::string& text, int& year) {
  if (text.size() != 4) return false;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  if (value < 1) return false;
  year = value;
  return true;
}

const nlohmann::json& member(const nlohmann::json& object, const char* key,
                             const std::string& where) {
  auto it = object.find(key);
  if (it == object.end()) {
    throw malformed(where + " 缺少 \"" + key + "\"", where + " lacks \"" + key + "\"");
  }
  return *it;
}

year_month_day date_member(const nlohmann::json& value, const std::string& where) {
  if (!value.is_string()) {
    throw malformed(where + " 的日期必须是字符串", where + ": a date must be a string");
  }
  const auto& text = value.get_ref<const std::string&>();
  try {
    return parse_date(text);
  } catch (const Error&) {
    throw malformed(where + " 的日期 \"" + text + "\" 不是 YYYY-MM-DD 格式的有效日期",
                    where + ": \"" + text + "\" is not a valid YYYY-MM-DD date");
  }
}

// A date under the notice for `year` may spill into the neighbouring month of the adjacent
// year (2023's 元旦 block starts on 2022-12-31); anything further away is a typo.
void check_near_year(year_month_day date, int year, const std::string& where) {
  const sys_days day{date};
  const sys_days low{std::chrono::year{year - 1} / std::chrono::December / 1};
  const sys_days high{std::chrono::year{year + 1} / std::chrono::January / 31};
  if (day < low || day > high) {
    throw malformed(where + " 的日期 " + format_date(date) + " 不属于该年度",
                    where + ": " + format_date(date) + " does not belong to that year");
  }
}

std::string range_text(int first_year, int last_year) {
  return std::to_string(first_year) + "-" + std::to_string(last_year);
}

}  // namespace

Calendar Calendar::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error::invalid("calendar-file-unreadable", "无法读取节假日数据文件：" + path,
                         "cannot read the holiday data file: " + path);
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    throw Error::invalid("calendar-file-unreadable", "读取节假日数据文件失败：" + path,
                         "failed reading the holiday data file: " + path);
  }
  return parse(text.str());
}

Calendar Calendar::parse(std::string_view json_text) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(json_text.begin(), json_text.end());
  } catch (const nlohmann::json::exception& e) {
    throw malformed(std::string("不是有效的 JSON（") + e.what() + "）",
                    std::string("not valid JSON (") + e.what() + ")");
  }
  if (!doc.is_object()) throw malformed("顶层必须是对象", "the top level must be an object");
  const auto& years = member(doc, "years", "文件");
  if (!years.is_object() || years.empty()) {
    throw malformed("\"years\" 必须是非空对象", "\"years\" must be a non-empty object");
  }

  std::map<int, const nlohmann::json*> by_year;
  for (const auto& [key, value] : years.items()) {
    int year = 0;
    if (!parse_year(key, year)) {
      throw malformed("年份键 \"" + key + "\" 不是四位数字", "year key \"" + key +
                      "\" is not four digits");
    }
    if (!value.is_object()) {
      throw malformed(key + " 年的数据必须是对象", "year " + key + " must be an object");
    }
    by_year.emplace(year, &value);
  }
  // The per-day tables must have no holes: a missing year in the middle would silently turn
  // into plain weekdays, which is exactly the guess this class refuses to make.
  int expected = by_year.begin()->first;
  for (const auto& entry : by_year) {
    if (entry.first != expected) {
      throw malformed("年份不连续，缺少 " + std::to_string(expected) + " 年",
                      "years are not consecutive: " + std::to_string(expected) + " is missing");
    }
    ++expected;
  }

  Calendar cal;
  cal.first_year_ = by_year.begin()->first;
  cal.last_year_ = by_year.rbegin()->first;
  cal.first_day_ = sys_days{std::chrono::year{cal.first_year_} / std::chrono::January / 1};
  const sys_days last_day{std::chrono::year{cal.last_year_} / std::chrono::December / 31};
  const auto day_count = static_cast<std::size_t>((last_day - cal.first_day_).count() + 1);

  cal.national_kind_.resize(day_count);
  cal.holiday_name_.assign(day_count, 0);
  for (std::size_t i = 0; i < day_count; ++i) {
    cal.national_kind_[i] =
        is_weekend(cal.first_day_ + days{i}) ? DayKind::kWeekend : DayKind::kWorkday;
  }

  std::vector<std::uint8_t> listed(day_count, 0);
  std::unordered_map<std::string, std::uint16_t> name_index;
  auto slot = [&](year_month_day date, const std::string& where) -> std::optional<std::size_t> {
    const sys_days day{date};
    if (day < cal.first_day_ || day > last_day) return std::nullopt;  // spill outside the range
    const auto i = static_cast<std::size_t>((day - cal.first_day_).count());
    if (listed[i]) {
      throw malformed(where + " 的日期 " + format_date(date) + " 重复出现",
                      where + ": " + format_date(date) + " is listed more than once");
    }
    listed[i] = 1;
    return i;
  };

  for (const auto& [year, entry] : by_year) {
    const std::string where = std::to_string(year);
    const auto& notice = member(*entry, "notice", where);
    if (!notice.is_string() || notice.get_ref<const std::string&>().empty()) {
      throw malformed(where + " 年的 \"notice\" 必须是非空字符串（通知文号）",
                      where + ": \"notice\" must be a non-empty string (the notice number)");
    }

    const auto& holidays = member(*entry, "holidays", where);
    if (!holidays.is_array()) {
      throw malformed(where + " 年的 \"holidays\" 必须是数组", where + ": \"holidays\" must be an array");
    }
    for (const auto& block : holidays) {
      if (!block.is_object()) {
        throw malformed(where + " 年的假期必须是对象", where + ": a holiday must be an object");
      }
      const auto& name = member(block, "name", where + " 年的假期");
      if (!name.is_string() || name.get_ref<const std::string&>().empty()) {
        throw malformed(where + " 年的假期名称必须是非空字符串",
                        where + ": a holiday name must be a non-empty string");
      }
      const auto& name_text = name.get_ref<const std::string&>();
      const std::string block_where = where + " " + name_text;
      const auto& dates = member(block, "dates", block_where);
      if (!dates.is_array() || dates.empty()) {
        throw malformed(block_where + " 的 \"dates\" 必须是非空数组",
                        block_where + ": \"dates\" must be a non-empty array");
      }
      auto [it, inserted] =
          name_index.emplace(name_text, static_cast<std::uint16_t>(cal.holiday_names_.size()));
      if (inserted) cal.holiday_names_.push_back(name_text);
      for (const auto& value : dates) {
        const auto date = date_member(value, block_where);
        check_near_year(date, year, block_where);
        if (auto i = slot(date, block_where)) {
          cal.national_kind_[*i] = DayKind::kHoliday;
          cal.holiday_name_[*i] = it->second;
        }
      }
    }

    const auto& workdays = member(*entry, "workdays", where);
    if (!workdays.is_array()) {
      throw malformed(where + " 年的 \"workdays\" 必须是数组", where + ": \"workdays\" must be an array");
    }
    const std::string work_where = where + " 调休上班";
    for (const auto& value : workdays) {
      const auto date = date_member(value, work_where);
      check_near_year(date, year, work_where);
      // Every 调休上班 day ever announced is a Saturday or Sunday; a weekday here is a typo
      // that would otherwise have no effect at all.
      if (!is_weekend(sys_days{date})) {
        throw malformed(work_where + " 的日期 " + format_date(date) + " 不是周六或周日",
                        work_where + ": " + format_date(date) + " is not a Saturday or Sunday");
      }
      if (auto i = slot(date, work_where)) cal.national_kind_[*i] = DayKind::kMakeupWorkday;
    }
  }

  if (auto it = doc.find("pending"); it != doc.end()) {
    if (!it->is_array()) {
      throw malformed("\"pending\" 必须是年份字符串数组", "\"pending\" must be an array of years");
    }
    for (const auto& value : *it) {
      int year = 0;
      if (!value.is_string() || !parse_year(value.get_ref<const std::string&>(), year)) {
        throw malformed("\"pending\" 中的年份必须是四位数字字符串",
                        "\"pending\" entries must be four-digit year strings");
      }
      if (by_year.count(year) != 0) {
        throw malformed(std::to_string(year) + " 年同时出现在 \"years\" 和 \"pending\" 中",
                        std::to_string(year) + " is both shipped and pending");
      }
      cal.pending_years_.push_back(year);
    }
    std::sort(cal.pending_years_.begin(), cal.pending_years_.end());
  }

  cal.adjustment_of_.assign(day_count, -1);
  cal.rebuild();
  return cal;
}

bool Calendar::contains(year_month_day date) const {
  if (!date.ok()) return false;
  const sys_days day{date};
  return day >= first_day_ && day < first_day_ + days{working_.size()};
}

std::size_t Calendar::index_of(year_month_day date) const {
  if (!date.ok()) {
    throw Error::invalid("date-invalid", "日期无效", "not a valid calendar date");
  }
  if (!contains(date)) {
    std::string range = range_text(first_year_, last_year_);
    throw Error::invalid("calendar-out-of-range",
                         "日期 " + format_date(date) + " 超出工作日历范围（" + range +
                             " 年）；该年度的国务院节假日安排尚未收录",
                         "date " + format_date(date) + " is outside the working-day calendar (" +
                             range + "); that year's State Council holiday notice is not loaded")
        .with("date", format_date(date))
        .with("first_year", first_year_)
        .with("last_year", last_year_);
  }
  return static_cast<std::size_t>((sys_days{date} - first_day_).count());
}

bool Calendar::is_working_day(year_month_day date) const { return working_[index_of(date)] != 0; }

DayInfo Calendar::describe(year_month_day date) const {
  const std::size_t i = index_of(date);
  DayInfo info;
  if (const auto a = adjustment_of_[i]; a >= 0) {
    const auto& adjustment = adjustments_[static_cast<std::size_t>(a)];
    info.kind = adjustment.working ? DayKind::kLocalWorkday : DayKind::kLocalRestDay;
    info.working = adjustment.working;
    info.label = adjustment.reason;
    return info;
  }
  info.kind = national_kind_[i];
  info.working = working_[i] != 0;
  if (info.kind == DayKind::kHoliday) info.label = holiday_names_[holiday_name_[i]];
  return info;
}

year_month_day Calendar::add_working_days(year_month_day date, int n) const {
  if (n < 0) {
    throw Error::invalid("calendar-argument-invalid", "工作日数不能为负数",
                         "the number of working days must not be negative");
  }
  const std::size_t i = index_of(date);
  if (n == 0 && working_[i]) return date;
  // working_before_ is non-decreasing and steps by one exactly after each working day, so
  // the first k with working_before_[k] == target makes day k-1 the target-th working day.
  const std::int32_t target = working_before_[i + 1] + std::max(n, 1);
  const auto it = std::lower_bound(working_before_.begin(), working_before_.end(), target);
  if (it == working_before_.end()) {
    std::string range = range_text(first_year_, last_year_);
    throw Error::invalid("calendar-out-of-range",
                         "从 " + format_date(date) + " 起第 " + std::to_string(n) +
                             " 个工作日超出工作日历范围（" + range + " 年）",
                         "counting " + std::to_string(n) + " working days from " +
                             format_date(date) + " goes beyond the working-day calendar (" +
                             range + ")")
        .with("date", format_date(date))
        .with("first_year", first_year_)
        .with("last_year", last_year_);
  }
  const auto k = static_cast<std::size_t>(it - working_before_.begin());
  return year_month_day{first_day_ + days{k - 1}};
}

int Calendar::working_days_between(year_month_day from, year_month_day to) const {
  const std::size_t i = index_of(from);
  const std::size_t j = index_of(to);
  return working_before_[j + 1] - working_before_[i + 1];
}

void Calendar::set_adjustments(std::vector<Adjustment> adjustments) {
  std::vector<std::int32_t> adjustment_of(working_.size(), -1);
  std::sort(adjustments.begin(), adjustments.end(),
            [](const Adjustment& a, const Adjustment& b) {
              return sys_days{a.date} < sys_days{b.date};
            });
  for (std::size_t k = 0; k < adjustments.size(); ++k) {
    const auto& adjustment = adjustments[k];
    const std::size_t i = index_of(adjustment.date);
    if (adjustment.reason.find_first_not_of(" \t\r\n") == std::string::npos) {
      throw Error::invalid("calendar-adjustment-invalid",
                           "本地调整 " + format_date(adjustment.date) + " 缺少原因",
                           "local adjustment " + format_date(adjustment.date) +
                               " has no reason");
    }
    if (adjustment_of[i] >= 0) {
      throw Error::invalid("calendar-adjustment-invalid",
                           "本地调整中日期 " + format_date(adjustment.date) + " 重复",
                           "local adjustment date " + format_date(adjustment.date) +
                               " is given more than once");
    }
    adjustment_of[i] = static_cast<std::int32_t>(k);
  }
  adjustments_ = std::move(adjustments);
  adjustment_of_ = std::move(adjustment_of);
  rebuild();
}

void Calendar::rebuild() {
  const std::size_t day_count = national_kind_.size();
  working_.resize(day_count);
  working_before_.resize(day_count + 1);
  working_before_[0] = 0;
  for (std::size_t i = 0; i < day_count; ++i) {
    bool working = national_kind_[i] == DayKind::kWorkday ||
                   national_kind_[i] == DayKind::kMakeupWorkday;
    if (const auto a = adjustment_of_[i]; a >= 0) {
      working = adjustments_[static_cast<std::size_t>(a)].working;
    }
    working_[i] = working ? 1 : 0;
    working_before_[i + 1] = working_before_[i] + working_[i];
  }
}

}  // namespace ecity::platform
