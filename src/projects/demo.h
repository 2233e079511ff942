// The key-projects part of the demo district: the reference district's 2022 as its supervision
// office saw it. 61 projects, all started, with annual plans summing to 106.13亿元 and accepted
// monthly reports through October adding up to 148.37亿元 (139.8 % of plan, the published
// figure); most ahead of time progress, some on time and eight lagging ones (back-loaded, with
// overdue milestones, a late start or a missing report) that turn yellow or red in some months
// under the first shipped rule set; colours evaluated for January-October. Project names,
// owners and leaders' titles are illustrative. Idempotent: nothing is written twice.
//
// Thread-safety: call once, from the command line.
#pragma once

#include "platform/runtime.h"

#include <cstdint>

namespace ecity::projects {

struct DemoProjectsResult {
  int projects = 0;           // added now
  int reports = 0;            // accepted reports written now
  std::int64_t planned = 0;   // 元, 2022 plans
  std::int64_t accepted = 0;  // 元, accepted January-October 2022
  bool skipped = false;       // the projects were there already
};

DemoProjectsResult load_demo_projects(platform::Runtime& rt);

}  // namespace ecity::projects
