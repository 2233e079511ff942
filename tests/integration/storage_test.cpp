// Storage helpers against the real database of the run (SQLite or PostgreSQL).
#include "harness.h"
#include "platform/db/pg_copy.h"

#include <gtest/gtest.h>

#include <limits>

namespace ecity::test {
namespace {

using platform::Dialect;

// COPY FROM STDIN carries text that needs escaping (tab, newline, backslash, a literal "\N"),
// NULLs, Chinese, and doubles that must read back exactly; an abandoned COPY rolls back with its
// transaction and leaves the session usable.
TEST(PgCopy, RoundTripsEveryKindOfValueAndRollsBackWhenAbandoned) {
  auto& db = runtime().db;
  if (db.dialect() != Dialect::kPostgresql) GTEST_SKIP() << "PostgreSQL only";
  db.write([](platform::Tx& tx) {
    tx.sql << "CREATE TABLE IF NOT EXISTS copy_probe (id BIGINT PRIMARY KEY, t TEXT, d DOUBLE PRECISION, n BIGINT)";
    tx.sql << "DELETE FROM copy_probe";
  });
  const std::vector<std::string> texts{"tab\there", "line\nbreak\r\n",     "back\\slash", "\\N",
                                       "",          "坛山街道「路灯」不亮"};
  const double tricky = 0.1 + 0.2;
  const auto rows = db.write([&](platform::Tx& tx) {
    platform::PgCopy copy(tx.sql, "copy_probe", "id, t, d, n");
    for (std::size_t i = 0; i < texts.size(); ++i) {
      copy.add(static_cast<long long>(i));
      copy.add(texts[i]);
      copy.add(i == 0 ? tricky : -1.5e-300);
      copy.add(i % 2 ? std::optional<long long>() : std::optional<long long>(std::numeric_limits<long long>::min()));
      copy.end_row();
    }
    return copy.finish();
  });
  EXPECT_EQ(rows, static_cast<std::int64_t>(texts.size()));
  db.read([&](soci::session& sql) {
    for (std::size_t i = 0; i < texts.size(); ++i) {
      long long id = static_cast<long long>(i), n = 0;
      std::string t;
      double d = 0;
      soci::indicator n_ind = soci::i_ok;
      sql << "SELECT t, d, n FROM copy_probe WHERE id = :id", soci::use(id), soci::into(t), soci::into(d),
          soci::into(n, n_ind);
      EXPECT_EQ(t, texts[i]) << i;
      EXPECT_EQ(d, i == 0 ? tricky : -1.5e-300) << i;
      EXPECT_EQ(n_ind == soci::i_null, i % 2 == 1) << i;
      if (i % 2 == 0) {
        EXPECT_EQ(n, std::numeric_limits<long long>::min());
      }
    }
  });
  // A duplicate key fails the COPY: nothing of that transaction stays, and the pool's session
  // still works afterwards.
  EXPECT_ANY_THROW(db.write([](platform::Tx& tx) {
    tx.sql << "INSERT INTO copy_probe (id, t) VALUES (100, 'kept?')";
    platform::PgCopy copy(tx.sql, "copy_probe", "id, t");
    copy.add(101LL), copy.add("new"), copy.end_row();
    copy.add(0LL), copy.add("duplicate"), copy.end_row();
    copy.finish();
  }));
  EXPECT_ANY_THROW(db.write([](platform::Tx& tx) {
    platform::PgCopy copy(tx.sql, "copy_probe", "id, t");
    copy.add(102LL), copy.add("abandoned"), copy.end_row();
    throw std::runtime_error("caller gives up before finish()");
  }));
  for (int i = 0; i < 4; ++i)  // every pooled session is usable
    db.read([](soci::session& sql) {
      long long n = -1;
      sql << "SELECT COUNT(*) FROM copy_probe WHERE id >= 100", soci::into(n);
      EXPECT_EQ(n, 0);
    });
  db.write([](platform::Tx& tx) { tx.sql << "DROP TABLE copy_probe"; });
}

}  // namespace
}  // namespace ecity::test
