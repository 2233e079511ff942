// A WHERE clause built one filter at a time, with its parameters bound in order: for lists
// whose filters are all optional. Writing only the conditions that apply (instead of
// "(:x = '' OR col = :x)" for each) lets both planners pick the index the filter needs.
//
//   Where w;
//   w.add(scope_sql);                              // trusted SQL, no parameter
//   if (state) w.add("a.state = ?", *state);       // one '?' per value, in order
//   if (from) w.add("a.created_at >= ?", *from);
//   auto prep = (sql.prepare << "SELECT … FROM appeals a" + w.sql() + " ORDER BY …");
//   w.bind(prep);
//
// Conditions are joined with AND; every '?' in a condition is a placeholder (so a condition
// must not carry '?' in a literal) and becomes a named placeholder (:w1, :w2, …). Values are
// copied into the object, which must outlive the statement's execution.
#pragma once

#include <soci/soci.h>

#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace ecity::platform {

// A LIKE pattern matching `text` literally anywhere: "%" + text + "%", with %, _ and the escape
// character itself escaped by '!'. Use it as `col LIKE ? ESCAPE '!'`, so a user's 100% or a_b
// matches itself and nothing else.
std::string contains_pattern(std::string_view text);

class Where {
 public:
  using Value = std::variant<long long, double, std::string>;

  template <typename... V>
  void add(const std::string& condition, V... values) {
    std::vector<Value> vs{Value(convert(values))...};
    add_values(condition, vs);
  }
  // "column IN (?, ?, …)" over `values`; a condition that is false for an empty list.
  template <typename V>
  void add_in(const std::string& column, const std::vector<V>& values) {
    if (values.empty()) {
      add_values("1 = 0", {});
      return;
    }
    std::string condition = column + " IN (";
    std::vector<Value> vs;
    for (const auto& v : values) {
      condition += vs.empty() ? "?" : ", ?";
      vs.emplace_back(convert(v));
    }
    add_values(condition + ")", vs);
  }
  // Every condition of `other`, after this one's (placeholders renumbered).
  void add_all(const Where& other);
  bool empty() const { return conditions_.empty(); }
  // " WHERE c1 AND c2 …", or "" when there is no condition.
  std::string sql() const;
  // Binds every value, in the order the conditions were added.
  void bind(soci::details::prepare_temp_type& prep);

 private:
  static long long convert(long long v) { return v; }
  static long long convert(long v) { return v; }
  static long long convert(int v) { return v; }
  static double convert(double v) { return v; }
  static std::string convert(std::string v) { return v; }
  static std::string convert(const char* v) { return v; }
  void add_values(const std::string& condition, const std::vector<Value>& values);

  std::vector<std::string> conditions_;
  std::vector<std::pair<std::string, std::vector<Value>>> added_;  // as given to add(), for add_all()
  std::deque<Value> values_;                                       // stable addresses for soci::use
  int next_ = 0;
};

}  // namespace ecity::platform
