// Working-day calendar kernels: the lookups every appeal, application and warning deadline
// goes through. Run: build/release/bench/calendar_bench
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "platform/calendar/calendar.h"
#include "platform/calendar/working_hours.h"

namespace {

using ecity::platform::Calendar;

const Calendar& national() {
  static const Calendar cal = [] {
    const char* env = std::getenv("ECITY_SOURCE_DIR");
    const std::string root = (env != nullptr && *env != '\0') ? env : ECITY_SOURCE_DIR;
    return Calendar::load(root + "/data/calendar/cn.json");
  }();
  return cal;
}

// Every date of the shipped range, so the loop touches the whole table as real traffic would.
std::vector<std::chrono::year_month_day> all_dates(const Calendar& cal) {
  std::vector<std::chrono::year_month_day> dates;
  const std::chrono::sys_days first{std::chrono::year{cal.first_year()} / 1 / 1};
  const std::chrono::sys_days last{std::chrono::year{cal.last_year()} / 12 / 31};
  for (auto d = first; d <= last; d += std::chrono::days{1}) dates.emplace_back(d);
  return dates;
}

void BM_IsWorkingDay(benchmark::State& state) {
  const Calendar& cal = national();
  const auto dates = all_dates(cal);
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(cal.is_working_day(dates[i]));
    if (++i == dates.size()) i = 0;
  }
}
BENCHMARK(BM_IsWorkingDay);

// 15 working days: the usual time limit of a 12345 appeal (诉求办理时限).
void BM_AddWorkingDays15(benchmark::State& state) {
  const Calendar& cal = national();
  auto dates = all_dates(cal);
  dates.resize(dates.size() - 40);  // keep every result inside the shipped range
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(cal.add_working_days(dates[i], 15));
    if (++i == dates.size()) i = 0;
  }
}
BENCHMARK(BM_AddWorkingDays15);

void BM_DeadlineAfterWorkingHours(benchmark::State& state) {
  const Calendar& cal = national();
  const auto hours = ecity::platform::OfficeHours::parse("09:00-12:00,13:30-17:30");
  // 2026-01-05T01:00Z = 09:00 local; step 37 minutes through the year.
  const std::int64_t base = 1767574800000;
  std::int64_t k = 0;
  for (auto _ : state) {
    const std::int64_t start = base + (k % 12000) * 37 * 60'000;
    benchmark::DoNotOptimize(ecity::platform::deadline_after_working_hours(
        start, std::chrono::hours{16}, cal, hours));
    ++k;
  }
}
BENCHMARK(BM_DeadlineAfterWorkingHours);

}  // namespace
