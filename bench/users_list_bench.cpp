// The data-scoped user list on SQLite, in process (no HTTP): what one GET /api/users?size=50
// costs the service and the database.
#include "app/demo.h"
#include "app/modules.h"
#include "platform/runtime.h"

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>

namespace {

using namespace ecity::platform;

struct Fixture {
  std::filesystem::path dir;
  std::unique_ptr<Runtime> rt;
  Principal admin;
  Principal town;

  Fixture() {
    spdlog::set_level(spdlog::level::warn);
    dir = std::filesystem::temp_directory_path() / fmt::format("ecity-bench-users-{}", ::getpid());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    Config c;
    c.database.url = "sqlite:" + (dir / "b.db").string();
    c.calendar.file = std::string(ECITY_SOURCE_DIR) + "/data/calendar/cn.json";
    c.auth.argon2_ops = 1;
    c.auth.argon2_mem_kib = 8192;
    rt = std::make_unique<Runtime>(c);
    ecity::app::add_modules(*rt);
    rt->prepare();
    ecity::app::load_demo(*rt, std::string(ECITY_SOURCE_DIR) + "/data", std::string("Bench#2026pw"));
    Actor a{std::nullopt, "bench", "127.0.0.1"};
    std::int64_t town_region = rt->db.read([](soci::session& sql) {
      long long id = 0;
      sql << "SELECT id FROM regions WHERE code = '370404001000'", soci::into(id);
      return id;
    });
    for (int i = 0; i < 60; ++i)
      rt->db.write([&](Tx& tx) {
        rt->users.create_system(tx, a, fmt::format("bench{}", i), fmt::format("压测用户{}", i), "Bench#2026pw",
                                std::nullopt, town_region, {"staff"});
      });
    admin = rt->db.read([](soci::session& sql) { return AuthService::load_principal(sql, 1); });
    std::int64_t town_id = rt->db.read([](soci::session& sql) {
      long long id = 0;
      sql << "SELECT id FROM users WHERE username = 'tanshan'", soci::into(id);
      return id;
    });
    town = rt->db.read([&](soci::session& sql) { return AuthService::load_principal(sql, town_id); });
  }
  ~Fixture() { std::filesystem::remove_all(dir); }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

void BM_ListUsers50(benchmark::State& state, bool as_town) {
  auto& f = fixture();
  UserQuery q;
  q.size = 50;
  const Principal& who = as_town ? f.town : f.admin;
  for (auto _ : state) {
    auto page = f.rt->users.list(who, q);
    benchmark::DoNotOptimize(to_json_text(page));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_ListUsers50, all_scope, false);
BENCHMARK_CAPTURE(BM_ListUsers50, region_scope, true);

}  // namespace

