#include "platform/db/where.h"

#include <gtest/gtest.h>

namespace ecity::platform {
namespace {

TEST(Where, EmptyHasNoClause) {
  Where w;
  EXPECT_TRUE(w.empty());
  EXPECT_EQ(w.sql(), "");
}

TEST(Where, ConditionsAreJoinedAndNumbered) {
  Where w;
  w.add("1 = 1");
  w.add("a.state = ?", std::string("signed"));
  w.add("a.x BETWEEN ? AND ?", 1, 2);
  EXPECT_EQ(w.sql(), " WHERE (1 = 1) AND (a.state = :w1) AND (a.x BETWEEN :w2 AND :w3)");
  EXPECT_THROW(w.add("a.y = ?"), std::logic_error);
}

TEST(Where, EmptyInListMatchesNothing) {
  Where w;
  w.add_in("a.id", std::vector<long long>{});
  EXPECT_EQ(w.sql(), " WHERE (1 = 0)");
  Where v;
  v.add_in("a.id", std::vector<long long>{4, 5});
  EXPECT_EQ(v.sql(), " WHERE (a.id IN (:w1, :w2))");
}

// add_all renumbers: a copy of the conditions after a driving condition must not reuse :w1,
// which SQLite would read as the same parameter.
TEST(Where, AddAllRenumbersPlaceholders) {
  Where base;
  base.add("a.state = ?", std::string("signed"));
  base.add("a.town_id = ?", 7);
  Where source;
  source.add("appeals_fts MATCH ?", std::string("\"路灯不亮\""));
  source.add_all(base);
  EXPECT_EQ(source.sql(), " WHERE (appeals_fts MATCH :w1) AND (a.state = :w2) AND (a.town_id = :w3)");
  EXPECT_EQ(base.sql(), " WHERE (a.state = :w1) AND (a.town_id = :w2)");  // untouched
  Where none;
  none.add_in("a.id", std::vector<long long>{});
  Where copy;
  copy.add_all(none);
  EXPECT_EQ(copy.sql(), " WHERE (1 = 0)");  // an empty list still matches nothing
}

TEST(ContainsPattern, EscapesTheWildcardsAndItsEscape) {
  EXPECT_EQ(contains_pattern("峄城"), "%峄城%");
  EXPECT_EQ(contains_pattern("100%_a!"), "%100!%!_a!!%");
  EXPECT_EQ(contains_pattern(""), "%%");
}

}  // namespace
}  // namespace ecity::platform
