// The registry of key projects (重点项目库): what a project is, who answers for it (lead and
// co-responsible units, assigned leaders and department), its money (integer 元), its dates,
// status and pre-construction approvals; its plan for each year with the year's milestones.
// Who sees what: everyone with projects:read in a scope of all; a department-scoped user the
// projects their department (or one below it) leads, co-handles or is assigned; a town's staff the
// projects located in their town. The owner's phone is masked without pii:read.
//
// Thread-safety: safe from any worker thread.
#pragma once

#include "projects/progress.h"

#include "platform/audit/audit_log.h"
#include "platform/auth/principal.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ecity::platform {
class Runtime;
}

namespace ecity::projects {

// Pre-construction approvals (前期手续) in the order offices list them.
struct ApprovalKind {
  std::string_view code, name;
};
const std::vector<ApprovalKind>& approval_kinds();  // approval 立项, land 用地, planning 规划, eia 环评,
                                                    // energy 能评, permit 施工许可

struct Project {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> code;
  std::string level, industry, nature, status;
  std::optional<std::int64_t> town_id;
  std::string content;
  std::int64_t lead_unit_id = 0;
  std::vector<std::int64_t> co_unit_ids;
  std::vector<std::string> leaders;
  std::optional<std::int64_t> leader_unit_id;
  std::string owner_company, owner_contact, owner_phone;
  Yuan total_investment = 0;
  int start_year = 0, end_year = 0;
  std::optional<std::string> planned_start, actual_start, planned_completion;
  std::map<std::string, std::string> approvals;  // kind → YYYY-MM-DD or "pending"
  std::int64_t created_at = 0, updated_at = 0;
  int version = 1;
};

// What a caller may set; absent fields stay as they are on update. Required on create: name,
// level, industry, nature, lead_unit_id, total_investment_wan, start_year, end_year.
struct ProjectInput {
  std::optional<std::string> name, level, industry, nature, status, content, owner_company, owner_contact, owner_phone;
  std::optional<std::optional<std::string>> code, planned_start, actual_start, planned_completion;
  std::optional<std::optional<std::int64_t>> town_id, leader_unit_id;
  std::optional<std::int64_t> lead_unit_id;
  std::optional<std::vector<std::int64_t>> co_unit_ids;
  std::optional<std::vector<std::string>> leaders;
  std::optional<Yuan> total_investment;
  std::optional<int> start_year, end_year;
  std::optional<std::map<std::string, std::string>> approvals;
  std::optional<int> version;
};
ProjectInput parse_project(const nlohmann::json& body, bool create);

struct Milestone {
  std::int64_t id = 0;
  int month = 1;
  std::string title;
  std::optional<std::string> reached_on;
};

struct Plan {
  std::int64_t project_id = 0;
  int year = 0;
  Yuan planned_investment = 0;
  std::optional<int> planned_start_month;
  std::vector<Milestone> milestones;
  int version = 0;  // 0: no plan stored
};

struct PlanInput {
  Yuan planned_investment = 0;
  std::optional<int> planned_start_month;
  std::vector<std::pair<int, std::string>> milestones;  // month, title (replace the unreached ones)
  std::optional<int> version;                           // required when a plan exists
};
PlanInput parse_plan(const nlohmann::json& body);

struct ProjectFilter {
  std::optional<std::string> level, industry, status, q;
  std::optional<std::int64_t> town_id, unit_id;
  std::optional<std::string> leader;
};

class ProjectService {
 public:
  explicit ProjectService(platform::Runtime& rt) : rt_(rt) {}

  std::vector<Project> list(const platform::Principal& who, const ProjectFilter& f);
  // Throws Error (not_found) when absent or out of scope.
  Project get(const platform::Principal& who, std::int64_t id);
  // Whoever asks (for checks that answer 403 rather than 404, e.g. a unit reporting on a project
  // that is not theirs). Throws Error (not_found) when absent.
  Project get_unscoped(std::int64_t id);
  // Throw Error: forbidden without projects:manage; conflict for a known code or an old version;
  // invalid for unknown industries, departments or regions.
  Project create(const platform::Principal& who, const platform::Actor& actor, const ProjectInput& in);
  Project update(const platform::Principal& who, const platform::Actor& actor, std::int64_t id, const ProjectInput& in);
  // For the demo: create() by the system, unchecked.
  Project add(const platform::Actor& actor, const ProjectInput& in);

  // A project's plan for a year (version 0 when none), and setting it (projects:manage).
  Plan plan(const platform::Principal& who, std::int64_t project, int year);
  Plan set_plan(const platform::Principal& who, const platform::Actor& actor, std::int64_t project, int year,
                const PlanInput& in);
  // Marks a milestone reached on a date (projects:manage or the project's lead unit).
  void reach_milestone(const platform::Principal& who, const platform::Actor& actor, std::int64_t milestone,
                       const std::string& date);

  // The industries (code → name, in their order) and adding one (projects:manage).
  std::vector<std::pair<std::string, std::string>> industries();
  void add_industry(const platform::Actor& actor, const std::string& code, const std::string& name, int sort);

  // Writes a first plan for a year inside `tx` (set_plan when none exists, and the demo).
  static void insert_plan(platform::Tx& tx, std::int64_t project, int year, const PlanInput& in);

  // Whether `who` answers for the project's reports: their department is the lead unit or below it.
  bool is_lead_unit(const platform::Principal& who, const Project& p);

 private:
  Project write_new(const platform::Actor& actor, const ProjectInput& in);
  platform::Runtime& rt_;
};

// `who` decides whether the owner's phone is shown in full (pii:read).
nlohmann::json project_json(const Project& p, const platform::Principal* who);
nlohmann::json plan_json(const Plan& p);

// The assigned leaders as stored ("区长、常务副区长") and back.
std::vector<std::string> split_leaders(const std::string& text);
std::string join_leaders(const std::vector<std::string>& leaders);

// The SQL condition on the project alias `p` that lets `who` see a project.
std::string project_scope(const platform::Principal& who);

}  // namespace ecity::projects
