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

}  // namespace ecity::platform
