// Issue lists of key projects (问题清单) and the joint meetings (联席会议) that decide them. An
// issue has a type, a responsible unit and a deadline in working days on the district's calendar;
// it climbs three levels (1 the owner and its unit, 2 the departments' joint meeting, 3 the district
// government) until it is resolved. A meeting records its decisions, each linked to the issue it
// answers. Everything is logged per issue and audited.
//
// Thread-safety: safe from any worker thread.
#pragma once

#include "projects/registry.h"

#include <nlohmann/json.hpp>

namespace ecity::projects {

struct IssueInput {
  std::string title, description, kind;
  std::int64_t unit_id = 0;
  std::optional<std::string> raised_on;  // default today
  int working_days = 10;
};
IssueInput parse_issue(const nlohmann::json& body);

struct DecisionInput {
  std::optional<std::int64_t> issue_id, unit_id;
  std::string decision;
  std::optional<std::string> due_on;
};
struct MeetingInput {
  std::string held_on, title, chair, attendees, minutes;
  std::vector<DecisionInput> decisions;
};
MeetingInput parse_meeting(const nlohmann::json& body);

class IssueService {
 public:
  IssueService(platform::Runtime& rt, ProjectService& projects) : rt_(rt), projects_(projects) {}

  // The office (projects:manage) or the project's lead unit (projects:report) raises an issue.
  nlohmann::json raise(const platform::Principal& who, const platform::Actor& actor, std::int64_t project,
                       const IssueInput& in);
  // The office moves an open issue one level up (at most 3), with a note.
  nlohmann::json escalate(const platform::Principal& who, const platform::Actor& actor, std::int64_t id,
                          const std::string& note, std::optional<int> version = std::nullopt);
  // The responsible unit or the office resolves it (a resolution is required); the office may
  // reopen it.
  nlohmann::json resolve(const platform::Principal& who, const platform::Actor& actor, std::int64_t id,
                         const std::string& resolution, std::optional<int> version = std::nullopt);
  nlohmann::json reopen(const platform::Principal& who, const platform::Actor& actor, std::int64_t id,
                        const std::string& note, std::optional<int> version = std::nullopt);
  // Issues in scope: project, status (open|resolved), level, overdue=true (open past deadline),
  // kind, responsible unit. The summary counts what the other filters than status and overdue keep.
  nlohmann::json list(const platform::Principal& who, std::optional<std::int64_t> project,
                      const std::optional<std::string>& status, std::optional<int> level, bool overdue_only,
                      const std::optional<std::string>& kind = std::nullopt,
                      std::optional<std::int64_t> unit = std::nullopt);
  // One issue with its log and the decisions that answered it.
  nlohmann::json get(const platform::Principal& who, std::int64_t id);
  // A joint meeting with its decisions (projects:manage); a decision on an issue is logged on it.
  nlohmann::json record_meeting(const platform::Principal& who, const platform::Actor& actor, const MeetingInput& in);
  // Meetings newest first, each with its decisions (the issue named only when in the caller's scope).
  nlohmann::json meetings(const platform::Principal& who);

 private:
  nlohmann::json change(const platform::Principal& who, const platform::Actor& actor, std::int64_t id,
                        const std::string& action, const std::string& note, std::optional<int> version);
  platform::Runtime& rt_;
  ProjectService& projects_;
};

}  // namespace ecity::projects
