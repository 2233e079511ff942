#include "appeals/stats.h"

#include "platform/calendar/working_hours.h"

#include <gtest/gtest.h>

namespace ecity::appeals {
namespace {

using namespace std::chrono;

std::int64_t day_number(const char* iso) { return sys_days(platform::parse_date(iso)).time_since_epoch().count(); }

TEST(StatsRates, DefinitionsAndEmptyDenominators) {
  Counters c;
  auto r = rates_of(c);
  EXPECT_FALSE(r.closed.has_value());
  c.received = 200;
  c.dispatched = 150;
  c.signed_on_time = 147;
  c.closed = 198;
  c.closed_on_time = 190;
  c.reached = 180;
  c.satisfied = 178;
  c.solved = 175;
  c.replied = 160;
  c.reopened = 4;
  c.repeats = 10;
  c.handle_days_sum = 300;
  c.handle_days_n = 150;
  r = rates_of(c);
  EXPECT_DOUBLE_EQ(*r.closed, 0.99);
  EXPECT_DOUBLE_EQ(*r.sign_on_time, 0.98);
  EXPECT_DOUBLE_EQ(*r.closed_on_time, 190.0 / 198.0);
  EXPECT_DOUBLE_EQ(*r.satisfaction, 178.0 / 180.0);
  EXPECT_DOUBLE_EQ(*r.solved, 175.0 / 180.0);
  EXPECT_DOUBLE_EQ(*r.reopen, 0.025);
  EXPECT_DOUBLE_EQ(*r.repeat, 0.05);
  EXPECT_DOUBLE_EQ(*r.avg_handle_days, 2.0);
  // Nobody reached: satisfaction unknown, not 0 % and not 100 %.
  c.reached = c.satisfied = c.solved = 0;
  EXPECT_FALSE(rates_of(c).satisfaction.has_value());
}

TEST(StatsWeeks, IsoWeeksAcrossYearEnds) {
  EXPECT_EQ(iso_week(platform::parse_date("2026-11-27")), "2026-W48");
  EXPECT_EQ(iso_week(platform::parse_date("2021-01-03")), "2020-W53");  // Sunday of 2020's last week
  EXPECT_EQ(iso_week(platform::parse_date("2024-12-30")), "2025-W01");  // Monday of 2025's first week
  EXPECT_EQ(iso_week(platform::parse_date("2026-01-01")), "2026-W01");  // Thursday
  EXPECT_EQ(iso_week(platform::parse_date("2027-01-01")), "2026-W53");  // Friday: 2026 has 53 weeks
}

TEST(StatsTableBuild, FoldsDaysIntoWeeksAndMonthsAndSumsTheTotal) {
  std::vector<KeyedCounters> keyed;
  for (const char* d : {"2026-09-28", "2026-09-30", "2026-10-01", "2026-10-05"}) {
    KeyedCounters k;
    k.int_key = day_number(d);
    k.c.received = 10;
    k.c.closed = 9;
    keyed.push_back(k);
  }
  StatsNames names;
  auto months = build_table(StatsGroup::kMonth, keyed, names);
  ASSERT_EQ(months.rows.size(), 2u);
  EXPECT_EQ(months.rows[0].key, "2026-09");
  EXPECT_EQ(months.rows[0].label, "2026年9月");
  EXPECT_EQ(months.rows[0].c.received, 20);
  EXPECT_EQ(months.rows[1].c.received, 20);
  EXPECT_EQ(months.total.received, 40);
  EXPECT_EQ(months.total.closed, 36);
  auto weeks = build_table(StatsGroup::kWeek, keyed, names);
  ASSERT_EQ(weeks.rows.size(), 2u);  // Mon 28 Sep – Sun 4 Oct, then the week of 5 Oct
  EXPECT_EQ(weeks.rows[0].key, "2026-W40");
  EXPECT_EQ(weeks.rows[0].c.received, 30);
  EXPECT_EQ(weeks.rows[1].label, "2026年第41周");
  auto days = build_table(StatsGroup::kDay, keyed, names);
  EXPECT_EQ(days.rows.size(), 4u);
  EXPECT_EQ(days.rows[2].key, "2026-10-01");
}

TEST(StatsTableBuild, UnitsCategoriesAndUnknownNames) {
  StatsNames names;
  names.departments[7] = "区住建局";
  names.regions[3] = "坛山街道";
  names.categories = {{1, "城乡建设"}, {11, "路灯不亮"}, {12, "道路破损"}};
  names.top_category = {{1, 1}, {11, 1}, {12, 1}};
  std::vector<KeyedCounters> units(4);
  units[0].int_key = 7;
  units[0].c.received = 5;
  units[1].int_key = -3;
  units[1].c.received = 8;
  units[2].int_key = 0;
  units[2].c.received = 2;
  units[3].int_key = 99;  // a department deleted since
  units[3].c.received = 1;
  auto t = build_table(StatsGroup::kUnit, units, names);
  ASSERT_EQ(t.rows.size(), 4u);
  EXPECT_EQ(t.rows[0].key, "r:3");  // most received first
  EXPECT_EQ(t.rows[0].label, "坛山街道");
  EXPECT_EQ(t.rows[1].label, "区住建局");
  EXPECT_EQ(t.rows[2].label, "未派单");
  EXPECT_EQ(t.rows[3].label, "#99");
  std::vector<KeyedCounters> cats(2);
  cats[0].int_key = 11;
  cats[0].c.received = 4;
  cats[1].int_key = 12;
  cats[1].c.received = 6;
  auto c = build_table(StatsGroup::kCategory, cats, names);
  ASSERT_EQ(c.rows.size(), 1u);  // leaves fold into their top-level category
  EXPECT_EQ(c.rows[0].label, "城乡建设");
  EXPECT_EQ(c.rows[0].c.received, 10);
  EXPECT_TRUE(build_table(StatsGroup::kChannel, {}, names).rows.empty());
}

TEST(StatsRanking, WeightsTiesAndUndispatched) {
  StatsTable t;
  auto unit = [&](const std::string& key, const std::string& name, int dispatched, int on_time, int reached, int solved,
                  int satisfied) {
    StatsRow r;
    r.key = key;
    r.label = name;
    r.c.received = r.c.dispatched = dispatched;
    r.c.signed_on_time = on_time;
    r.c.reached = reached;
    r.c.solved = solved;
    r.c.satisfied = satisfied;
    t.rows.push_back(r);
  };
  unit("d:1", "甲局", 10, 10, 10, 10, 10);  // 1.0
  unit("d:2", "乙局", 10, 5, 10, 10, 10);   // 0.3·0.5 + 0.3 + 0.4 = 0.85
  unit("d:3", "丙局", 10, 5, 10, 10, 10);   // tie with 乙
  unit("r:4", "丁镇", 10, 10, 0, 0, 0);     // nobody reached: rates missing count 0 → 0.3
  unit("none", "未派单", 5, 0, 0, 0, 0);
  Settings w;
  auto ranks = rank_units(t, w);
  ASSERT_EQ(ranks.size(), 4u);
  EXPECT_EQ(ranks[0].unit_name, "甲局");
  EXPECT_EQ(ranks[0].rank, 1);
  EXPECT_DOUBLE_EQ(ranks[1].score, 0.85);
  EXPECT_EQ(ranks[1].rank, 2);
  EXPECT_EQ(ranks[2].rank, 2);
  EXPECT_EQ(ranks[3].rank, 4);
  EXPECT_FALSE(ranks[3].satisfaction_rate.has_value());
  EXPECT_NEAR(ranks[3].score, 0.3, 1e-12);
  // Other weights reorder: all on satisfaction → 丁镇 last, the rest tie.
  w.rank_weight_response = 0;
  w.rank_weight_solved = 0;
  w.rank_weight_satisfaction = 1;
  ranks = rank_units(t, w);
  EXPECT_EQ(ranks[0].rank, 1);
  EXPECT_EQ(ranks[2].rank, 1);
  EXPECT_EQ(ranks[3].rank, 4);
}

TEST(StatsHotSpots, TopCategoriesPerTownWithChange) {
  StatsNames names;
  names.regions = {{3, "坛山街道"}, {4, "古邵镇"}};
  names.categories = {{11, "路灯不亮"}, {12, "道路破损"}, {13, "噪音扰民"}};
  std::vector<TownCategoryCount> counts{{3, 11, 10, 5}, {3, 12, 4, 0}, {3, 13, 7, 14},
                                        {4, 11, 2, 2},  {4, 12, 0, 9}, {0, 13, 1, 0}};
  auto towns = hot_spots(counts, names, 2);
  ASSERT_EQ(towns.size(), 3u);
  EXPECT_EQ(towns[0].town_name, "坛山街道");
  EXPECT_EQ(towns[0].total, 21);
  ASSERT_EQ(towns[0].top.size(), 2u);
  EXPECT_EQ(towns[0].top[0].category_name, "路灯不亮");
  EXPECT_DOUBLE_EQ(*towns[0].top[0].change, 1.0);
  EXPECT_DOUBLE_EQ(*towns[0].top[1].change, -0.5);
  EXPECT_EQ(towns[1].town_name, "古邵镇");
  ASSERT_EQ(towns[1].top.size(), 1u);  // 道路破损 only had last period's cases
  EXPECT_DOUBLE_EQ(*towns[1].top[0].change, 0.0);
  EXPECT_EQ(towns[2].town_name, "未定位");
  EXPECT_FALSE(towns[2].top[0].change.has_value());  // nothing before: no percentage
}

}  // namespace
}  // namespace ecity::appeals
