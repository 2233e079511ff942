#include "platform/db/row.h"

#include "platform/error.h"

#include <cstdlib>

namespace ecity::platform {

std::optional<std::int64_t> opt_i64(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) == soci::i_null) return std::nullopt;
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_integer:
      return r.get<int>(i);
    case soci::dt_long_long:
      return r.get<long long>(i);
    case soci::dt_unsigned_long_long:
      return static_cast<std::int64_t>(r.get<unsigned long long>(i));
    case soci::dt_double:
      return static_cast<std::int64_t>(r.get<double>(i));
    case soci::dt_string:
      return std::strtoll(r.get<std::string>(i).c_str(), nullptr, 10);
    default:
      throw Error::internal();
  }
}

std::optional<double> opt_f64(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) == soci::i_null) return std::nullopt;
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_double:
      return r.get<double>(i);
    case soci::dt_integer:
      return r.get<int>(i);
    case soci::dt_long_long:
      return static_cast<double>(r.get<long long>(i));
    case soci::dt_string:
      return std::strtod(r.get<std::string>(i).c_str(), nullptr);
    default:
      throw Error::internal();
  }
}

std::optional<std::string> opt_str(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) == soci::i_null) return std::nullopt;
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_string:
    case soci::dt_xml:
    case soci::dt_blob:
      return r.get<std::string>(i);
    case soci::dt_integer:
      return std::to_string(r.get<int>(i));
    case soci::dt_long_long:
      return std::to_string(r.get<long long>(i));
    default:
      throw Error::internal();
  }
}

std::int64_t get_i64(const soci::row& r, std::size_t i) {
  auto v = opt_i64(r, i);
  if (!v) throw Error::internal();
  return *v;
}

std::string get_str(const soci::row& r, std::size_t i) {
  auto v = opt_str(r, i);
  if (!v) throw Error::internal();
  return *v;
}

double get_f64(const soci::row& r, std::size_t i) {
  auto v = opt_f64(r, i);
  if (!v) throw Error::internal();
  return *v;
}

void for_each_int_row(soci::session& sql, const std::string& query, std::size_t columns,
                      const std::function<void(const std::vector<long long>&)>& fn) {
  constexpr std::size_t kBatch = 4096;  // never 1: SOCI's SQLite backend mishandles vectors of one
  std::vector<std::vector<long long>> cols(columns, std::vector<long long>(kBatch));
  soci::statement st(sql);
  for (auto& c : cols) st.exchange(soci::into(c));
  st.alloc();
  st.prepare(query);
  st.define_and_bind();
  std::vector<long long> row(columns);
  if (!st.execute(true)) return;
  for (;;) {
    const std::size_t n = cols.front().size();
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t c = 0; c < columns; ++c) row[c] = cols[c][i];
      fn(row);
    }
    for (auto& c : cols) c.resize(kBatch);
    if (!st.fetch()) break;
  }
}

}  // namespace ecity::platform
