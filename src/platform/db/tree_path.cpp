#include "platform/db/tree_path.h"

#include "platform/error.h"

#include <string_view>

namespace ecity::platform {

std::string tree_path(soci::session& sql, const char* table, std::int64_t id) {
  std::string_view t = table;
  if (t != "regions" && t != "departments") throw Error::internal();
  long long i = id;
  std::string p;
  soci::indicator ind = soci::i_null;
  sql << std::string("SELECT path FROM ") + table + " WHERE id = :id", soci::use(i), soci::into(p, ind);
  return ind == soci::i_ok ? p : std::string();
}

const std::string& checked_tree_path(const std::string& path) {
  for (char c : path)
    if (c != '/' && (c < '0' || c > '9')) throw Error::internal();
  return path;
}

std::string subtree_ids(const char* table, const std::string& path) {
  std::string_view t = table;
  if (t != "regions" && t != "departments") throw Error::internal();
  return std::string("(SELECT id FROM ") + table + " WHERE path LIKE '" + checked_tree_path(path) + "%')";
}

}  // namespace ecity::platform
