// A year of appeals for the demo district, made by playing each case through the workflow:
// intake with a realistic mix of channels, types, categories and places; dispatch to the
// responsible department or the town; signing, returns, extensions, replies, review and
// callbacks with their delays counted on the real working-day calendar and office hours; a
// small share of late signatures and replies, dissatisfied callers and reopened cases. Every
// step goes through workflow.h (next_state) and sla.h (due dates), so the statistics show
// closure and satisfaction because of what happened to the cases. Cases still running at the
// end stay open in the state they reached.
//
// The history is bulk-loaded (one prepared statement per table, a transaction per batch)
// rather than sent through the service one action at a time, so a year (~290,000 cases and
// ~2 million timeline lines) loads in well under a minute.
#pragma once

#include "platform/runtime.h"

#include <cstdint>
#include <string>

namespace ecity::appeals {

struct DemoYearOptions {
  int appeals = 290000;
  std::int64_t end_ms = 0;  // the simulated "now": cases are received in the 365 days before it
  std::uint64_t seed = 20221129;
};

struct DemoYearResult {
  int appeals = 0;
  int timeline = 0;
  bool skipped = false;  // the database already held appeals
};

// `params_file`: data/demo/yicheng/appeals.json. Does nothing if any appeal exists.
DemoYearResult load_demo_year(platform::Runtime& rt, const std::string& params_file, const DemoYearOptions& options);

}  // namespace ecity::appeals
