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

// `path` itself, after checking it is a tree path (digits and slashes only), for splicing into
// SQL. Paths are built by us from integer ids; anything else throws Error (internal).
const std::string& checked_tree_path(const std::string& path);

// "(SELECT id FROM <table> WHERE path LIKE '<path>%')": the ids of the subtree under `path`, for a
// data-scope condition. REQUIRES: `table` is "regions" or "departments"; `path` as above.
std::string subtree_ids(const char* table, const std::string& path);

}  // namespace ecity::platform
