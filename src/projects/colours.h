// The red/yellow/green colours of key projects, month by month: the rule set in force for each
// year (stored as data; a year without one gets the first shipped template), the evaluation of a
// month over every project with a plan that year (monthly after the reports lock, and on
// demand), each colour stored with its reasons and rule set, and an event on the bus
// (`projects.colour.changed`) whenever a project's colour differs from what it was.
//
// Thread-safety: safe from any worker thread; evaluations of one month do not overlap.
#pragma once

#include "projects/reports.h"
#include "projects/warning_rules.h"

#include <map>
#include <mutex>

namespace ecity::projects {

struct EvaluationSummary {
  int year = 0, month = 0;
  int projects = 0, green = 0, yellow = 0, red = 0, changed = 0;
  std::string rule_set;
};

class ColourService {
 public:
  // `templates_dir`: the shipped rule sets (data/projects/rules).
  ColourService(platform::Runtime& rt, ReportService& reports, std::string templates_dir)
      : rt_(rt), reports_(reports), templates_dir_(std::move(templates_dir)) {}

  // The shipped rule sets, as JSON documents, in file-name order.
  std::vector<nlohmann::json> templates();
  // The set in force for a year: the stored one, else the first template (stored when the year is
  // first evaluated). Reads only.
  RuleSet rule_set(int year);
  // Replaces a year's set (projects:manage; validated: gaps and overlaps named) and evaluates
  // again every month of that year that had been evaluated.
  nlohmann::json set_rule_set(const platform::Principal& who, const platform::Actor& actor, int year,
                              const nlohmann::json& body);
  // Evaluates a month for every project with a plan that year and stores the colours.
  EvaluationSummary evaluate(int year, int month);
  EvaluationSummary evaluate(const platform::Principal& who, int year, int month);
  // Runs the evaluation of last month once its reports have locked (the monthly job).
  void evaluate_due(std::int64_t now_ms);
  // The latest colour of each project (colour, "YYYY-MM"), for lists.
  std::map<std::int64_t, std::pair<std::string, std::string>> latest(const std::vector<std::int64_t>& ids);
  // A project's colours (newest first), optionally of one year.
  nlohmann::json history(const platform::Principal& who, ProjectService& projects, std::int64_t project,
                         std::optional<int> year);

 private:
  void store_rule_set(platform::Tx& tx, const platform::Actor& actor, int year, const RuleSet& set,
                      const std::optional<RuleSet>& before);
  platform::Runtime& rt_;
  ReportService& reports_;
  std::string templates_dir_;
  std::mutex evaluating_;
};

nlohmann::json summary_json(const EvaluationSummary& s);
// The reasons of a stored colour in the API's form: [{dimension, dimension_name, measure, colour,
// measured, band}, …, {escalation}] (docs/projects.md).
nlohmann::json reasons_json(std::string_view stored);

}  // namespace ecity::projects
