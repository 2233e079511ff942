// Materialised tree paths ("/1/7/23/") of regions and departments, which data-scope
// checks compare by prefix.
#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <string>

namespace ecity::platform {

// The path of row `id` in `table` ("regions" or "departments"), or empty if there is no
// such row. REQUIRES: `table` is one of those two names (it is spliced into the SQL).
std::string tree_path(soci::session& sql, const char* table, std::int64_t id);

}  // namespace ecity::platform
