// Appeal registration in process (no HTTP): what one POST /api/appeals costs the service and
// SQLite, alone (a group of one) and from 8 threads at once (groups share commits).
#include "app/demo.h"
#include "app/modules.h"
#include "appeals/module.h"
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
  ecity::appeals::NewAppeal in;

  Fixture() {
    spdlog::set_level(spdlog::level::warn);
    dir = std::filesystem::temp_directory_path() / fmt::format("ecity-bench-intake-{}", ::getpid());
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
    admin = rt->db.read([](soci::session& sql) { return AuthService::load_principal(sql, 1); });
    for (const auto& cat : service().categories())
      if (cat.name == "路灯不亮") in.category_id = cat.id;
    in.channel = ecity::appeals::Channel::kPhone;
    in.type = ecity::appeals::AppealType::kHelp;
    in.caller_name = "张先生";
    in.caller_phone = "13806321234";
    in.content = "峄城区坛山街道青檀路路灯连续三晚不亮，夜间出行不便，请尽快维修。";
    in.address = "坛山街道青檀路 88 号附近";
  }
  ~Fixture() { std::filesystem::remove_all(dir); }
  ecity::appeals::AppealService& service() { return rt->module<ecity::appeals::AppealsModule>()->service(); }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

void BM_RegisterAppeal(benchmark::State& state) {
  auto& f = fixture();
  Actor actor{1, "admin", "127.0.0.1"};
  for (auto _ : state) benchmark::DoNotOptimize(f.service().create(f.admin, actor, f.in));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RegisterAppeal)->UseRealTime();
BENCHMARK(BM_RegisterAppeal)->Threads(8)->UseRealTime();

}  // namespace
