// Investment attraction (招商引资): the all-citizen talent and contact database (全民招商人才信息
// 库) of people who bring leads, and each lead's way from first contact through negotiation,
// signing, registration and start to becoming a key project (or being dropped), with the funnel
// and the signed projects by amount bracket (1–10亿, 10–50亿, ≥50亿元) and industry. Writes need
// projects:attract; contacts' phones are masked without pii:read.
//
// Thread-safety: safe from any worker thread.
#pragma once

#include "projects/registry.h"

#include <nlohmann/json.hpp>

namespace ecity::projects {

// The stages in order; "dropped" leaves the pipeline from any stage before "converted".
const std::vector<std::string_view>& lead_stages();  // lead, negotiating, signed, registered, started, converted
// The bracket of a signed amount: "lt1" (< 1亿), "1to10", "10to50", "ge50" (≥ 50亿元).
std::string_view amount_bracket(Yuan amount);

class AttractionService {
 public:
  AttractionService(platform::Runtime& rt, ProjectService& projects) : rt_(rt), projects_(projects) {}

  nlohmann::json add_talent(const platform::Principal& who, const platform::Actor& actor, const nlohmann::json& body);
  nlohmann::json talents(const platform::Principal& who, const std::optional<std::string>& q);
  // A new lead (stage "lead" unless given): name, investor, industry, amount_wan, talent_id, town_id, note.
  nlohmann::json add_lead(const platform::Principal& who, const platform::Actor& actor, const nlohmann::json& body);
  // Moves a lead to a later stage (or "dropped") on a date: stage, on (YYYY-MM-DD), project_id for
  // "converted", amount_wan when the signed amount differs, version.
  nlohmann::json advance(const platform::Principal& who, const platform::Actor& actor, std::int64_t id,
                         const nlohmann::json& body);
  nlohmann::json leads(const platform::Principal& who, const std::optional<std::string>& stage,
                       std::optional<int> signed_year);
  // The funnel (leads that reached each stage), signed projects by bracket and industry, for the
  // leads signed in `year` (the pipeline's later stages counted over those) and all open leads.
  nlohmann::json funnel(const platform::Principal& who, int year);

 private:
  platform::Runtime& rt_;
  ProjectService& projects_;
};

}  // namespace ecity::projects
