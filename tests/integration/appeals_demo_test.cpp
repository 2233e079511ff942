// The demo year: a few thousand cases played through the workflow into a database of their
// own (a fresh SQLite file, or a fresh schema on the PostgreSQL test cluster), then checked
// the way a reader of the statistics would: everything counted happened, and the store stays
// usable for new intake afterwards.
#include "app/demo.h"
#include "app/modules.h"
#include "appeals/demo_year.h"
#include "appeals/module.h"
#include "platform/auth/auth_service.h"
#include "platform/calendar/working_hours.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

namespace ecity::test {
namespace {

using namespace ecity::platform;

std::string source_dir() {
  const char* s = std::getenv("ECITY_SOURCE_DIR");
  return s ? s : ECITY_SOURCE_DIR;
}

long long count(Runtime& rt, const std::string& sql_text) {
  return rt.db.read([&](soci::session& sql) {
    long long n = 0;
    sql << sql_text, soci::into(n);
    return n;
  });
}

TEST(AppealDemoYear, PlaysCasesThroughTheWorkflowAndStaysUsable) {
  spdlog::set_level(spdlog::level::warn);
  Config c;
  const std::string backend = std::getenv("ECITY_TEST_BACKEND") ? std::getenv("ECITY_TEST_BACKEND") : "sqlite";
  const auto dir = std::filesystem::temp_directory_path() / ("ecity-demo-year-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  if (backend == "postgresql") {
    std::ifstream in(std::string(std::getenv("ECITY_TEST_PG_DIR")) + "/url");
    std::string url;
    std::getline(in, url);
    Database admin(DatabaseConfig{url});
    admin.read([&](soci::session& sql) {
      admin.exec_script(sql, "DROP SCHEMA IF EXISTS demo_year CASCADE; CREATE SCHEMA demo_year;");
    });
    c.database.url = url + " options='-csearch_path=demo_year,public'";
  } else {
    c.database.url = "sqlite:" + (dir / "demo.db").string();
  }
  c.calendar.file = source_dir() + "/data/calendar/cn.json";
  c.auth.argon2_mem_kib = 8192;
  c.auth.argon2_ops = 1;
  {
    Runtime rt(c);
    app::add_modules(rt);
    rt.prepare();
    app::load_demo(rt, source_dir() + "/data", std::string("Demo#2026pw!"));
    appeals::DemoYearOptions o;
    o.appeals = 3000;
    // Noon on Friday 2026-11-20, Asia/Shanghai.
    o.end_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                   (std::chrono::sys_days(parse_date("2026-11-20")) + std::chrono::hours(4)).time_since_epoch())
                   .count();
    const auto params = source_dir() + "/data/demo/yicheng/appeals.json";
    auto result = appeals::load_demo_year(rt, params, o);
    ASSERT_FALSE(result.skipped);
    EXPECT_EQ(result.appeals, 3000);
    EXPECT_EQ(count(rt, "SELECT COUNT(*) FROM appeals"), 3000);
    EXPECT_EQ(count(rt, "SELECT COUNT(*) FROM appeal_timeline"), result.timeline);
    EXPECT_EQ(count(rt, "SELECT COUNT(*) FROM appeal_dispatch_rules"), 16);  // one per top-level category
    // Every case starts with its registration, and no case was received after the end.
    EXPECT_EQ(count(rt, "SELECT COUNT(DISTINCT appeal_id) FROM appeal_timeline WHERE action = 'register'"), 3000);
    EXPECT_EQ(count(rt, "SELECT COUNT(*) FROM appeals WHERE created_at > " + std::to_string(o.end_ms)), 0);
    // States agree with the times: closed ones have closed_at; nothing older than a month is open.
    EXPECT_EQ(count(rt, "SELECT COUNT(*) FROM appeals WHERE state IN ('closed', 'archived') AND closed_at IS NULL"), 0);
    EXPECT_EQ(count(rt,
                    "SELECT COUNT(*) FROM appeals WHERE state NOT IN ('closed', 'archived', 'merged') AND "
                    "created_at < " +
                        std::to_string(o.end_ms - 30LL * 86'400'000)),
              0);
    EXPECT_GT(count(rt, "SELECT COUNT(*) FROM appeals WHERE state NOT IN ('closed', 'archived')"), 0);
    EXPECT_EQ(count(rt, "SELECT COUNT(*) FROM appeals WHERE signed_at IS NOT NULL AND signed_at < dispatched_at"), 0);
    EXPECT_EQ(count(rt,
                    "SELECT COUNT(*) FROM appeals WHERE replied_at IS NOT NULL AND dispatched_at IS NOT NULL "
                    "AND replied_at < signed_at"),
              0);
    // The statistics come out near the reference district's, because of what happened.
    auto admin = rt.db.read([](soci::session& sql) { return AuthService::load_principal(sql, 1); });
    auto& service = rt.module<appeals::AppealsModule>()->service();
    appeals::StatsFilter f;
    f.from = o.end_ms - 366LL * 86'400'000;
    f.to = o.end_ms;
    auto t = service.stats(admin, appeals::StatsGroup::kMonth, f);
    EXPECT_EQ(t.total.received, 3000);
    EXPECT_GE(t.rows.size(), 12u);
    const auto r = appeals::rates_of(t.total);
    EXPECT_GT(*r.closed, 0.95);
    EXPECT_GT(*r.satisfaction, 0.95);
    EXPECT_LT(*r.satisfaction, 1.0);  // some stay dissatisfied after 重办
    EXPECT_GT(*r.sign_on_time, 0.9);
    EXPECT_GT(t.total.repeats, 0);
    EXPECT_GT(t.total.reopened, 0);
    // Full text finds generated content; the store takes new intake (numbers and ids move on).
    service.index_text();
    appeals::ListFilter lf;
    lf.terms = {"问题"};
    EXPECT_GT(service.list(admin, lf).total, 0);
    lf.terms = {"来电反映"};
    EXPECT_GT(service.list(admin, lf).total, 0);
    appeals::NewAppeal in;
    in.channel = appeals::Channel::kPhone;
    in.type = appeals::AppealType::kHelp;
    in.category_id = rt.db.read([](soci::session& sql) {
      long long id = 0;
      sql << "SELECT id FROM appeal_categories WHERE name = '路灯不亮'", soci::into(id);
      return id;
    });
    in.caller_name = "张先生";
    in.caller_phone = "13806321234";
    in.content = "演示数据载入后新受理的诉求，路灯不亮。";
    auto fresh = service.create(admin, Actor{1, "admin", "127.0.0.1"}, in);
    EXPECT_GT(fresh.id, 3000);

    // A search in id order is driven through the FTS tables (content, reply, and the tail the
    // indexer has not reached, where `fresh` still is); in another order it collects every match.
    // Both must find the same cases, for a district-wide and a town's scope, with one or more
    // terms, and the capped count must say when it stopped.
    auto tanshan = rt.db.read([](soci::session& sql) {
      long long id = 0;
      sql << "SELECT id FROM users WHERE username = 'tanshan'", soci::into(id);
      return AuthService::load_principal(sql, id);
    });
    auto ids_of = [](const appeals::AppealPage& p) {
      std::vector<std::int64_t> out;
      for (const auto& item : p.items) out.push_back(item.appeal.id);
      return out;
    };
    for (const platform::Principal* who : {&admin, &tanshan})
      for (std::vector<std::string> terms : {std::vector<std::string>{"路灯不亮"},
                                             {"来电反映"},
                                             {"来电反映", "路灯"},
                                             {"问题"},
                                             {"路灯 不亮"},
                                             {"处理完毕"},
                                             {"没有这样的内容"}}) {
        appeals::ListFilter all;
        all.terms = terms;
        all.size = 10000;
        all.sort = appeals::Sort::kNumber;  // collects every match
        auto expected = ids_of(service.list(*who, all));
        std::sort(expected.begin(), expected.end(), std::greater<>());
        appeals::ListFilter newest = all;
        newest.sort = appeals::Sort::kNewest;
        const auto page = service.list(*who, newest);
        EXPECT_EQ(ids_of(page), expected) << terms[0];
        EXPECT_EQ(page.total, static_cast<long long>(expected.size()));
        EXPECT_TRUE(page.total_exact);
        appeals::ListFilter oldest = newest;
        oldest.sort = appeals::Sort::kOldest;
        oldest.size = 7;
        oldest.page = 2;
        auto reversed = expected;
        std::reverse(reversed.begin(), reversed.end());
        reversed.erase(reversed.begin(), reversed.begin() + std::min<std::size_t>(7, reversed.size()));
        if (reversed.size() > 7) reversed.resize(7);
        EXPECT_EQ(ids_of(service.list(*who, oldest)), reversed) << terms[0];
        if (expected.size() > 5) {
          appeals::ListFilter capped = newest;
          capped.count_cap = 5;
          capped.size = 3;
          const auto c = service.list(*who, capped);
          EXPECT_EQ(c.total, 5);
          EXPECT_FALSE(c.total_exact);
          EXPECT_EQ(ids_of(c), std::vector<std::int64_t>(expected.begin(), expected.begin() + 3));
        }
      }
    {
      appeals::ListFilter f;
      f.terms = {"路灯不亮"};
      f.size = 1;
      EXPECT_EQ(ids_of(service.list(admin, f)), std::vector<std::int64_t>{fresh.id}) << "the unindexed tail";
      appeals::ListFilter capped;  // without search: the count stops at the cap too
      capped.count_cap = 100;
      const auto c = service.list(tanshan, capped);
      EXPECT_EQ(c.total, 100);
      EXPECT_FALSE(c.total_exact);
      capped.count_cap = 100000;
      EXPECT_TRUE(service.list(tanshan, capped).total_exact);
    }

    // The daily roll-up answers exactly what counting the cases answers, for every grouping and
    // filter it serves, including a case registered a moment ago.
    auto midnight = [](const char* date) {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 (std::chrono::sys_days(parse_date(date)) - std::chrono::hours(8)).time_since_epoch())
          .count();
    };
    appeals::StatsFilter whole;
    whole.from = midnight("2025-11-01");
    whole.to = midnight("2027-01-01");
    const auto town = rt.db.read([](soci::session& sql) {
      long long id = 0;
      sql << "SELECT id FROM regions WHERE code = '370404001000'", soci::into(id);
      return id;
    });
    const auto top_category = rt.db.read([](soci::session& sql) {
      long long id = 0;
      sql << "SELECT id FROM appeal_categories WHERE name = '城乡建设'", soci::into(id);
      return id;
    });
    std::vector<appeals::StatsFilter> filters(4, whole);
    filters[1].region_id = town;
    filters[2].category_id = top_category;
    filters[3].channel = appeals::Channel::kPhone;
    filters[3].from = midnight("2026-03-01");
    // Periods that do not start or end on a month: days at the edges, whole months between.
    filters.push_back(whole);
    filters.back().from = midnight("2026-02-14");
    filters.back().to = midnight("2026-10-20");
    filters.push_back(whole);
    filters.back().from = midnight("2026-06-03");
    filters.back().to = midnight("2026-06-20");
    filters.back().category_id = top_category;
    filters.push_back(whole);  // most of a month: read as the month less its other days
    filters.back().from = midnight("2026-06-04");
    filters.back().to = midnight("2026-06-28");
    filters.push_back(whole);
    filters.back().from = midnight("2026-01-31");
    filters.back().to = midnight("2026-03-01");
    filters.back().region_id = town;
    for (const auto& base : filters)
      for (auto g : {appeals::StatsGroup::kUnit, appeals::StatsGroup::kRegion, appeals::StatsGroup::kCategory,
                     appeals::StatsGroup::kChannel, appeals::StatsGroup::kType, appeals::StatsGroup::kDay,
                     appeals::StatsGroup::kMonth}) {
        auto scan = base;
        scan.scan = true;
        const auto a = service.stats(admin, g, base), b = service.stats(admin, g, scan);
        ASSERT_EQ(a.rows.size(), b.rows.size()) << static_cast<int>(g);
        for (std::size_t i = 0; i < a.rows.size(); ++i) {
          EXPECT_EQ(a.rows[i].key, b.rows[i].key);
          EXPECT_EQ(a.rows[i].c.received, b.rows[i].c.received);
          EXPECT_EQ(a.rows[i].c.closed_on_time, b.rows[i].c.closed_on_time);
          EXPECT_EQ(a.rows[i].c.satisfied, b.rows[i].c.satisfied);
          EXPECT_EQ(a.rows[i].c.overdue, b.rows[i].c.overdue);
          EXPECT_NEAR(a.rows[i].c.handle_days_sum, b.rows[i].c.handle_days_sum, 1e-6);
        }
        EXPECT_EQ(a.total.received, b.total.received);
        EXPECT_EQ(a.total.reopened, b.total.reopened);
        EXPECT_EQ(a.total.repeats, b.total.repeats);
      }
    {
      // A category whose June cases all fall outside a stretch of more than half of June: the
      // roll-up reads June less the other days, which leaves that category at zero, and such a
      // row must not appear at all (counting the cases shows none).
      const long long june = (midnight("2026-06-01") + 28'800'000) / 86'400'000;
      std::map<long long, std::set<long long>> days_of;  // category → local days in June with cases
      rt.db.read([&](soci::session& sql) {
        long long lo = midnight("2026-06-01"), hi = midnight("2026-07-01"), category = 0, at = 0;
        soci::statement st = (sql.prepare << "SELECT category_id, created_at FROM appeals WHERE created_at >= :lo AND "
                                             "created_at < :hi",
                              soci::use(lo), soci::use(hi), soci::into(category), soci::into(at));
        st.execute();
        while (st.fetch()) days_of[category].insert((at + 28'800'000) / 86'400'000 - june);
      });
      std::optional<std::pair<long long, long long>> window;  // [from, to) days of June, none of them
      long long absent = 0;
      for (const auto& [category, days] : days_of)
        for (long long from = 0; from + 17 <= 30 && !window; ++from)
          if (days.lower_bound(from) == days.upper_bound(from + 16)) window = {from, from + 17}, absent = category;
      ASSERT_TRUE(window) << "the demo year has no such category in June";
      appeals::StatsFilter stretch = whole;
      stretch.category_id = absent;
      stretch.from = midnight("2026-06-01") + window->first * 86'400'000;
      stretch.to = midnight("2026-06-01") + window->second * 86'400'000;
      auto scan = stretch;
      scan.scan = true;
      for (auto g : {appeals::StatsGroup::kCategory, appeals::StatsGroup::kUnit, appeals::StatsGroup::kRegion}) {
        EXPECT_TRUE(service.stats(admin, g, scan).rows.empty());
        EXPECT_TRUE(service.stats(admin, g, stretch).rows.empty()) << static_cast<int>(g);
      }
    }
    for (const auto& base : filters) {
      auto scan = base;
      scan.scan = true;
      const auto a = service.hot_spots(admin, base, 5), b = service.hot_spots(admin, scan, 5);
      ASSERT_EQ(a.size(), b.size());
      for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].town_id, b[i].town_id);
        EXPECT_EQ(a[i].total, b[i].total);
        ASSERT_EQ(a[i].top.size(), b[i].top.size());
        for (std::size_t j = 0; j < a[i].top.size(); ++j) {
          EXPECT_EQ(a[i].top[j].category_id, b[i].top[j].category_id);
          EXPECT_EQ(a[i].top[j].count, b[i].top[j].count);
          EXPECT_EQ(a[i].top[j].previous, b[i].top[j].previous);
        }
      }
    }
    const auto with_fresh = service.stats(admin, appeals::StatsGroup::kType, whole).total.received;
    EXPECT_EQ(with_fresh, service
                              .stats(admin, appeals::StatsGroup::kType,
                                     [&] {
                                       auto s = whole;
                                       s.scan = true;
                                       return s;
                                     }())
                              .total.received);
    service.create(admin, Actor{1, "admin", "127.0.0.1"}, in);
    EXPECT_EQ(service.stats(admin, appeals::StatsGroup::kType, whole).total.received, with_fresh + 1)
        << "a statistics read sees every committed change";
    // Loading again does nothing.
    EXPECT_TRUE(appeals::load_demo_year(rt, params, o).skipped);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace ecity::test
