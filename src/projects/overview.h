// The supervision figures of a year up to a month (docs/projects.md): for the projects in the
// caller's scope with a plan that year, the planned and year-to-date (accepted) investment,
// completion, time progress and the gap in points, starts against planned starts, the colour mix
// of the month, the same by industry, town, level and leader, the month-by-month investment
// against the plan line, and the red list; and one project's own figures with its cumulative
// plan-versus-actual series.
//
// Thread-safety: safe from any worker thread.
#pragma once

#include "projects/registry.h"

#include <nlohmann/json.hpp>

namespace ecity::projects {

class OverviewService {
 public:
  OverviewService(platform::Runtime& rt, ProjectService& projects) : rt_(rt), projects_(projects) {}

  // `month` 1–12: figures of months 1…month; the red list holds the `red_limit` red projects
  // furthest behind (`red_total` counts them all). Throws Error (invalid) for a bad year or month.
  nlohmann::json overview(const platform::Principal& who, int year, int month, std::size_t red_limit = 100);
  // One project in a year: plan, monthly accepted amounts, cumulative against the plan line,
  // completion and gap at `month`, and its colour then.
  nlohmann::json project_year(const platform::Principal& who, std::int64_t project, int year, int month);

 private:
  platform::Runtime& rt_;
  ProjectService& projects_;
};

// {completion, time_progress, gap_points} as numbers with one decimal (null without a plan).
nlohmann::json progress_json(Yuan done, Yuan plan, int months);

}  // namespace ecity::projects
