// `ecity air …` and `ecity water …`: the air and water computations on CSV, so that anyone can
// check them against the standards (docs/environment.md has the formats and examples).
//
//   ecity air daily [--standard auto|2012|2026] < hours.csv      one line per date: AQI and its parts
//   ecity air evaluate [--standard auto|2012|2026] < hours.csv   key,value: good days, rate, index …
//   ecity water classify < samples.csv                           section,class,exceeding
//
// Input comes on stdin, output goes to stdout, all at once. On bad input the message (with the
// line number) goes to stderr and the exit status is 2, with nothing on stdout.
#pragma once

#include <CLI/CLI.hpp>

namespace ecity::app {

void add_environment_commands(CLI::App& app);

}  // namespace ecity::app
