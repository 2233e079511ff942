// Red/yellow/green warnings (红黄绿预警) of key projects as data: a rule set names, per dimension
// (start, investment against time progress, milestones, reporting), the measure it reads and the
// bands of that measure that give each colour, plus escalations such as "two consecutive yellow
// months become red". Rule sets differ by city and year (../shared/domain/governance.md §1.2), so
// they are configuration: switching the set switches the colours, no code changes. A set whose
// bands leave a gap or overlap is refused with the gap or overlap named. Evaluation is exact:
// thresholds are compared with the unrounded measures (projects/progress.h).
//
// Thread-safety: pure functions.
#pragma once

#include "projects/progress.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace ecity::projects {

enum class Colour { kGreen = 0, kYellow = 1, kRed = 2 };
std::string_view colour_code(Colour c);  // green, yellow, red
std::optional<Colour> colour_from(std::string_view code);
std::string_view colour_zh(Colour c);  // 绿, 黄, 红

enum class Dimension { kStart, kInvestment, kMilestones, kReporting };
std::string_view dimension_code(Dimension d);  // start, investment, milestones, reporting
std::string_view dimension_zh(Dimension d);    // 开工, 投资进度, 节点, 报送

enum class Measure {
  kMonthsOverdue,      // start: months since the planned start month, not started (1 = due this month)
  kPointsBehind,       // investment: time progress − completion, percentage points (negative: ahead)
  kShortfallPercent,   // investment: (time target − done) ÷ time target × 100
  kMilestonesOverdue,  // milestones: planned by now, not reached
  kReportsMissing,     // reporting: monthly reports of the year so far not submitted by their lock day
};
std::string_view measure_code(Measure m);

// A band of a measure: [min, max] with each end open or closed; a missing end is unbounded.
// Bounds are in tenths (10.5 points → 105; 2 months → 20).
struct Band {
  Colour colour = Colour::kGreen;
  std::optional<std::int64_t> min, max;
  bool min_inclusive = true, max_inclusive = true;
};

struct DimensionRule {
  Dimension dimension = Dimension::kInvestment;
  Measure measure = Measure::kPointsBehind;
  std::vector<Band> bands;  // sorted, covering every value exactly once
};

// A base colour `from` held for `consecutive` months in a row (this one included) becomes `to`.
struct Escalation {
  Colour from = Colour::kYellow;
  int consecutive = 2;
  Colour to = Colour::kRed;
};

struct RuleSet {
  std::string code, name;
  std::vector<DimensionRule> rules;
  std::vector<Escalation> escalations;
};

// Reads and checks a rule set (format in docs/projects.md). Throws Error (invalid
// "rule-set-invalid") naming the first problem: a gap ("investment: no band for values between
// 10 and 12") or an overlap, an unknown dimension, measure or colour, a measure that does not
// belong to its dimension, a dimension given twice, an escalation that does not worsen.
RuleSet parse_rule_set(const nlohmann::json& j);
nlohmann::json rule_set_json(const RuleSet& s);

// What is known of a project at the end of an evaluated month of a year.
struct ProjectMonth {
  int month = 1;                           // 1–12: months elapsed
  Yuan planned = 0;                        // the year's planned investment
  Yuan done = 0;                           // investment completed in the year up to the month
  std::optional<int> planned_start_month;  // in this year (1–12); none: started before or not due this year
  bool started = false;
  int milestones_overdue = 0;
  int reports_missing = 0;
};

struct Reason {
  Dimension dimension;
  Measure measure;
  Colour colour;
  std::string measured;  // the measure, rounded for display ("12.3", "2")
  std::string band;      // the band that matched ("[10, 30]")
};

struct Verdict {
  Colour colour = Colour::kGreen;        // after escalation
  Colour base = Colour::kGreen;          // the worst colour of the dimensions
  std::vector<Reason> reasons;           // one per dimension evaluated (green ones included), in rule order
  std::optional<std::string> escalated;  // the escalation that fired ("yellow×2→red")
};

// The colour of a project for a month. `previous_base` holds the base colours of the months
// before, oldest first (the last is the previous month). A dimension whose measure is not defined
// (no plan, nothing due yet) does not vote.
Verdict evaluate(const RuleSet& rules, const ProjectMonth& m, const std::vector<Colour>& previous_base);

}  // namespace ecity::projects
