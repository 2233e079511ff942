#include "platform/db/pg_copy.h"

#include "platform/error.h"

#include <fmt/format.h>
#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>

namespace ecity::platform {

namespace {

constexpr std::size_t kFlushBytes = 1 << 20;

PGconn* conn_of(soci::session& sql) {
  // Debian's SOCI exports no typeinfo for its backends, so the name is checked, not the type.
  if (sql.get_backend_name() != "postgresql") throw std::logic_error("PgCopy needs a PostgreSQL session");
  return static_cast<soci::postgresql_session_backend*>(sql.get_backend())->conn_;
}

[[noreturn]] void fail(PGconn* conn, const char* what) {
  throw Error::unavailable("数据库批量写入失败", fmt::format("COPY {}: {}", what, PQerrorMessage(conn)));
}

}  // namespace

PgCopy::PgCopy(soci::session& sql, const std::string& table, const std::string& columns) : conn_(conn_of(sql)) {
  auto* conn = static_cast<PGconn*>(conn_);
  PGresult* r = PQexec(conn, ("COPY " + table + " (" + columns + ") FROM STDIN").c_str());
  const bool ok = PQresultStatus(r) == PGRES_COPY_IN;
  PQclear(r);
  if (!ok) fail(conn, "start");
  buffer_.reserve(kFlushBytes + 4096);
}

PgCopy::~PgCopy() {
  if (done_) return;
  // Abandoned (an exception on the way): end the COPY with an error so the connection is
  // usable again; the caller's transaction is failed and will roll back.
  auto* conn = static_cast<PGconn*>(conn_);
  PQputCopyEnd(conn, "abandoned");
  while (PGresult* r = PQgetResult(conn)) PQclear(r);
}

void PgCopy::separate() {
  if (row_open_) buffer_.push_back('\t');
  row_open_ = true;
}

void PgCopy::add(long long v) {
  separate();
  fmt::format_to(std::back_inserter(buffer_), "{}", v);
}

void PgCopy::add(double v) {
  separate();
  fmt::format_to(std::back_inserter(buffer_), "{}", v);  // shortest form that reads back exactly
}

void PgCopy::add(std::string_view v) {
  separate();
  for (char c : v) {
    switch (c) {
      case '\\':
        buffer_ += "\\\\";
        break;
      case '\t':
        buffer_ += "\\t";
        break;
      case '\n':
        buffer_ += "\\n";
        break;
      case '\r':
        buffer_ += "\\r";
        break;
      default:
        buffer_.push_back(c);
    }
  }
}

void PgCopy::null() {
  separate();
  buffer_ += "\\N";
}

void PgCopy::end_row() {
  buffer_.push_back('\n');
  row_open_ = false;
  ++rows_;
  if (buffer_.size() >= kFlushBytes) flush();
}

void PgCopy::flush() {
  if (buffer_.empty()) return;
  auto* conn = static_cast<PGconn*>(conn_);
  if (PQputCopyData(conn, buffer_.data(), static_cast<int>(buffer_.size())) != 1) fail(conn, "send");
  buffer_.clear();
}

std::int64_t PgCopy::finish() {
  auto* conn = static_cast<PGconn*>(conn_);
  flush();
  done_ = true;
  if (PQputCopyEnd(conn, nullptr) != 1) fail(conn, "end");
  bool ok = true;
  std::string message;
  while (PGresult* r = PQgetResult(conn)) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      ok = false;
      message = PQresultErrorMessage(r);
    }
    PQclear(r);
  }
  if (!ok) throw Error::unavailable("数据库批量写入失败", "COPY: " + message);
  return rows_;
}

}  // namespace ecity::platform
