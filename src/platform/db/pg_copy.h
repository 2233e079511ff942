// Rows streamed into a PostgreSQL table with COPY … FROM STDIN (text format): the bulk-load path,
// one round trip per megabyte instead of one per row (a prepared INSERT per row loads about
// 13,000 rows a second over loopback; COPY is bound by the server's own work).
//
//   PgCopy copy(sql, "appeal_timeline", "appeal_id, at, user_id");
//   for (…) { copy.add(e.appeal_id); copy.add(e.at); copy.add(e.user_id /* optional */); copy.end_row(); }
//   copy.finish();   // throws platform::Error on any failure; the transaction stays the caller's
//
// Values are escaped for the text format (backslash, tab, newline, carriage return); std::nullopt
// is NULL. REQUIRES: a PostgreSQL session, inside the caller's transaction.
#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ecity::platform {

class PgCopy {
 public:
  PgCopy(soci::session& sql, const std::string& table, const std::string& columns);
  ~PgCopy();
  PgCopy(const PgCopy&) = delete;
  PgCopy& operator=(const PgCopy&) = delete;

  void add(long long v);
  void add(long v) { add(static_cast<long long>(v)); }
  void add(int v) { add(static_cast<long long>(v)); }
  void add(bool v) { add(static_cast<long long>(v ? 1 : 0)); }  // ecity stores flags as 0/1 integers
  void add(double v);
  void add(std::string_view v);
  void add(const char* v) { add(std::string_view(v)); }
  void add(const std::string& v) { add(std::string_view(v)); }
  template <typename T>
  void add(const std::optional<T>& v) {
    if (v)
      add(*v);
    else
      null();
  }
  void null();
  void end_row();
  // Sends what is buffered, ends the COPY and checks the server's answer. Returns the rows sent.
  std::int64_t finish();

 private:
  void separate();
  void flush();

  void* conn_;  // PGconn*, kept out of this header
  std::string buffer_;
  bool row_open_ = false;
  bool done_ = false;
  std::int64_t rows_ = 0;
};

}  // namespace ecity::platform
