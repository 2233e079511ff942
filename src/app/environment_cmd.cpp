#include "app/environment_cmd.h"

#include "app/process.h"
#include "environment/csv_io.h"
#include "environment/module.h"
#include "environment/readings.h"
#include "environment/simulator.h"
#include "platform/error.h"
#include "platform/numeric/decimal.h"

#include <fmt/format.h>

#include <csignal>
#include <fstream>

#include <iostream>
#include <memory>
#include <optional>
#include <string>

namespace ecity::app {

namespace {

template <typename Body>
void run(const char* name, Body&& body) {
  try {
    body();
  } catch (const Error& e) {
    std::cerr << "ecity " << name << ": " << e.detail_zh() << " (" << e.detail_en() << ")\n";
    throw CLI::RuntimeError(2);
  }
}

std::optional<environment::AqiStandard> standard_of(const std::string& text) {
  if (text == "auto") return std::nullopt;
  if (auto s = environment::standard_from(text)) return s;
  throw Error::invalid("argument-invalid", "--standard 应为 auto、2012 或 2026",
                       "--standard must be auto, 2012 or 2026");
}

}  // namespace

void add_environment_commands(CLI::App& app) {
  auto* air = app.add_subcommand("air", "环境空气质量：日 AQI 与时段评价 (air quality from hourly CSV on stdin)");
  air->require_subcommand(1);
  auto standard = std::make_shared<std::string>("auto");
  for (const char* name : {"daily", "evaluate"}) {
    const bool daily = std::string(name) == "daily";
    auto* cmd = air->add_subcommand(name, daily ? "逐日 AQI：date,so2,…,aqi,level,category,primary"
                                                : "时段评价：优良天数、优良率、综合指数 (key,value)");
    cmd->add_option("--standard", *standard, "auto (by date: HJ 633-2026 from 2026-03-01), 2012 or 2026");
    cmd->callback([standard, daily] {
      run("air", [&] {
        const auto s = standard_of(*standard);
        const auto results = environment::daily_results(environment::read_hourly_csv(std::cin), s);
        std::cout << (daily ? environment::daily_csv(results)
                            : environment::evaluation_csv(environment::evaluate(results)));
      });
    });
  }
  auto* water = app.add_subcommand("water", "地表水：按 GB 3838-2002 单因子评价断面水质类别 (surface water)");
  water->require_subcommand(1);
  auto* classify = water->add_subcommand("classify", "断面类别：section,class,exceeding (samples CSV on stdin)");
  classify->callback([] { run("water", [] { std::cout << environment::classify_water_csv(std::cin); }); });
}

namespace {

std::atomic<bool> g_stop{false};

// "YYYY-MM-DD" as the epoch ms of its local midnight.
std::int64_t date_ms(const std::string& date, const char* option) {
  const auto t = environment::local_midnight_ms(date);
  if (!t)
    throw Error::invalid("argument-invalid", std::string(option) + " 应为 YYYY-MM-DD",
                         std::string(option) + " must be YYYY-MM-DD");
  return *t;
}

}  // namespace

void add_environment_data_commands(CLI::App& app, CLI::App& import_cmd,
                                   std::function<std::unique_ptr<platform::Runtime>()> runtime) {
  struct ImportArgs {
    std::string file, station;
  };
  auto ia = std::make_shared<ImportArgs>();
  auto* import_air = import_cmd.add_subcommand("air", "import past hourly air data of one station (CSV as ecity air)");
  import_air->add_option("FILE", ia->file, "hourly CSV: time,so2,no2,co,o3,pm10,pm25")->required();
  import_air->add_option("--station", ia->station, "the station's MN")->required();
  import_air->callback([ia, runtime] {
    run("import", [&] {
      std::ifstream in(ia->file);
      if (!in) throw Error::invalid("file-missing", "找不到文件 " + ia->file, "file not found: " + ia->file);
      const auto days = environment::read_hourly_csv(in);
      auto rt = runtime();
      auto station = rt->module<environment::EnvironmentModule>()->stations().by_mn(ia->station);
      if (!station)
        throw Error::invalid("unknown-station", "没有设备编号为 " + ia->station + " 的站点",
                             "no station has MN " + ia->station);
      const platform::Actor cli{std::nullopt, "cli", "127.0.0.1"};
      const auto r = environment::import_hourly(rt->db, cli, station->id, days);
      std::cout << fmt::format("imported {} hours of {} ({} to {}): {} stored, {} already present\n", r.hours,
                               station->mn, r.first, r.last, r.stored, r.duplicates);
    });
  });

  auto water_file = std::make_shared<std::string>();
  auto* import_water =
      import_cmd.add_subcommand("water", "import surface-water samples (CSV: section,date,<indicator codes>)");
  import_water->add_option("FILE", *water_file, "samples CSV: section code, date YYYY-MM-DD, values in mg/L")
      ->required();
  import_water->callback([water_file, runtime] {
    run("import", [&] {
      std::ifstream in(*water_file);
      if (!in) throw Error::invalid("file-missing", "找不到文件 " + *water_file, "file not found: " + *water_file);
      const auto samples = environment::read_water_samples_csv(in);
      auto rt = runtime();
      const platform::Actor cli{std::nullopt, "cli", "127.0.0.1"};
      const auto r = rt->module<environment::EnvironmentModule>()->water().import_samples(nullptr, cli, samples);
      std::cout << fmt::format("imported {} samples: {} stored, {} already present\n", r.lines, r.added, r.unchanged);
    });
  });

  auto* simulate = app.add_subcommand("simulate", "simulated data sources (HJ 212 stations, model hours)");
  simulate->require_subcommand(1);
  struct SimArgs {
    environment::SimulatorOptions o;
    bool register_missing = false;
    std::string from, to;
    int station = 0, stations = 1;
  };
  auto sa = std::make_shared<SimArgs>();
  auto* stations = simulate->add_subcommand("stations", "a fleet of HJ 212 stations sending to a listener");
  stations->add_option("--count", sa->o.count, "stations (default 10)")->check(CLI::Range(1, 60000));
  stations->add_option("--port", sa->o.port, "the listener's port (ecity serve --hj212-port)")
      ->required()
      ->check(CLI::Range(1, 65535));
  stations->add_option("--host", sa->o.host, "the listener's address (default 127.0.0.1)");
  stations->add_option("--rate", sa->o.rate, "real-time packets per second per station (default 1/30)")
      ->check(CLI::Range(0.0, 1000.0));
  stations->add_option("--duration", sa->o.duration_s, "seconds to run (default: until interrupted)")
      ->check(CLI::Range(0, 86400 * 365));
  stations->add_option("--history-hours", sa->o.history_hours, "hourly packets each station uploads first")
      ->check(CLI::Range(0, 24 * 400));
  stations->add_option("--first", sa->o.first, "index of the first station (default 0)")->check(CLI::Range(0, 999999));
  stations->add_option("--prefix", sa->o.mn_prefix, "MN prefix (default SIMAIR; MN = prefix + 6 digits)");
  stations->add_option("--password", sa->o.password, "access password of every simulated station");
  stations->add_flag("--register", sa->register_missing, "register the stations that are missing (needs the database)");
  stations->callback([sa, runtime] {
    run("simulate", [&] {
      if (sa->register_missing) {
        auto rt = runtime();
        std::vector<environment::StationInput> inputs;
        for (int i = sa->o.first; i < sa->o.first + sa->o.count; ++i) {
          environment::StationInput in;
          in.mn = environment::simulated_mn(sa->o.mn_prefix, i);
          in.name = fmt::format("模拟站 {}", in.mn->substr(sa->o.mn_prefix.size()));
          in.password = sa->o.password;
          in.kind = "micro";
          in.factors = std::vector<std::string>(environment::kAqiCodes.begin(), environment::kAqiCodes.end());
          inputs.push_back(std::move(in));
        }
        const platform::Actor cli{std::nullopt, "cli", "127.0.0.1"};
        const int added = rt->module<environment::EnvironmentModule>()->stations().add_missing(cli, inputs);
        std::cerr << "registered " << added << " station(s)\n";
      }
      raise_descriptor_limit();
      std::signal(SIGINT, [](int) { g_stop = true; });
      std::signal(SIGTERM, [](int) { g_stop = true; });
      const auto r = environment::run_simulator(sa->o, &g_stop);
      std::cout << nlohmann::json{{"stations", sa->o.count},
                                  {"connected", r.connected},
                                  {"failed", r.failed},
                                  {"dropped", r.dropped},
                                  {"sent", r.sent},
                                  {"answered", r.answered},
                                  {"seconds", r.seconds},
                                  {"answered_per_s", r.seconds > 0 ? static_cast<double>(r.answered) / r.seconds : 0},
                                  {"steady_answered_per_s", r.steady_per_s}}
                       .dump()
                << "\n";
      if (r.connected == 0) throw CLI::RuntimeError(1);
    });
  });

  auto* csv = simulate->add_subcommand("csv", "the air model's hourly values as CSV (the format of ecity air)");
  csv->add_option("--from", sa->from, "first date, YYYY-MM-DD")->required();
  csv->add_option("--to", sa->to, "last date, YYYY-MM-DD")->required();
  csv->add_option("--station", sa->station, "station index (default 0)")->check(CLI::Range(0, 999999));
  csv->add_option("--stations", sa->stations, "the mean of stations I … I+N-1, as a district's figure (default 1)")
      ->check(CLI::Range(1, 1000));
  csv->add_option("--particulate", sa->o.model.particulate, "scale of the particulate level (default 1)")
      ->check(CLI::Range(0.05, 20.0));
  csv->add_option("--ozone", sa->o.model.ozone, "scale of the ozone level (default 1)")->check(CLI::Range(0.05, 20.0));
  csv->add_option("--variability", sa->o.model.variability, "scale of the day-to-day weather (default 1)")
      ->check(CLI::Range(0.0, 5.0));
  csv->add_option("--sunshine", sa->o.model.sunshine, "the same for ozone (default 1)")->check(CLI::Range(0.0, 5.0));
  csv->callback([sa] {
    run("simulate", [&] {
      const auto from = date_ms(sa->from, "--from"), to = date_ms(sa->to, "--to");
      if (to < from || to - from > 3660LL * 86'400'000)
        throw Error::invalid("argument-invalid", "日期范围无效（至多十年）", "invalid range (ten years at most)");
      std::string out = "time,so2,no2,co,o3,pm10,pm25\n";
      for (std::int64_t t = from; t < to + 86'400'000; t += 3'600'000) {
        // The mean of the stations' usable values (a district's hour, as the API computes it).
        std::array<std::int64_t, environment::kPollutants> sum{};
        std::array<std::int64_t, environment::kPollutants> n{};
        for (int i = sa->station; i < sa->station + sa->stations; ++i) {
          const auto m = environment::model_hour(i, t, sa->o.model);
          if (m.missing || !environment::usable_flag(m.flag)) continue;
          for (std::size_t k = 0; k < environment::kPollutants; ++k)
            if (m.value[k]) {
              sum[k] += *m.value[k];
              ++n[k];
            }
        }
        out += environment::local_time_text(t).substr(0, 13);
        for (std::size_t k = 0; k < environment::kPollutants; ++k) {
          out += ',';
          if (n[k] > 0) {
            auto v = platform::format_scaled(platform::round_half_even(sum[k], n[k]), environment::kInputScale, 6);
            while (v.back() == '0') v.pop_back();  // 27.500000 → 27.5, 27.000000 → 27
            if (v.back() == '.') v.pop_back();
            out += v;
          }
        }
        out += '\n';
      }
      std::cout << out;
    });
  });
}

}  // namespace ecity::app
