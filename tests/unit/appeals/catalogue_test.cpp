// Which categories intake offers: in use only with every ancestor active; a leaf when none of
// its children is in use.
#include "appeals/model.h"

#include <gtest/gtest.h>

namespace ecity::appeals {
namespace {

Category cat(std::int64_t id, std::optional<std::int64_t> parent, bool active = true) {
  Category c;
  c.id = id;
  c.parent_id = parent;
  c.name = "c" + std::to_string(id);
  c.active = active;
  return c;
}

std::map<std::int64_t, bool> leaves(const std::vector<Category>& all) {
  std::map<std::int64_t, bool> out;
  for (const auto& u : categories_in_use(all)) out[u.category.id] = u.leaf;
  return out;
}

TEST(CategoriesInUse, AGroupSwitchedOffTakesItsChildrenWithIt) {
  // 1 ─ 2 ─ 4
  //   └ 3
  // 5 (off) ─ 6
  EXPECT_EQ(leaves({cat(1, {}), cat(2, 1), cat(3, 1), cat(4, 2), cat(5, {}, false), cat(6, 5)}),
            (std::map<std::int64_t, bool>{{1, false}, {2, false}, {3, true}, {4, true}}));
  // The only child switched off: its parent may be chosen again.
  EXPECT_EQ(leaves({cat(1, {}), cat(2, 1, false)}), (std::map<std::int64_t, bool>{{1, true}}));
  // A child whose parent is missing is not offered.
  EXPECT_TRUE(leaves({cat(7, 99)}).empty());
  EXPECT_TRUE(leaves({}).empty());
}

}  // namespace
}  // namespace ecity::appeals
