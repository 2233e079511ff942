// Reads and validates the fields of a JSON request body. Collects every problem (unknown
// field, missing field, wrong type, too long, bad characters) and reports them together
// from done() as one Error (invalid "validation") with an `errors` list of
// {field, message}, so a form can mark each field at once.
//
// Lengths count Unicode characters, not bytes: "峄城区" is 3. Control characters other
// than tab and newline are refused in every string. Nothing is trimmed or truncated.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ecity::platform {

class Fields {
 public:
  // `allowed`: every field name this body may carry; any other is an error.
  Fields(const nlohmann::json& body, std::set<std::string> allowed);

  bool has(const std::string& name) const;
  std::string str(const std::string& name, std::size_t max_chars, std::size_t min_chars = 1);
  // Absent or null → nullopt. Present: validated as str() (empty allowed).
  std::optional<std::string> opt_str(const std::string& name, std::size_t max_chars);
  std::int64_t integer(const std::string& name, std::int64_t min, std::int64_t max);
  std::optional<std::int64_t> opt_integer(const std::string& name, std::int64_t min, std::int64_t max);
  std::optional<std::int64_t> opt_id(const std::string& name) { return opt_integer(name, 1, INT64_MAX); }
  std::vector<std::int64_t> id_list(const std::string& name, std::size_t max_items = 100);
  std::vector<std::string> str_list(const std::string& name, std::size_t max_chars, std::size_t max_items = 200);
  // Adds a custom error (e.g. a rule that spans fields).
  void fail(const std::string& name, const std::string& zh, const std::string& en);
  // Throws Error (invalid "validation") if any field failed. Call once, after reading.
  void done() const;

 private:
  const nlohmann::json* get(const std::string& name);
  std::optional<std::string> check_string(const std::string& name, const nlohmann::json& v, std::size_t max_chars,
                                          std::size_t min_chars);
  const nlohmann::json& body_;
  std::set<std::string> allowed_;
  struct Problem {
    std::string field, zh, en;
  };
  std::vector<Problem> problems_;
};

// Number of Unicode code points in valid UTF-8 text.
std::size_t utf8_length(std::string_view s);

}  // namespace ecity::platform
