#include "app/calendar_cmd.h"

#include <chrono>
#include <iostream>
#include <memory>
#include <utility>

#include "platform/calendar/calendar.h"
#include "platform/calendar/working_hours.h"
#include "platform/error.h"

namespace ecity::app {

namespace {

using platform::Calendar;
using platform::DayKind;
using platform::format_date;
using platform::parse_date;

// Strict non-negative decimal integer for `calendar add DATE N`; parsed here rather than by
// CLI11 so that a bad N fails like every other bad input (message on stderr, status 2).
int parse_count(const std::string& text) {
  auto fail = [&]() {
    return Error::invalid("calendar-argument-invalid",
                          "工作日数 \"" + text + "\" 无效，应为 0 到 100000 之间的整数",
                          "working-day count \"" + text + "\" is invalid; expected 0-100000");
  };
  if (text.empty() || text.size() > 6) throw fail();
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') throw fail();
    value = value * 10 + (c - '0');
  }
  if (value > 100000) throw fail();
  return value;
}

std::string describe_line(const platform::DayInfo& info) {
  switch (info.kind) {
    case DayKind::kWorkday: return "working";
    case DayKind::kMakeupWorkday: return "working 调休上班";
    case DayKind::kWeekend: return "weekend";
    case DayKind::kHoliday: return "holiday " + info.label;
    case DayKind::kLocalWorkday: return "working 本地调整: " + info.label;
    case DayKind::kLocalRestDay: return "rest 本地调整: " + info.label;
  }
  return info.working ? "working" : "rest";
}

// Runs `body`, turning an ecity::Error into a message on stderr and exit status 2.
template <typename Body>
void run(Body&& body) {
  try {
    body();
  } catch (const Error& e) {
    std::cerr << "ecity calendar: " << e.detail_zh() << " (" << e.detail_en() << ")\n";
    throw CLI::RuntimeError(2);
  }
}

}  // namespace

void add_calendar_command(CLI::App& app, std::function<Calendar(bool local)> load_calendar) {
  auto* calendar = app.add_subcommand("calendar", "工作日历：查询工作日、推算期限 (working-day calendar)");
  calendar->require_subcommand(1);
  auto local = std::make_shared<bool>(false);
  calendar->add_flag("--local", *local,
                     "也计入本区在数据库中的本地调整 (apply the district's local adjustments from the database)");
  auto load = std::make_shared<std::function<Calendar(bool)>>(std::move(load_calendar));

  struct DaysArgs {
    std::string from;
    std::string to;
  };
  auto days_args = std::make_shared<DaysArgs>();
  auto* days = calendar->add_subcommand("days", "逐日列出是否工作日：YYYY-MM-DD,1|0 (inclusive range)");
  days->add_option("--from", days_args->from, "first date, YYYY-MM-DD")->required();
  days->add_option("--to", days_args->to, "last date, YYYY-MM-DD")->required();
  days->callback([load, local, days_args]() {
    run([&]() {
      const auto from = parse_date(days_args->from);
      const auto to = parse_date(days_args->to);
      if (std::chrono::sys_days{from} > std::chrono::sys_days{to}) {
        throw Error::invalid("calendar-argument-invalid",
                             "起始日期 " + format_date(from) + " 晚于结束日期 " + format_date(to),
                             "--from " + format_date(from) + " is after --to " + format_date(to));
      }
      const Calendar cal = (*load)(*local);
      std::string out;
      for (auto day = std::chrono::sys_days{from}; day <= std::chrono::sys_days{to};
           day += std::chrono::days{1}) {
        const std::chrono::year_month_day date{day};
        out += format_date(date);
        out += cal.is_working_day(date) ? ",1\n" : ",0\n";
      }
      std::cout << out;  // only after every date succeeded: no partial listing on error
    });
  });

  struct AddArgs {
    std::string date;
    std::string n;
  };
  auto add_args = std::make_shared<AddArgs>();
  auto* add = calendar->add_subcommand(
      "add", "DATE 之后第 N 个工作日（N=0：DATE 若为工作日则为其本身，否则为下一个工作日）");
  add->add_option("date", add_args->date, "start date, YYYY-MM-DD")->required();
  add->add_option("n", add_args->n, "working days to add (>= 0)")->required();
  add->callback([load, local, add_args]() {
    run([&]() {
      const auto date = parse_date(add_args->date);
      const int n = parse_count(add_args->n);
      const Calendar cal = (*load)(*local);
      std::cout << format_date(cal.add_working_days(date, n)) << '\n';
    });
  });

  auto check_date = std::make_shared<std::string>();
  auto* check = calendar->add_subcommand(
      "check", "DATE 是否工作日：working | working 调休上班 | weekend | holiday NAME | …");
  check->add_option("date", *check_date, "date, YYYY-MM-DD")->required();
  check->callback([load, local, check_date]() {
    run([&]() {
      const auto date = parse_date(*check_date);
      const Calendar cal = (*load)(*local);
      std::cout << describe_line(cal.describe(date)) << '\n';
    });
  });
}

}  // namespace ecity::app
