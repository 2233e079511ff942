// Typed reads from a soci::row that work the same on SQLite and PostgreSQL: the two backends
// report integers as int, long long or (for SQLite expressions) strings; these helpers
// normalise them. NULL reads as std::nullopt in the opt_* forms, and as an error in the
// plain forms (a schema bug, not user input).
#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ecity::platform {

std::optional<std::int64_t> opt_i64(const soci::row& r, std::size_t i);
std::optional<std::string> opt_str(const soci::row& r, std::size_t i);
std::optional<double> opt_f64(const soci::row& r, std::size_t i);
std::int64_t get_i64(const soci::row& r, std::size_t i);
std::string get_str(const soci::row& r, std::size_t i);
double get_f64(const soci::row& r, std::size_t i);

// An optional value bound as a parameter: `Nullable<long long> d(x); … soci::use(d.value, d.ind)`.
template <typename T>
struct Nullable {
  T value{};
  soci::indicator ind = soci::i_null;
  Nullable() = default;
  template <typename U>
  explicit Nullable(const std::optional<U>& v) {
    if (v) {
      value = static_cast<T>(*v);
      ind = soci::i_ok;
    }
  }
};

// Runs `query` (parameters spliced in by the caller, as checked integers or our own text) whose
// `columns` columns are all integers — COALESCE the NULLs — and calls `fn` with each row, fetched
// in batches of 4,096 into typed vectors: soci::row's dynamic typing costs about a microsecond
// per cell, which dominates reads of 100,000 rows.
void for_each_int_row(soci::session& sql, const std::string& query, std::size_t columns,
                      const std::function<void(const std::vector<long long>&)>& fn);

}  // namespace ecity::platform
