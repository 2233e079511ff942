#include "platform/db/where.h"

#include <stdexcept>

namespace ecity::platform {

std::string contains_pattern(std::string_view text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '!') out.push_back('!');
    out.push_back(c);
  }
  return out + "%";
}

void Where::add_values(const std::string& condition, const std::vector<Value>& values) {
  std::string out;
  std::size_t used = 0;
  for (char c : condition) {
    if (c != '?') {
      out.push_back(c);
      continue;
    }
    out += ":w" + std::to_string(++next_);
    ++used;
  }
  if (used != values.size()) throw std::logic_error("Where::add: placeholders and values differ in number");
  conditions_.push_back("(" + out + ")");
  for (const auto& v : values) values_.push_back(v);
  added_.emplace_back(condition, values);
}

void Where::add_all(const Where& other) {
  for (const auto& [condition, values] : other.added_) add_values(condition, values);
}

std::string Where::sql() const {
  std::string out;
  for (const auto& c : conditions_) out += (out.empty() ? " WHERE " : " AND ") + c;
  return out;
}

void Where::bind(soci::details::prepare_temp_type& prep) {
  for (auto& v : values_) {
    if (auto* i = std::get_if<long long>(&v)) {
      prep, soci::use(*i);
    } else if (auto* d = std::get_if<double>(&v)) {
      prep, soci::use(*d);
    } else {
      prep, soci::use(std::get<std::string>(v));
    }
  }
}

}  // namespace ecity::platform
