// ecity: the command-line entry point. Commands: serve, migrate, demo, import, user, station, air, water,
// calendar, version. Errors print one line to stderr and exit with status 2.
#include "app/calendar_cmd.h"
#include "app/demo.h"
#include "app/environment_cmd.h"
#include "app/modules.h"
#include "app/process.h"
#include "appeals/demo_year.h"
#include "economy/demo.h"
#include "economy/module.h"
#include "environment/demo.h"
#include "environment/module.h"
#include "platform/calendar/store.h"
#include "platform/db/migrations.h"
#include "platform/error.h"
#include "platform/http/server.h"
#include "platform/runtime.h"
#include "projects/demo.h"
#include "projects/progress.h"

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>

using namespace ecity;
using namespace ecity::platform;

namespace {

struct Options {
  std::string config_path = "ecity.toml";
  bool config_given = false;
};

// A relative data path (calendar, console) that does not exist from the working directory
// is looked up beside the binary: <bin>/../share/ecity (installed) and <bin>/../.. (the
// build tree), so that `ecity` works when started from anywhere.
std::string resolve_beside_binary(const std::string& path) {
  namespace fs = std::filesystem;
  if (path.empty() || fs::path(path).is_absolute() || fs::exists(path)) return path;
  std::error_code ec;
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return path;
  for (const auto& base : {exe.parent_path() / ".." / "share" / "ecity", exe.parent_path() / ".." / ".."}) {
    auto candidate = base / path;
    if (fs::exists(candidate, ec)) return fs::weakly_canonical(candidate, ec).string();
  }
  return path;
}

Config load_config(const Options& o) {
  auto c = Config::load(o.config_path, o.config_given);
  c.calendar.file = resolve_beside_binary(c.calendar.file);
  c.server.web_root = resolve_beside_binary(c.server.web_root);
  spdlog::set_level(spdlog::level::from_str(c.log.level));
  return c;
}

int serve(const Options& o, std::optional<int> port, std::optional<int> hj212_port) {
  auto config = load_config(o);
  if (port) config.server.port = *port;
  if (hj212_port) config.hj212.port = *hj212_port;
  app::raise_descriptor_limit();
  Runtime rt(config);
  app::add_modules(rt);
  rt.prepare();
  rt.register_routes();
  rt.bus.start();
  HttpServer server(
      config.server, HttpServer::AsyncHandle([&rt](Request& req, const Reply& reply) { rt.handle(req, reply); }),
      [&rt](const Request& req) { return rt.run_on(req); },
      [&rt](std::string_view method, std::string_view path) { return rt.router.body_limit(method, path); });
  rt.open_connections = [&server] { return server.connections(); };
  rt.in_flight = [&server] { return server.in_flight(); };
  server.start();
  server.stop_on_signals();
  rt.serve_modules();
  if (auto* env = rt.module<environment::EnvironmentModule>(); env && env->listener())
    std::cout << "ecity HJ 212 listener on " << config.hj212.host << ":" << env->listener()->port() << std::endl;
  if (!rt.static_files.available())
    spdlog::warn("event=console_missing web_root={} hint=\"npm --prefix web run build\"", config.server.web_root);
  std::cout << "ecity serving http://" << config.server.host << ":" << server.port() << "/" << std::endl;
  spdlog::info("event=serving host={} port={} db={}", config.server.host, server.port(),
               rt.db.dialect() == Dialect::kSqlite ? "sqlite" : "postgresql");
  server.wait();
  rt.db.flush_grouped();  // answers still queued go to the stopped server, not after it
  rt.bus.stop();
  spdlog::info("event=stopped");
  return 0;
}

std::string data_dir_of(const Config& c) {
  // data/ sits beside the calendar file by default (data/calendar/cn.json).
  return std::filesystem::path(c.calendar.file).parent_path().parent_path().string();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ecity (数智e城): digital governance platform for a county or district"};
  app.require_subcommand(1);
  Options opts;
  app.add_option("--config", opts.config_path, "configuration file (TOML); default ecity.toml if present")
      ->each([&](const std::string&) { opts.config_given = true; });

  std::optional<int> port;
  auto* serve_cmd = app.add_subcommand("serve", "serve the API and the console");
  serve_cmd->add_option("--port", port, "override server.port");
  std::optional<int> hj212_port;
  serve_cmd->add_option("--hj212-port", hj212_port, "open the HJ 212 station listener on this port (hj212.port)")
      ->check(CLI::Range(1, 65535));

  auto* migrate_cmd = app.add_subcommand("migrate", "apply pending database migrations");
  bool status = false;
  migrate_cmd->add_flag("--status", status, "list migrations and whether each is applied");

  auto* demo_cmd = app.add_subcommand("demo", "load the demo district (峄城区) into the database");
  std::optional<std::string> admin_password;
  demo_cmd->add_option("--admin-password", admin_password, "password for the admin account (default: random)");
  std::string print_login_file;
  demo_cmd->add_option("--login-file", print_login_file, "also write the admin login to this file (mode 0600)");
  int demo_appeals = 290000;
  demo_cmd->add_option("--appeals", demo_appeals,
                       "appeals of the demo year, played through the workflow (default 290000; 0 = none)")
      ->check(CLI::Range(0, 20000000));

  auto* import_cmd = app.add_subcommand("import", "import reference data");
  import_cmd->require_subcommand(1);
  std::string regions_file;
  auto* import_regions = import_cmd->add_subcommand("regions", "import regions from a GeoJSON FeatureCollection");
  import_regions->add_option("FILE", regions_file, "GeoJSON file")->required();

  auto* user_cmd = app.add_subcommand("user", "manage user accounts");
  user_cmd->require_subcommand(1);
  std::string username, name, password, role = "admin";
  auto* user_add = user_cmd->add_subcommand("add", "create a user");
  user_add->add_option("USERNAME", username)->required();
  user_add->add_option("--name", name, "display name")->required();
  user_add->add_option("--password", password, "password (or ECITY_PASSWORD)");
  user_add->add_option("--role", role, "role code (admin, leader, dept_admin, town_admin, staff, grid_worker)");
  auto* user_passwd = user_cmd->add_subcommand("passwd", "set a user's password (also unlocks)");
  user_passwd->add_option("USERNAME", username)->required();
  user_passwd->add_option("--password", password, "new password (or ECITY_PASSWORD)");
  auto* user_lock = user_cmd->add_subcommand("lock", "lock or unlock a user");
  user_lock->add_option("USERNAME", username)->required();
  bool unlock = false;
  user_lock->add_flag("--unlock", unlock, "unlock instead");

  auto* station_cmd = app.add_subcommand("station", "manage monitoring stations (HJ 212)");
  station_cmd->require_subcommand(1);
  struct StationArgs {
    std::string mn, password, name, kind = "county", protocol = "2017", factors;
    std::optional<double> lng, lat;
  } station;
  auto* station_add = station_cmd->add_subcommand("add", "register a station (as POST /api/environment/stations)");
  station_add->add_option("--mn", station.mn, "device number (MN)")->required();
  station_add->add_option("--password", station.password, "access password (PW), 6-32 characters")->required();
  station_add->add_option("--name", station.name, "station name")->required();
  station_add->add_option("--kind", station.kind, "national, provincial, county (default) or micro");
  station_add->add_option("--protocol", station.protocol, "2005, 2017 (default) or 2025");
  station_add->add_option("--lng", station.lng, "longitude");
  station_add->add_option("--lat", station.lat, "latitude");
  station_add->add_option("--factors", station.factors, "factor codes, comma-separated (a34004,a21026,…)");

  auto* version_cmd = app.add_subcommand("version", "print the version");

  app::add_environment_commands(app);
  app::add_environment_data_commands(app, *import_cmd, [&opts] {
    auto rt = std::make_unique<Runtime>(load_config(opts));
    app::add_modules(*rt);
    rt->prepare();
    return rt;
  });
  app::add_calendar_command(app, [&](bool local) {
    const Config c = load_config(opts);
    Calendar cal = Calendar::load(c.calendar.file);
    if (local) {
      Database db(c.database);
      for (const auto& m : migration_status(db))
        if (!m.applied_at)
          throw Error::unavailable("数据库尚未初始化或版本较旧，请先运行 ecity migrate",
                                   "the database is not migrated; run ecity migrate first");
      cal.set_adjustments(db.read([](soci::session& sql) { return load_adjustments(sql); }));
    }
    return cal;
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  const Actor cli{std::nullopt, "cli", "127.0.0.1"};
  auto password_of = [&]() {
    if (!password.empty()) return password;
    if (const char* env = std::getenv("ECITY_PASSWORD")) return std::string(env);
    throw Error::invalid("password-missing", "请用 --password 或环境变量 ECITY_PASSWORD 给出密码",
                         "give the password with --password or ECITY_PASSWORD");
  };
  try {
    if (serve_cmd->parsed()) return serve(opts, port, hj212_port);
    if (version_cmd->parsed()) {
      std::cout << "ecity " << ECITY_VERSION << "\n";
      return 0;
    }
    if (migrate_cmd->parsed()) {
      Runtime rt(load_config(opts));
      if (!status) {
        int n = migrate(rt.db);
        std::cout << "applied " << n << " migration(s)\n";
      }
      for (const auto& m : migration_status(rt.db))
        std::cout << m.name << "  " << (m.applied_at ? "applied" : "pending")
                  << (m.checksum.rfind("CHANGED:", 0) == 0 ? "  CHANGED SINCE APPLIED" : "") << "\n";
      return 0;
    }
    if (demo_cmd->parsed()) {
      auto config = load_config(opts);
      Runtime rt(config);
      app::add_modules(rt);
      rt.prepare();
      auto login = app::load_demo(rt, data_dir_of(config), admin_password);
      if (demo_appeals > 0) {
        const auto started = std::chrono::steady_clock::now();
        appeals::DemoYearOptions o;
        o.appeals = demo_appeals;
        auto year = appeals::load_demo_year(rt, data_dir_of(config) + "/demo/yicheng/appeals.json", o);
        const auto seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        if (year.skipped) {
          std::cout << "appeals present; the demo year is not loaded again\n";
        } else {
          std::cout << "demo year: " << year.appeals << " appeals, " << year.timeline << " timeline lines in "
                    << std::fixed << std::setprecision(1) << seconds << " s\n";
        }
      }
      {
        const auto started = std::chrono::steady_clock::now();
        const auto air = environment::load_demo_air(rt);
        const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        if (air.skipped)
          std::cout << "air stations present; their history is not loaded again\n";
        else
          std::cout << "air: " << air.stations << " stations, " << air.hours << " hourly readings (2021-2022) in "
                    << std::fixed << std::setprecision(1) << seconds << " s\n";
      }
      {
        const auto started = std::chrono::steady_clock::now();
        const auto p = projects::load_demo_projects(rt);
        const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        if (p.skipped)
          std::cout << "key projects present; not loaded again\n";
        else
          std::cout << "key projects: " << p.projects << " projects, " << p.reports << " accepted reports (2022: plan "
                    << projects::format_yi(p.planned) << " 亿元, accepted " << projects::format_yi(p.accepted)
                    << " 亿元) in " << std::fixed << std::setprecision(1) << seconds << " s\n";
      }
      {
        const auto n = economy::load_demo_figures(rt.module<economy::EconomyModule>()->figures());
        std::cout << "economy: " << n << " figures added (2021-2022)\n";
      }
      {
        const auto water = environment::load_demo_water(rt);
        std::cout << "water: " << water.sections << " sections added, " << water.samples << " samples added, "
                  << water.unchanged << " present\n";
      }
      if (!login.password.empty()) {
        std::cout << "admin login: " << login.username << " / " << login.password << "\n";
        if (!print_login_file.empty()) {
          std::filesystem::create_directories(std::filesystem::path(print_login_file).parent_path());
          std::ofstream(print_login_file) << login.username << " / " << login.password << "\n";
          std::filesystem::permissions(print_login_file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
        }
      } else {
        std::cout << "demo data present; admin exists (reset with: ecity user passwd admin --password …)\n";
      }
      return 0;
    }
    if (import_regions->parsed()) {
      Runtime rt(load_config(opts));
      app::add_modules(rt);
      rt.prepare();
      std::ifstream in(regions_file);
      if (!in) throw Error::invalid("file-missing", "找不到文件 " + regions_file, "file not found: " + regions_file);
      auto doc = nlohmann::json::parse(in, nullptr, false);
      if (doc.is_discarded()) throw Error::invalid("malformed-json", "不是合法的 JSON", "not valid JSON");
      std::cout << "regions imported: " << rt.org.import_regions(cli, doc) << "\n";
      return 0;
    }
    if (station_add->parsed()) {
      Runtime rt(load_config(opts));
      app::add_modules(rt);
      rt.prepare();
      // The same checks as the API: the arguments become its request body.
      nlohmann::json body = {{"mn", station.mn},
                             {"password", station.password},
                             {"name", station.name},
                             {"kind", station.kind},
                             {"protocol", station.protocol}};
      if (station.lng) body["lng"] = *station.lng;
      if (station.lat) body["lat"] = *station.lat;
      if (!station.factors.empty()) {
        body["factors"] = nlohmann::json::array();
        for (std::size_t at = 0; at <= station.factors.size();) {
          auto comma = std::min(station.factors.find(',', at), station.factors.size());
          body["factors"].push_back(station.factors.substr(at, comma - at));
          at = comma + 1;
        }
      }
      auto* env = rt.module<environment::EnvironmentModule>();
      const auto s = env->stations().add(cli, environment::parse_station(body, true));
      std::cout << "station " << s.mn << " registered (id " << s.id << ")\n";
      return 0;
    }
    if (user_add->parsed()) {
      Runtime rt(load_config(opts));
      app::add_modules(rt);
      rt.prepare();
      auto pw = password_of();
      auto id = rt.db.write([&](Tx& tx) {
        return rt.users.create_system(tx, cli, username, name, pw, std::nullopt, std::nullopt, {role});
      });
      std::cout << "user " << username << " created (id " << id << ")\n";
      return 0;
    }
    if (user_passwd->parsed()) {
      Runtime rt(load_config(opts));
      app::add_modules(rt);
      rt.prepare();
      rt.users.set_password_system(cli, username, password_of());
      std::cout << "password set for " << username << "\n";
      return 0;
    }
    if (user_lock->parsed()) {
      Runtime rt(load_config(opts));
      app::add_modules(rt);
      rt.prepare();
      rt.users.set_locked_system(cli, username, !unlock);
      std::cout << username << (unlock ? " unlocked" : " locked") << "\n";
      return 0;
    }
  } catch (const Error& e) {
    std::cerr << "ecity: " << e.detail_zh() << " (" << e.detail_en() << ")\n";
    return 2;
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();
  } catch (const std::exception& e) {
    std::cerr << "ecity: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
