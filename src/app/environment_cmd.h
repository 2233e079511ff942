// `ecity air …` and `ecity water …`: the air and water computations on CSV, so that anyone can
// check them against the standards (docs/environment.md has the formats and examples).
//
//   ecity air daily [--standard auto|2012|2026] < hours.csv      one line per date: AQI and its parts
//   ecity air evaluate [--standard auto|2012|2026] < hours.csv   key,value: good days, rate, index …
//   ecity water classify < samples.csv                           section,class,exceeding
//
// Input comes on stdin, output goes to stdout, all at once. On bad input the message (with the
// line number) goes to stderr and the exit status is 2, with nothing on stdout.
//
// And the commands that need the database, given a way to build the prepared Runtime:
//   ecity import air FILE.csv --station MN       past hourly data of one station (same CSV)
//   ecity simulate stations --count N --port P --rate R [--register …]   an HJ 212 fleet
//   ecity simulate csv --from D --to D [--station I]   the air model's hours as that CSV
#pragma once

#include "platform/runtime.h"

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>

namespace ecity::app {

void add_environment_commands(CLI::App& app);
void add_environment_data_commands(CLI::App& app, CLI::App& import_cmd,
                                   std::function<std::unique_ptr<platform::Runtime>()> runtime);

}  // namespace ecity::app
