#include "environment/air_service.h"

#include "environment/air_hourly.h"

#include "environment/csv_io.h"
#include "environment/readings.h"

#include "platform/db/row.h"
#include "platform/error.h"
#include "platform/numeric/decimal.h"
#include "platform/runtime.h"

#include <fmt/format.h>

#include <chrono>
#include <map>
#include <unordered_map>

namespace ecity::environment {

namespace {

using ecity::Error;
using platform::Principal;
using std::chrono::year_month_day;

constexpr std::int64_t kHourMs = 3'600'000, kDayMs = 86'400'000;
constexpr int kMaxDays = 366;

std::optional<year_month_day> parse_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int y = 0, m = 0, d = 0;
  for (std::size_t i : {0, 1, 2, 3}) y = s[i] >= '0' && s[i] <= '9' ? y * 10 + (s[i] - '0') : -100000;
  for (std::size_t i : {5, 6}) m = s[i] >= '0' && s[i] <= '9' ? m * 10 + (s[i] - '0') : -100;
  for (std::size_t i : {8, 9}) d = s[i] >= '0' && s[i] <= '9' ? d * 10 + (s[i] - '0') : -100;
  if (y < 1970 || m < 1 || d < 1) return std::nullopt;
  year_month_day ymd{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(m)),
                     std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

std::string date_text(year_month_day d) {
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                     static_cast<unsigned>(d.day()));
}

// Local midnight of `d` as epoch ms.
std::int64_t midnight_ms(year_month_day d) {
  return std::chrono::sys_days(d).time_since_epoch().count() * kDayMs - 8 * kHourMs;
}

year_month_day year_earlier(year_month_day d) {
  year_month_day e{d.year() - std::chrono::years(1), d.month(), d.day()};
  if (!e.ok()) e = year_month_day{e.year(), e.month(), std::chrono::day(28)};  // 29 February
  return e;
}

// "1,2,3" for an IN list (integers only).
std::string id_list(const std::vector<std::int64_t>& ids) {
  std::string out;
  for (auto id : ids) out += (out.empty() ? "" : ",") + std::to_string(id);
  return out;
}
std::string id_list(const std::vector<Station>& stations) {
  std::vector<std::int64_t> ids;
  for (const auto& s : stations) ids.push_back(s.id);
  return id_list(ids);
}

// The values of the six pollutants in columns first … first+5 whose flags (columns first+6 …
// first+11) leave them usable for AQI.
HourValues usable_values(const soci::row& r, std::size_t first) {
  HourValues out{};
  for (std::size_t k = 0; k < kPollutants; ++k) {
    const auto v = platform::opt_i64(r, first + k);
    const auto f = platform::opt_str(r, first + kPollutants + k);
    if (v && usable_flag(f && f->size() == 1 ? (*f)[0] : 0)) out[k] = *v;
  }
  return out;
}

// One hour's sums and counts over stations, per pollutant.
struct HourSum {
  std::array<std::int64_t, kPollutants> sum{};
  std::array<int, kPollutants> n{};
};

struct Series {
  std::vector<HourSum> hours;  // from the range's first hour
};

std::vector<DayHours> days_of(const Series& s, year_month_day from, int days) {
  std::vector<DayHours> out(static_cast<std::size_t>(days));
  const auto start = std::chrono::sys_days(from);
  for (int d = 0; d < days; ++d) {
    auto& day = out[static_cast<std::size_t>(d)];
    day.date = date_text(year_month_day{start + std::chrono::days(d)});
    for (int h = 0; h < 24; ++h) {
      const auto& hs = s.hours[static_cast<std::size_t>(d * 24 + h)];
      for (std::size_t k = 0; k < kPollutants; ++k)
        if (hs.n[k] > 0) day.hours[static_cast<std::size_t>(h)][k] = platform::round_half_even(hs.sum[k], hs.n[k]);
    }
  }
  return out;
}

// Hourly data of `ids` in [from, from + days): one series per station.
std::unordered_map<std::int64_t, Series> load_hours(platform::Database& db, const std::vector<std::int64_t>& ids,
                                                    year_month_day from, int days) {
  std::unordered_map<std::int64_t, Series> out;
  if (ids.empty()) return out;
  for (auto id : ids) out[id].hours.resize(static_cast<std::size_t>(days) * 24);
  const std::string list = id_list(ids);
  long long start = midnight_ms(from), end = start + days * kDayMs;
  db.read([&](soci::session& sql) {
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT station_id, data_time, so2, no2, co, o3, pm10, pm25, so2_flag, no2_flag, co_flag, "
                        "o3_flag, pm10_flag, pm25_flag FROM env_readings WHERE cn = 2061 AND station_id IN (" +
                            list + ") AND data_time >= :a AND data_time < :b",
         soci::use(start), soci::use(end));
    for (const auto& r : rows) {
      auto& s = out[platform::get_i64(r, 0)];
      const auto at = static_cast<std::size_t>((platform::get_i64(r, 1) - start) / kHourMs);
      if (at >= s.hours.size()) continue;
      const auto values = usable_values(r, 2);
      for (std::size_t k = 0; k < kPollutants; ++k)
        if (values[k]) {
          s.hours[at].sum[k] = *values[k];
          s.hours[at].n[k] = 1;
        }
    }
  });
  return out;
}

// The mean series of several stations.
Series combined(const std::unordered_map<std::int64_t, Series>& all, const std::vector<std::int64_t>& ids,
                std::size_t hours) {
  Series s;
  s.hours.resize(hours);
  for (auto id : ids) {
    auto it = all.find(id);
    if (it == all.end()) continue;
    for (std::size_t h = 0; h < hours; ++h)
      for (std::size_t k = 0; k < kPollutants; ++k)
        if (it->second.hours[h].n[k] > 0) {
          s.hours[h].sum[k] += it->second.hours[h].sum[k];
          ++s.hours[h].n[k];
        }
  }
  return s;
}

int days_between(year_month_day from, year_month_day to) {
  return static_cast<int>((std::chrono::sys_days(to) - std::chrono::sys_days(from)).count()) + 1;
}

nlohmann::json tenths(const std::optional<std::int64_t>& v, int scale) {
  if (!v) return nullptr;
  return static_cast<double>(*v) / static_cast<double>(platform::pow10(scale));
}

bool reference(const Station& s) { return s.kind != "micro"; }

}  // namespace

AirScope air_scope(const std::optional<std::string>& from, const std::optional<std::string>& to,
                   const std::optional<std::string>& standard, std::optional<std::int64_t> station,
                   std::optional<std::int64_t> town, std::int64_t now_ms) {
  AirScope s;
  s.station = station;
  s.town = town;
  const year_month_day today{std::chrono::sys_days{std::chrono::days{(now_ms + 8 * kHourMs) / kDayMs}}};
  const std::optional<year_month_day> f =
      from ? parse_date(*from) : std::optional(year_month_day{today.year(), std::chrono::January, std::chrono::day(1)});
  const std::optional<year_month_day> t = to ? parse_date(*to) : std::optional(today);
  auto bad = [](const char* field, const char* zh, const char* en) {
    return Error::invalid("validation", zh, en).on_field(field, zh);
  };
  if (!f) throw bad("from", "日期应为 YYYY-MM-DD", "from must be a date YYYY-MM-DD");
  if (!t) throw bad("to", "日期应为 YYYY-MM-DD", "to must be a date YYYY-MM-DD");
  if (std::chrono::sys_days(*t) < std::chrono::sys_days(*f))
    throw bad("to", "结束日期早于开始日期", "to is before from");
  if (days_between(*f, *t) > kMaxDays) throw bad("to", "时段不能超过 366 天", "a period holds at most 366 days");
  if (station && town) throw bad("town", "station 与 town 只能给一个", "give station or town, not both");
  s.from = date_text(*f);
  s.to = date_text(*t);
  if (standard && *standard != "auto") {
    s.standard = standard_from(*standard);
    if (!s.standard) throw bad("standard", "标准应为 auto、2012 或 2026", "standard must be auto, 2012 or 2026");
  }
  return s;
}

nlohmann::json daily_json(const DailyResult& r) {
  auto mean = [&r](Pollutant p) { return tenths(r.mean[static_cast<std::size_t>(p)], result_decimals(p)); };
  auto opt = [](const std::optional<int>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  nlohmann::json j = {{"date", r.date},
                      {"standard", r.standard == AqiStandard::k2012 ? "2012" : "2026"},
                      {"so2", mean(Pollutant::kSO2)},
                      {"no2", mean(Pollutant::kNO2)},
                      {"co", mean(Pollutant::kCO)},
                      {"o3_1h_max", tenths(r.o3_1h_max, 0)},
                      {"o3_8h_max", tenths(r.o3_8h_max, 0)},
                      {"pm10", mean(Pollutant::kPM10)},
                      {"pm25", mean(Pollutant::kPM25)},
                      {"iaqi",
                       {{"so2", opt(r.iaqi_so2)},
                        {"no2", opt(r.iaqi_no2)},
                        {"co", opt(r.iaqi_co)},
                        {"o3_1h", opt(r.iaqi_o3_1h)},
                        {"o3_8h", opt(r.iaqi_o3_8h)},
                        {"pm10", opt(r.iaqi_pm10)},
                        {"pm25", opt(r.iaqi_pm25)}}},
                      {"aqi", opt(r.aqi.aqi)},
                      {"level", nullptr},
                      {"category", nullptr},
                      {"colour", nullptr},
                      {"primary", nlohmann::json::array()}};
  for (auto p : r.aqi.primary) j["primary"].push_back(std::string(p));
  if (r.aqi.aqi) {
    const auto l = level_of(*r.aqi.aqi);
    j["level"] = l.level;
    j["category"] = std::string(l.name);
    j["colour"] = std::string(l.colour);
  }
  return j;
}

nlohmann::json evaluation_json(const Evaluation& e) {
  return {{"days", e.days},
          {"valid_days", e.valid_days},
          {"good_days", e.good_days},
          {"good_rate", tenths(e.good_rate_tenths, 1)},
          {"so2_mean", tenths(e.so2_mean, 0)},
          {"no2_mean", tenths(e.no2_mean, 0)},
          {"pm10_mean", tenths(e.pm10_mean, 0)},
          {"pm25_mean", tenths(e.pm25_mean, 0)},
          {"co_p95", tenths(e.co_p95, 1)},
          {"o3_8h_p90", tenths(e.o3_8h_p90, 0)},
          {"composite_index", tenths(e.composite_hundredths, 2)}};
}

nlohmann::json AirService::readings(const Principal& who, std::int64_t station, int cn, std::int64_t from,
                                    std::int64_t to) {
  const auto s = stations_.get(who, station);
  if (!stored_command(cn))
    throw Error::invalid("validation", "cn 应为 2011、2051、2061 或 2031", "cn must be 2011, 2051, 2061 or 2031")
        .on_field("cn", "取值无效");
  if (to <= from) throw Error::invalid("validation", "时段无效", "empty range").on_field("to", "应晚于 from");
  const std::int64_t step = cn == kRealtime ? 1000 : cn == kMinute ? 60'000 : cn == kHourly ? kHourMs : kDayMs;
  // Real-time data can come every second; the range must not hold more rows than we answer.
  if ((to - from) / step > 5000 && cn != kRealtime && cn != kMinute)
    throw Error::invalid("validation", "时段过长（至多 5000 条）", "range too long (5,000 rows at most)")
        .on_field("to", "时段过长");
  if (to - from > 7 * kDayMs && (cn == kRealtime || cn == kMinute))
    throw Error::invalid("validation", "实时与分钟数据每次至多查询 7 天", "real-time and minute data: 7 days at most")
        .on_field("to", "时段过长");
  return rt_.db.read([&](soci::session& sql) {
    nlohmann::json items = nlohmann::json::array();
    long long sid = s.id, a = from, b = to;
    int c = cn;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT data_time, so2, no2, co, o3, pm10, pm25, so2_flag, no2_flag, co_flag, o3_flag, "
                        "pm10_flag, pm25_flag, other, parts, pnum, received_at, source FROM env_readings WHERE "
                        "station_id = :s AND cn = :cn AND data_time >= :a AND data_time < :b ORDER BY data_time "
                        "LIMIT 5001",
         soci::use(sid), soci::use(c), soci::use(a), soci::use(b));
    static constexpr const char* kNames[] = {"so2", "no2", "co", "o3", "pm10", "pm25"};
    bool more = false;
    for (const auto& r : rows) {
      if (items.size() == 5000) {
        more = true;
        break;
      }
      nlohmann::json values = nlohmann::json::object(), flags = nlohmann::json::object();
      for (std::size_t k = 0; k < kPollutants; ++k) {
        const auto v = platform::opt_i64(r, 1 + k);
        values[kNames[k]] = v ? nlohmann::json(platform::format_scaled(*v, kInputScale, 3)) : nlohmann::json(nullptr);
        const auto f = platform::opt_str(r, 7 + k);
        flags[kNames[k]] = f ? nlohmann::json(*f) : nlohmann::json(nullptr);
      }
      const auto t = platform::get_i64(r, 0);
      const auto parts = platform::get_i64(r, 14), pnum = platform::get_i64(r, 15);
      items.push_back({{"data_time", t},
                       {"local_time", local_time_text(t)},
                       {"values", values},
                       {"flags", flags},
                       {"other", platform::get_str(r, 13)},
                       {"complete", pnum >= 64 || parts == (std::int64_t{1} << pnum) - 1},
                       {"received_at", platform::get_i64(r, 16)},
                       {"source", platform::get_str(r, 17)}});
    }
    return nlohmann::json{{"station", station_json(s)}, {"cn", cn}, {"items", items}, {"truncated", more}};
  });
}

std::vector<DailyResult> AirService::daily(const Principal& who, const AirScope& scope) {
  const auto from = *parse_date(scope.from), to = *parse_date(scope.to);
  const int days = days_between(from, to);
  std::vector<std::int64_t> ids;
  if (scope.station) {
    ids.push_back(stations_.get(who, *scope.station).id);
  } else {
    for (const auto& s : stations_.list(who))
      if (reference(s) && (!scope.town || s.town_id == scope.town)) ids.push_back(s.id);
  }
  const auto hours = load_hours(rt_.db, ids, from, days);
  return daily_results(days_of(combined(hours, ids, static_cast<std::size_t>(days) * 24), from, days), scope.standard);
}

nlohmann::json AirService::evaluation(const Principal& who, const AirScope& scope) {
  const auto from = *parse_date(scope.from), to = *parse_date(scope.to);
  const int days = days_between(from, to);
  const auto visible = stations_.list(who);
  std::vector<const Station*> included;
  for (const auto& s : visible)
    if (scope.station ? s.id == *scope.station : reference(s) && (!scope.town || s.town_id == scope.town))
      included.push_back(&s);
  if (scope.station && included.empty()) throw Error::not_found("站点不存在", "no such station");
  std::vector<std::int64_t> ids;
  for (const auto* s : included) ids.push_back(s->id);
  const auto size = static_cast<std::size_t>(days) * 24;

  auto evaluate_ids = [&](const std::unordered_map<std::int64_t, Series>& hours, const std::vector<std::int64_t>& set,
                          year_month_day start) {
    return evaluate(daily_results(days_of(combined(hours, set, size), start, days), scope.standard));
  };
  const auto hours = load_hours(rt_.db, ids, from, days);
  const auto now = evaluate_ids(hours, ids, from);
  const auto prev_from = year_earlier(from);
  const auto earlier = load_hours(rt_.db, ids, prev_from, days);
  const auto before = evaluate_ids(earlier, ids, prev_from);
  const auto yoy = year_on_year(now, before);
  auto pct = [](const std::optional<std::int64_t>& v) { return tenths(v, 1); };

  nlohmann::json out = {
      {"scope",
       {{"station", scope.station ? nlohmann::json(*scope.station) : nlohmann::json(nullptr)},
        {"town", scope.town ? nlohmann::json(*scope.town) : nlohmann::json(nullptr)},
        {"from", scope.from},
        {"to", scope.to},
        {"previous_from", date_text(prev_from)},
        {"previous_to", date_text(year_earlier(to))},
        {"standard", scope.standard ? (*scope.standard == AqiStandard::k2012 ? "2012" : "2026") : "auto"},
        {"stations", ids.size()}}},
      {"evaluation", evaluation_json(now)},
      {"previous", evaluation_json(before)},
      {"year_on_year",
       {{"good_days", yoy.good_days},
        {"good_rate_points", pct(yoy.good_rate_points_tenths)},
        {"composite_index_pct", pct(yoy.composite_tenths)},
        {"so2_pct", pct(yoy.so2_tenths)},
        {"no2_pct", pct(yoy.no2_tenths)},
        {"pm10_pct", pct(yoy.pm10_tenths)},
        {"pm25_pct", pct(yoy.pm25_tenths)},
        {"co_pct", pct(yoy.co_tenths)},
        {"o3_pct", pct(yoy.o3_tenths)}}},
      {"stations", nlohmann::json::array()},
      {"towns", nlohmann::json::array()}};

  // Rankings: each station, and (for the district) each town's stations together.
  auto ranked = [&](std::vector<std::pair<nlohmann::json, Evaluation>> entries, nlohmann::json& into) {
    std::vector<std::optional<std::int64_t>> ci, rate;
    for (const auto& [_, e] : entries) {
      ci.push_back(e.composite_hundredths);
      rate.push_back(e.good_rate_tenths);
    }
    const auto by_ci = rank(ci, true), by_rate = rank(rate, false);
    for (std::size_t i = 0; i < entries.size(); ++i) {
      auto j = entries[i].first;
      j["evaluation"] = evaluation_json(entries[i].second);
      j["rank_composite"] = by_ci[i] ? nlohmann::json(*by_ci[i]) : nlohmann::json(nullptr);
      j["rank_good_rate"] = by_rate[i] ? nlohmann::json(*by_rate[i]) : nlohmann::json(nullptr);
      into.push_back(j);
    }
  };
  if (!scope.station) {
    std::vector<std::pair<nlohmann::json, Evaluation>> st;
    std::map<std::int64_t, std::vector<std::int64_t>> by_town;
    for (const auto* s : included) {
      st.emplace_back(nlohmann::json{{"id", s->id},
                                     {"mn", s->mn},
                                     {"name", s->name},
                                     {"town_id", s->town_id ? nlohmann::json(*s->town_id) : nlohmann::json(nullptr)}},
                      evaluate_ids(hours, {s->id}, from));
      if (s->town_id) by_town[*s->town_id].push_back(s->id);
    }
    ranked(std::move(st), out["stations"]);
    if (!scope.town) {
      std::vector<std::pair<nlohmann::json, Evaluation>> towns;
      for (const auto& [town, set] : by_town)
        towns.emplace_back(nlohmann::json{{"id", town}, {"stations", set.size()}}, evaluate_ids(hours, set, from));
      ranked(std::move(towns), out["towns"]);
    }
  }
  return out;
}

nlohmann::json AirService::latest(const Principal& who) {
  const auto stations = stations_.list(who);
  const long long since = platform::now_ms() - 7 * kDayMs;
  std::map<std::int64_t, std::int64_t> last;  // station → its latest hourly row
  if (!stations.empty()) {
    const std::string ids = id_list(stations);
    rt_.db.read([&](soci::session& sql) {
      soci::rowset<soci::row> rows =
          (sql.prepare << "SELECT station_id, MAX(data_time) FROM env_readings WHERE cn = 2061 AND data_time >= :t "
                          "AND station_id IN (" +
                              ids + ") GROUP BY station_id",
           soci::use(since));
      for (const auto& r : rows) last[platform::get_i64(r, 0)] = platform::get_i64(r, 1);
    });
  }
  static constexpr const char* kNames[] = {"so2", "no2", "co", "o3", "pm10", "pm25"};
  nlohmann::json items = nlohmann::json::array();
  for (const auto& s : stations) {
    nlohmann::json j = {{"station_id", s.id},
                        {"mn", s.mn},
                        {"name", s.name},
                        {"kind", s.kind},
                        {"lng", s.lng ? nlohmann::json(*s.lng) : nlohmann::json(nullptr)},
                        {"lat", s.lat ? nlohmann::json(*s.lat) : nlohmann::json(nullptr)},
                        {"town_id", s.town_id ? nlohmann::json(*s.town_id) : nlohmann::json(nullptr)},
                        {"data_time", nullptr},
                        {"local_time", nullptr},
                        {"aqi", nullptr},
                        {"level", nullptr},
                        {"category", nullptr},
                        {"colour", nullptr},
                        {"primary", nlohmann::json::array()},
                        {"values", nullptr}};
    auto it = last.find(s.id);
    if (it != last.end()) {
      // The 24 hours ending with the latest one.
      const std::int64_t end = it->second;
      std::vector<HourValues> hours(24);
      rt_.db.read([&](soci::session& sql) {
        long long sid = s.id, a = end - 23 * kHourMs, b = end;
        soci::rowset<soci::row> rows =
            (sql.prepare << "SELECT data_time, so2, no2, co, o3, pm10, pm25, so2_flag, no2_flag, co_flag, o3_flag, "
                            "pm10_flag, pm25_flag FROM env_readings WHERE station_id = :s AND cn = 2061 AND data_time "
                            ">= :a AND data_time <= :b",
             soci::use(sid), soci::use(a), soci::use(b));
        for (const auto& r : rows) {
          const auto at = (platform::get_i64(r, 0) - a) / kHourMs;
          if (at < 0 || at >= 24) continue;
          hours[static_cast<std::size_t>(at)] = usable_values(r, 1);
        }
      });
      const auto date = local_time_text(end).substr(0, 10);
      const auto standard = standard_on(date);
      const auto h = hourly_result(hours, standard);
      j["data_time"] = end;
      j["local_time"] = local_time_text(end);
      nlohmann::json values = nlohmann::json::object();
      for (std::size_t k = 0; k < kPollutants; ++k)
        values[kNames[k]] = tenths(h.hour[k], result_decimals(static_cast<Pollutant>(k)));
      j["values"] = values;
      if (h.aqi.aqi) {
        const auto l = level_of(*h.aqi.aqi);
        j["aqi"] = *h.aqi.aqi;
        j["level"] = l.level;
        j["category"] = std::string(l.name);
        j["colour"] = std::string(l.colour);
      }
      for (auto p : h.aqi.primary) j["primary"].push_back(std::string(p));
    }
    j["online"] = false;
    items.push_back(std::move(j));
  }
  return {{"items", items}};
}

nlohmann::json AirService::quality(const Principal& who, const AirScope& scope) {
  const auto from = *parse_date(scope.from), to = *parse_date(scope.to);
  const int days = days_between(from, to);
  const long long start = midnight_ms(from), end = start + days * kDayMs;
  const auto stations = stations_.list(who);
  std::map<std::int64_t, std::array<std::int64_t, 3>> counts;  // received, flagged, usable (all six)
  nlohmann::json rejections = nlohmann::json::object();
  const bool everything = sees_all_stations(who);
  const std::string ids = id_list(stations);
  rt_.db.read([&](soci::session& sql) {
    if (!ids.empty()) {
      std::string bad, all_usable;
      for (const char* c : {"so2", "no2", "co", "o3", "pm10", "pm25"}) {
        const auto ok = fmt::format("({0}_flag IS NULL OR {0}_flag IN ('N', 'S'))", c);
        bad += (bad.empty() ? "" : " OR ") + std::string("NOT ") + ok;
        all_usable += (all_usable.empty() ? "" : " AND ") + ok + fmt::format(" AND {} IS NOT NULL", c);
      }
      soci::rowset<soci::row> rows =
          (sql.prepare << "SELECT station_id, COUNT(*), SUM(CASE WHEN " + bad + " THEN 1 ELSE 0 END), SUM(CASE WHEN " +
                              all_usable + " THEN 1 ELSE 0 END) FROM env_readings WHERE cn = 2061 AND station_id IN (" +
                              ids + ") AND data_time >= :a AND data_time < :b GROUP BY station_id",
           soci::use(start), soci::use(end));
      for (const auto& r : rows)
        counts[platform::get_i64(r, 0)] = {platform::get_i64(r, 1), platform::get_i64(r, 2), platform::get_i64(r, 3)};
    }
    const std::string where = everything ? "1 = 1" : ids.empty() ? "1 = 0" : "station_id IN (" + ids + ")";
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT reason, COUNT(*) FROM env_rejections WHERE at >= :a AND at < "
                        ":b AND " +
                            where + " GROUP BY reason",
         soci::use(start), soci::use(end));
    for (const auto& r : rows) rejections[platform::get_str(r, 0)] = platform::get_i64(r, 1);
  });
  const std::int64_t expected = static_cast<std::int64_t>(days) * 24;
  nlohmann::json items = nlohmann::json::array();
  for (const auto& s : stations) {
    const auto c = counts.count(s.id) ? counts[s.id] : std::array<std::int64_t, 3>{0, 0, 0};
    items.push_back({{"station_id", s.id},
                     {"mn", s.mn},
                     {"name", s.name},
                     {"kind", s.kind},
                     {"received", c[0]},
                     {"missing", expected - c[0]},
                     {"flagged", c[1]},
                     {"usable", c[2]},
                     {"completeness", tenths(platform::round_half_even(c[2] * 1000, expected), 1)}});
  }
  return {{"from", scope.from}, {"to", scope.to}, {"hours", expected}, {"items", items}, {"rejections", rejections}};
}

nlohmann::json AirService::rejections(const Principal& who, int page, int size, const std::string& reason) {
  if (!who.can("environment:read")) throw Error::forbidden();
  const bool everything = sees_all_stations(who);
  std::string where = "1 = 1";
  if (!everything) {
    const std::string ids = id_list(stations_.list(who));
    where = ids.empty() ? "1 = 0" : "station_id IN (" + ids + ")";
  }
  if (!reason.empty()) where += " AND reason = :reason";
  return rt_.db.read([&](soci::session& sql) {
    long long total = 0;
    const int offset = (page - 1) * size;
    if (reason.empty())
      sql << "SELECT COUNT(*) FROM env_rejections WHERE " + where, soci::into(total);
    else
      sql << "SELECT COUNT(*) FROM env_rejections WHERE " + where, soci::use(reason), soci::into(total);
    const std::string q = fmt::format(
        "SELECT id, at, peer, reason, mn, station_id, detail, sample FROM env_rejections WHERE {} ORDER BY at DESC, "
        "id DESC LIMIT {} OFFSET {}",
        where, size, offset);
    nlohmann::json items = nlohmann::json::array();
    auto take = [&](soci::rowset<soci::row>& rows) {
      for (const auto& r : rows) {
        const auto mn = platform::opt_str(r, 4);
        const auto sid = platform::opt_i64(r, 5);
        items.push_back({{"id", platform::get_i64(r, 0)},
                         {"at", platform::get_i64(r, 1)},
                         {"peer", platform::get_str(r, 2)},
                         {"reason", platform::get_str(r, 3)},
                         {"mn", mn ? nlohmann::json(*mn) : nlohmann::json(nullptr)},
                         {"station_id", sid ? nlohmann::json(*sid) : nlohmann::json(nullptr)},
                         {"detail", platform::get_str(r, 6)},
                         {"sample", platform::get_str(r, 7)}});
      }
    };
    if (reason.empty()) {
      soci::rowset<soci::row> rows = sql.prepare << q;
      take(rows);
    } else {
      soci::rowset<soci::row> rows = (sql.prepare << q, soci::use(reason));
      take(rows);
    }
    return nlohmann::json{{"items", items}, {"total", total}, {"page", page}, {"size", size}};
  });
}

}  // namespace ecity::environment
