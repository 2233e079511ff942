#include "appeals/stats.h"

#include "appeals/model.h"

#include "platform/calendar/working_hours.h"

#include <fmt/format.h>

#include <algorithm>

namespace ecity::appeals {

using namespace std::chrono;

std::optional<StatsGroup> parse_stats_group(std::string_view code) {
  static const std::map<std::string_view, StatsGroup> kCodes{
      {"unit", StatsGroup::kUnit},       {"region", StatsGroup::kRegion}, {"category", StatsGroup::kCategory},
      {"channel", StatsGroup::kChannel}, {"type", StatsGroup::kType},     {"day", StatsGroup::kDay},
      {"week", StatsGroup::kWeek},       {"month", StatsGroup::kMonth}};
  auto it = kCodes.find(code);
  if (it == kCodes.end()) return std::nullopt;
  return it->second;
}

Counters& Counters::add(const Counters& o, std::int64_t times) {
  received += times * o.received;
  dispatched += times * o.dispatched;
  direct += times * o.direct;
  signed_in += times * o.signed_in;
  signed_on_time += times * o.signed_on_time;
  closed += times * o.closed;
  closed_on_time += times * o.closed_on_time;
  overdue += times * o.overdue;
  callbacks += times * o.callbacks;
  reached += times * o.reached;
  satisfied += times * o.satisfied;
  solved += times * o.solved;
  replied += times * o.replied;
  reopened += times * o.reopened;
  repeats += times * o.repeats;
  handle_days_sum += times * o.handle_days_sum;
  handle_days_n += times * o.handle_days_n;
  return *this;
}

namespace {
std::optional<double> ratio(std::int64_t num, std::int64_t den) {
  if (den <= 0) return std::nullopt;
  return static_cast<double>(num) / static_cast<double>(den);
}
}  // namespace

Rates rates_of(const Counters& c) {
  Rates r;
  r.sign_on_time = ratio(c.signed_on_time, c.dispatched);
  r.closed = ratio(c.closed, c.received);
  r.closed_on_time = ratio(c.closed_on_time, c.closed);
  r.satisfaction = ratio(c.satisfied, c.reached);
  r.solved = ratio(c.solved, c.reached);
  r.reopen = ratio(c.reopened, c.replied);
  r.repeat = ratio(c.repeats, c.received);
  if (c.handle_days_n > 0) r.avg_handle_days = c.handle_days_sum / static_cast<double>(c.handle_days_n);
  return r;
}

std::string iso_week(year_month_day date) {
  const sys_days d{date};
  const weekday wd{d};
  // The Thursday of this ISO week decides its year.
  const auto thursday = d - (days{(wd.iso_encoding() + 6) % 7}) + days{3};
  const year_month_day ty{thursday};
  const sys_days jan1{ty.year() / January / 1};
  const int week = static_cast<int>((thursday - jan1).count() / 7) + 1;
  return fmt::format("{}-W{:02}", static_cast<int>(ty.year()), week);
}

namespace {

std::string name_or(const std::map<std::int64_t, std::string>& names, std::int64_t id) {
  auto it = names.find(id);
  return it == names.end() ? fmt::format("#{}", id) : it->second;
}

// The row key and label of one keyed sum.
std::pair<std::string, std::string> key_of(StatsGroup group, const KeyedCounters& k, const StatsNames& names) {
  switch (group) {
    case StatsGroup::kUnit:
      if (k.int_key == 0) return {"none", "未派单"};
      if (k.int_key > 0) return {fmt::format("d:{}", k.int_key), name_or(names.departments, k.int_key)};
      return {fmt::format("r:{}", -k.int_key), name_or(names.regions, -k.int_key)};
    case StatsGroup::kRegion:
      if (k.int_key == 0) return {"none", "未定位"};
      return {std::to_string(k.int_key), name_or(names.regions, k.int_key)};
    case StatsGroup::kCategory: {
      auto top = names.top_category.find(k.int_key);
      const auto id = top == names.top_category.end() ? k.int_key : top->second;
      return {std::to_string(id), name_or(names.categories, id)};
    }
    case StatsGroup::kChannel: {
      auto v = parse<Channel>(k.text_key);
      return {k.text_key, v ? std::string(label_zh(*v)) : k.text_key};
    }
    case StatsGroup::kType: {
      auto v = parse<AppealType>(k.text_key);
      return {k.text_key, v ? std::string(label_zh(*v)) : k.text_key};
    }
    case StatsGroup::kDay:
    case StatsGroup::kWeek:
    case StatsGroup::kMonth: {
      const year_month_day date{sys_days{days{k.int_key}}};
      if (group == StatsGroup::kDay) return {platform::format_date(date), platform::format_date(date)};
      if (group == StatsGroup::kWeek) {
        auto w = iso_week(date);
        return {w, fmt::format("{}年第{}周", w.substr(0, 4), std::stoi(w.substr(6)))};
      }
      auto m = fmt::format("{:04}-{:02}", static_cast<int>(date.year()), static_cast<unsigned>(date.month()));
      return {m, fmt::format("{}年{}月", static_cast<int>(date.year()), static_cast<unsigned>(date.month()))};
    }
  }
  return {"", ""};
}

bool is_time(StatsGroup g) { return g == StatsGroup::kDay || g == StatsGroup::kWeek || g == StatsGroup::kMonth; }

}  // namespace

StatsTable build_table(StatsGroup group, const std::vector<KeyedCounters>& keyed, const StatsNames& names) {
  StatsTable t;
  t.group = group;
  std::map<std::string, StatsRow> rows;
  for (const auto& k : keyed) {
    auto [key, label] = key_of(group, k, names);
    auto& row = rows[key];
    row.key = key;
    row.label = label;
    row.c += k.c;
    t.total += k.c;
  }
  for (auto& [key, row] : rows) t.rows.push_back(std::move(row));
  if (!is_time(group))
    std::stable_sort(t.rows.begin(), t.rows.end(),
                     [](const StatsRow& a, const StatsRow& b) { return a.c.received > b.c.received; });
  return t;
}

std::vector<RankRow> rank_units(const StatsTable& by_unit, const Settings& w) {
  std::vector<RankRow> out;
  for (const auto& row : by_unit.rows) {
    if (row.key == "none") continue;  // not dispatched: no unit to rank
    RankRow r;
    r.unit = row.key;
    r.unit_name = row.label;
    r.received = row.c.received;
    const auto rates = rates_of(row.c);
    r.response_rate = rates.sign_on_time;
    r.solved_rate = rates.solved;
    r.satisfaction_rate = rates.satisfaction;
    r.score = w.rank_weight_response * r.response_rate.value_or(0) + w.rank_weight_solved * r.solved_rate.value_or(0) +
              w.rank_weight_satisfaction * r.satisfaction_rate.value_or(0);
    out.push_back(std::move(r));
  }
  std::stable_sort(out.begin(), out.end(), [](const RankRow& a, const RankRow& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.unit_name < b.unit_name;
  });
  // Competition ranking: equal scores (to 1e-9) share a rank, the next rank skips.
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i].rank =
        (i > 0 && std::abs(out[i].score - out[i - 1].score) < 1e-9) ? out[i - 1].rank : static_cast<int>(i) + 1;
  return out;
}

std::vector<HotTown> hot_spots(const std::vector<TownCategoryCount>& counts, const StatsNames& names, int top) {
  std::map<std::int64_t, HotTown> towns;
  for (const auto& c : counts) {
    auto& t = towns[c.town_id];
    t.town_id = c.town_id;
    t.town_name = c.town_id == 0 ? "未定位" : name_or(names.regions, c.town_id);
    t.total += c.count;
    if (c.count == 0) continue;  // only a previous count: not a hot spot now
    HotCategory h;
    h.category_id = c.category_id;
    h.category_name = name_or(names.categories, c.category_id);
    h.count = c.count;
    h.previous = c.previous;
    if (c.previous > 0) h.change = static_cast<double>(c.count - c.previous) / static_cast<double>(c.previous);
    t.top.push_back(std::move(h));
  }
  std::vector<HotTown> out;
  for (auto& [id, t] : towns) {
    std::stable_sort(t.top.begin(), t.top.end(), [](const HotCategory& a, const HotCategory& b) {
      if (a.count != b.count) return a.count > b.count;
      return a.category_id < b.category_id;
    });
    if (static_cast<int>(t.top.size()) > top) t.top.resize(static_cast<std::size_t>(top));
    out.push_back(std::move(t));
  }
  std::stable_sort(out.begin(), out.end(), [](const HotTown& a, const HotTown& b) { return a.total > b.total; });
  return out;
}

}  // namespace ecity::appeals
