// `ecity calendar …`: look at the working-day calendar from the command line.
//
//   ecity calendar days --from 2026-09-28 --to 2026-10-12   one line per date: YYYY-MM-DD,1|0
//   ecity calendar add 2026-09-30 5                          the 5th working day after: 2026-10-13
//   ecity calendar check 2026-10-01                          working | holiday NAME | weekend | …
//   ecity calendar --local …                                 the same, with the district's local adjustments
//
// Output goes to stdout. On an ecity::Error (bad date, date outside the shipped years, from >
// to, malformed data file) the message is printed to stderr and CLI::RuntimeError(2) is thrown,
// so App::exit() ends the program with status 2 and prints nothing more.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "platform/calendar/calendar.h"

namespace ecity::app {

// Adds the `calendar` subcommand to `app`. `load_calendar` is called when a calendar command runs
// (after configuration is loaded) and returns the national calendar (cn.json), with the district's
// local adjustments from the database when its argument (--local) is true.
void add_calendar_command(CLI::App& app, std::function<platform::Calendar(bool local)> load_calendar);

}  // namespace ecity::app
