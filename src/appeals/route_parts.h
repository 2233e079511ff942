// Request parsing and views shared by the module's route files (routes.cpp, open_routes.cpp):
// one definition of what an appeal body may carry and of how a case reads as JSON.
#pragma once

#include "appeals/model.h"
#include "appeals/service.h"

#include "platform/auth/principal.h"

#include <nlohmann/json.hpp>

namespace ecity::appeals {

// A new appeal from a JSON body (POST /api/appeals). Throws Error (validation, with every
// field's problem) on bad input.
NewAppeal parse_new(const nlohmann::json& body);
// A case as `who` may see it (caller masked by permission and confidentiality).
nlohmann::json appeal_json(const Appeal& a, const platform::Principal& who);

}  // namespace ecity::appeals
