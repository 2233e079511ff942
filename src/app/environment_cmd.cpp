#include "app/environment_cmd.h"

#include "environment/csv_io.h"
#include "platform/error.h"

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

}  // namespace ecity::app
