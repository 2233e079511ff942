// Appeal statistics as pure functions over counters: the store sums per group key in SQL,
// this file turns sums into rows, rates, rankings and hot spots. Formulas: docs/appeals.md,
// "Statistics". A rate whose denominator is 0 is nullopt, never 0 % or 100 %.
#pragma once

#include "appeals/settings.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ecity::appeals {

enum class StatsGroup { kUnit, kRegion, kCategory, kChannel, kType, kDay, kWeek, kMonth };
std::optional<StatsGroup> parse_stats_group(std::string_view code);

// Sums over the cases received in a period (one group, or the total).
struct Counters {
  std::int64_t received = 0, dispatched = 0, direct = 0, signed_in = 0, signed_on_time = 0, closed = 0,
               closed_on_time = 0, overdue = 0, callbacks = 0, reached = 0, satisfied = 0, solved = 0, replied = 0,
               reopened = 0, repeats = 0;
  double handle_days_sum = 0;
  std::int64_t handle_days_n = 0;
  Counters& operator+=(const Counters& o) { return add(o, 1); }
  Counters& add(const Counters& o, std::int64_t times);  // times -1 subtracts
};

struct Rates {
  std::optional<double> sign_on_time, closed, closed_on_time, satisfaction, solved, reopen, repeat, avg_handle_days;
};
Rates rates_of(const Counters& c);

// What the store returns: the group's raw key (an id, a code, or a local day number) and sums.
struct KeyedCounters {
  std::int64_t int_key = 0;  // ids (a region lead unit is negative), local day numbers
  std::string text_key;      // channel, type codes
  Counters c;
};

struct StatsRow {
  std::string key;    // stable: "d:12", "r:5", "none", "2026-11", "2026-W48", "phone", …
  std::string label;  // Chinese, for the screen and the export
  Counters c;
};
struct StatsTable {
  StatsGroup group = StatsGroup::kUnit;
  std::vector<StatsRow> rows;
  Counters total;
};

// Names the store resolves for labels.
struct StatsNames {
  std::map<std::int64_t, std::string> departments, regions, categories;
  std::map<std::int64_t, std::int64_t> top_category;  // leaf id → top-level id
};

// Folds the store's keyed sums into the rows of `group` (weeks and months from local days;
// leaves into top-level categories), sorted by key for time groups, by received otherwise.
StatsTable build_table(StatsGroup group, const std::vector<KeyedCounters>& keyed, const StatsNames& names);

// The unit ranking on 响应率 (signed on time ÷ dispatched), 解决率, 满意率.
struct RankRow {
  std::string unit, unit_name;
  std::int64_t received = 0;
  std::optional<double> response_rate, solved_rate, satisfaction_rate;
  double score = 0;
  int rank = 0;
};
std::vector<RankRow> rank_units(const StatsTable& by_unit, const Settings& weights);

// Hot spots: per town, the top categories with the previous period's count.
struct HotCategory {
  std::int64_t category_id = 0;
  std::string category_name;
  std::int64_t count = 0, previous = 0;
  std::optional<double> change;  // (count − previous) ÷ previous
};
struct HotTown {
  std::int64_t town_id = 0;  // 0: no located town
  std::string town_name;
  std::int64_t total = 0;
  std::vector<HotCategory> top;
};
struct TownCategoryCount {
  std::int64_t town_id = 0, category_id = 0, count = 0, previous = 0;
};
std::vector<HotTown> hot_spots(const std::vector<TownCategoryCount>& counts, const StatsNames& names, int top);

// ISO-8601 week "YYYY-Www" of a date.
std::string iso_week(std::chrono::year_month_day date);

}  // namespace ecity::appeals
