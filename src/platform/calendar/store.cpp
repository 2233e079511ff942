#include "platform/calendar/store.h"

#include "platform/db/row.h"

namespace ecity::platform {

std::vector<Adjustment> load_adjustments(soci::session& sql) {
  std::vector<Adjustment> out;
  soci::rowset<soci::row> rows = sql.prepare << "SELECT date, working, reason FROM calendar_adjustments ORDER BY date";
  for (const auto& r : rows) out.push_back({parse_date(get_str(r, 0)), get_i64(r, 1) != 0, get_str(r, 2)});
  return out;
}

void save_adjustment(soci::session& sql, const Adjustment& a, std::int64_t by_user, std::int64_t at_ms) {
  std::string d = format_date(a.date), reason = a.reason;
  int w = a.working ? 1 : 0;
  long long at = at_ms, uid = by_user;
  sql << "DELETE FROM calendar_adjustments WHERE date = :d", soci::use(d);
  sql << "INSERT INTO calendar_adjustments (date, working, reason, created_at, created_by) VALUES (:d, :w, :r, :a, :u)",
      soci::use(d), soci::use(w), soci::use(reason), soci::use(at), soci::use(uid);
}

std::optional<Adjustment> delete_adjustment(soci::session& sql, std::chrono::year_month_day date) {
  std::string d = format_date(date), reason;
  int w = 0;
  soci::indicator ind = soci::i_null;
  sql << "SELECT working, reason FROM calendar_adjustments WHERE date = :d", soci::use(d), soci::into(w, ind),
      soci::into(reason);
  if (!sql.got_data() || ind != soci::i_ok) return std::nullopt;
  sql << "DELETE FROM calendar_adjustments WHERE date = :d", soci::use(d);
  return Adjustment{date, w != 0, reason};
}

}  // namespace ecity::platform
