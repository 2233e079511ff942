#include "platform/db/migrations.h"

#include "platform/db/row.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

namespace ecity::platform {

namespace {

const char* dialect_name(Dialect d) { return d == Dialect::kSqlite ? "sqlite" : "postgresql"; }

struct Known {
  int version;
  std::string name;
  std::string sql;
  std::string checksum;
};

std::vector<Known> known_for(Dialect d) {
  std::vector<Known> out;
  for (const auto& m : embedded_migrations()) {
    if (std::string_view(m.dialect) != dialect_name(d)) continue;
    int version = std::atoi(m.name);
    out.push_back({version, m.name, m.sql, sha256_hex(m.sql)});
  }
  std::sort(out.begin(), out.end(), [](const Known& a, const Known& b) { return a.version < b.version; });
  return out;
}

void ensure_table(Database& db) {
  db.write([&](Tx& tx) {
    tx.sql << "CREATE TABLE IF NOT EXISTS schema_migrations ("
              "version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, "
              "applied_at BIGINT NOT NULL)";
  });
}

std::map<int, std::pair<std::string, std::int64_t>> applied(soci::session& sql) {
  std::map<int, std::pair<std::string, std::int64_t>> out;
  soci::rowset<soci::row> rows = sql.prepare << "SELECT version, checksum, applied_at FROM schema_migrations";
  for (const auto& r : rows) out[static_cast<int>(get_i64(r, 0))] = {get_str(r, 1), get_i64(r, 2)};
  return out;
}

}  // namespace

std::string sha256_hex(const std::string& text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

int migrate(Database& db) {
  ensure_table(db);
  auto known = known_for(db.dialect());
  int count = 0;
  for (const auto& m : known) {
    bool done = db.write([&](Tx& tx) {
      if (tx.dialect == Dialect::kPostgresql) {
        // Serialise concurrent migrators; SQLite's BEGIN IMMEDIATE already does.
        tx.sql << "SELECT pg_advisory_xact_lock(424242)";
      }
      auto have = applied(tx.sql);
      for (const auto& [version, row] : have) {
        bool ours = std::any_of(known.begin(), known.end(), [&](const Known& k) { return k.version == version; });
        if (!ours)
          throw Error::conflict("migration-unknown",
                                "数据库包含本程序不认识的迁移 " + std::to_string(version) + "，请使用更新的版本",
                                "the database has migration " + std::to_string(version) +
                                    " that this binary does not know; use a newer ecity");
      }
      auto it = have.find(m.version);
      if (it != have.end()) {
        if (it->second.first != m.checksum)
          throw Error::conflict("migration-changed", "已执行的迁移文件 " + m.name + " 内容被修改",
                                "applied migration " + m.name + " has changed since it was applied");
        return false;
      }
      db.exec_script(tx.sql, m.sql);
      long long at = now_ms();
      int version = m.version;
      std::string name = m.name;
      std::string checksum = m.checksum;
      tx.sql << "INSERT INTO schema_migrations (version, name, checksum, applied_at) "
                "VALUES (:v, :n, :c, :a)",
          soci::use(version), soci::use(name), soci::use(checksum), soci::use(at);
      return true;
    });
    if (done) {
      spdlog::info("event=migration_applied name={}", m.name);
      ++count;
    }
  }
  return count;
}

std::vector<MigrationStatus> migration_status(Database& db) {
  auto known = known_for(db.dialect());
  std::map<int, std::pair<std::string, std::int64_t>> have;
  db.read([&](soci::session& sql) {
    try {
      have = applied(sql);
    } catch (const soci::soci_error&) {
      // No schema_migrations table yet: everything is pending.
      if (db.dialect() == Dialect::kPostgresql) sql << "ROLLBACK";
    }
  });
  std::vector<MigrationStatus> out;
  for (const auto& m : known) {
    MigrationStatus s{m.version, m.name, m.checksum, std::nullopt};
    if (auto it = have.find(m.version); it != have.end()) {
      s.applied_at = it->second.second;
      if (it->second.first != m.checksum) s.checksum = "CHANGED:" + it->second.first;
    }
    out.push_back(s);
  }
  return out;
}

}  // namespace ecity::platform
