// Numbered schema migrations, one file per change and dialect under migrations/<dialect>/,
// embedded into the binary at build time. Each is applied in its own transaction and
// recorded in schema_migrations with its SHA-256; an applied file whose text has changed
// since is refused (the schema would no longer be what the file says).
#pragma once

#include "platform/db/database.h"

#include <optional>
#include <string>
#include <vector>

namespace ecity::platform {

struct EmbeddedMigration {
  const char* dialect;  // "sqlite" or "postgresql"
  const char* name;     // "0001_platform.sql"
  const char* sql;
};
const std::vector<EmbeddedMigration>& embedded_migrations();

struct MigrationStatus {
  int version = 0;
  std::string name;
  std::string checksum;
  std::optional<std::int64_t> applied_at;  // none: pending
};

// Applies every pending migration in order. Returns how many were applied (0 is not an
// error). Throws Error (conflict "migration-changed") if an applied file changed, or
// (conflict "migration-unknown") if the database has a migration this binary lacks.
// Safe against a concurrent migrator: the second waits, then finds nothing to do.
int migrate(Database& db);

// Every known migration with its state; never writes.
std::vector<MigrationStatus> migration_status(Database& db);

// Hex SHA-256 of `text` (libsodium).
std::string sha256_hex(const std::string& text);

}  // namespace ecity::platform
