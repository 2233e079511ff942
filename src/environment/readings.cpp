#include "environment/readings.h"

#include "platform/db/row.h"
#include "platform/error.h"
#include "platform/numeric/decimal.h"

#include <fmt/format.h>

#include <chrono>
#include <limits>

namespace ecity::environment {

namespace {

constexpr std::int64_t kShanghaiOffsetMs = 8 * 3'600'000LL;

int digits_at(std::string_view s, std::size_t at, std::size_t n) {
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

std::optional<int> aqi_index(std::string_view code) {
  for (std::size_t i = 0; i < kAqiCodes.size(); ++i)
    if (kAqiCodes[i] == code) return static_cast<int>(i);
  return std::nullopt;
}

// value × 10^shift, rounded by GB/T 8170 when shift < 0; nullopt on overflow.
std::optional<std::int64_t> shifted(std::int64_t v, int shift) {
  if (shift == 0) return v;
  if (shift < 0) return platform::round_half_even(v, platform::pow10(-shift));
  const std::int64_t f = platform::pow10(shift);
  if (v > std::numeric_limits<std::int64_t>::max() / f) return std::nullopt;
  return v * f;
}

// The statement that inserts a row or fills in the parts a split message still lacked.
struct ReadingUpsert : platform::CachedQuery {
  long long station = 0, data_time = 0, parts = 1, received = 0;
  int cn = 0, pnum = 1;
  std::array<platform::Nullable<long long>, kPollutants> value;
  std::array<platform::Nullable<std::string>, kPollutants> flag;
  std::string other, source;
  soci::statement st;
  explicit ReadingUpsert(soci::session& sql) : st(sql) {
    std::string set;
    for (const char* c : {"so2", "no2", "co", "o3", "pm10", "pm25"})
      set += fmt::format(
          "{0} = COALESCE(env_readings.{0}, excluded.{0}), {0}_flag = CASE WHEN env_readings.{0} IS "
          "NULL THEN excluded.{0}_flag ELSE env_readings.{0}_flag END, ",
          c);
    st.exchange(soci::use(station));
    st.exchange(soci::use(cn));
    st.exchange(soci::use(data_time));
    for (auto& v : value) st.exchange(soci::use(v.value, v.ind));
    for (auto& f : flag) st.exchange(soci::use(f.value, f.ind));
    st.exchange(soci::use(other));
    st.exchange(soci::use(parts));
    st.exchange(soci::use(pnum));
    st.exchange(soci::use(received));
    st.exchange(soci::use(source));
    st.alloc();
    st.prepare(
        "INSERT INTO env_readings (station_id, cn, data_time, so2, no2, co, o3, pm10, pm25, so2_flag, no2_flag, "
        "co_flag, o3_flag, pm10_flag, pm25_flag, other, parts, pnum, received_at, source) VALUES (:s, :cn, :t, :v0, "
        ":v1, :v2, :v3, :v4, :v5, :f0, :f1, :f2, :f3, :f4, :f5, :other, :parts, :pnum, :at, :source) "
        "ON CONFLICT (station_id, cn, data_time) DO UPDATE SET " +
        set +
        "other = CASE WHEN env_readings.other = '' THEN excluded.other WHEN excluded.other = '' THEN "
        "env_readings.other ELSE env_readings.other || ';' || excluded.other END, "
        "parts = env_readings.parts | excluded.parts WHERE (env_readings.parts & excluded.parts) = 0");
    st.define_and_bind();
  }
};

}  // namespace

bool stored_command(int cn) { return cn == kRealtime || cn == kMinute || cn == kHourly || cn == kDaily; }

std::optional<std::int64_t> data_time_ms(std::string_view d) {
  if (d.size() != 14 && d.size() != 17) return std::nullopt;
  const int y = digits_at(d, 0, 4), mo = digits_at(d, 4, 2), da = digits_at(d, 6, 2), h = digits_at(d, 8, 2),
            mi = digits_at(d, 10, 2), s = digits_at(d, 12, 2), ms = d.size() == 17 ? digits_at(d, 14, 3) : 0;
  if (y < 1970 || mo < 1 || da < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 || ms < 0)
    return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(mo)),
                                        std::chrono::day(static_cast<unsigned>(da))};
  if (!ymd.ok()) return std::nullopt;
  const std::int64_t days = std::chrono::sys_days(ymd).time_since_epoch().count();
  return days * 86'400'000LL + ((h * 60LL + mi) * 60 + s) * 1000 + ms - kShanghaiOffsetMs;
}

std::string local_time_text(std::int64_t ms) {
  const std::int64_t local = ms + kShanghaiOffsetMs;
  std::int64_t days = local / 86'400'000LL, rest = local % 86'400'000LL;
  if (rest < 0) {
    rest += 86'400'000LL;
    --days;
  }
  const std::chrono::year_month_day ymd{std::chrono::sys_days(std::chrono::days(days))};
  const std::int64_t secs = rest / 1000;
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), secs / 3600, secs / 60 % 60,
                     secs % 60);
}

std::optional<std::int64_t> local_midnight_ms(std::string_view date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return std::nullopt;
  std::string digits;
  digits.append(date.substr(0, 4)).append(date.substr(5, 2)).append(date.substr(8, 2)).append("000000");
  return data_time_ms(digits);
}

std::string data_time_digits(std::int64_t ms, bool with_ms) {
  std::string digits;
  for (char c : local_time_text(ms))
    if (c >= '0' && c <= '9') digits += c;
  if (with_ms) digits += fmt::format("{:03}", ((ms % 1000) + 1000) % 1000);
  return digits;
}

FactorMap FactorMap::of(const std::map<std::string, std::string>& units,
                        const std::map<std::string, std::string>& aliases) {
  FactorMap m;
  for (const auto& [from, to] : aliases) m.aliases.emplace(from, to);
  for (const auto& [code, unit] : units) {
    const auto i = aqi_index(code);
    if (!i) continue;
    // Canonical: µg/m³, and mg/m³ for CO.
    const int canonical = *i == static_cast<int>(Pollutant::kCO) ? 0 : -3;  // log10 of the unit in mg/m³
    const int given = unit == "mg/m3" ? 0 : unit == "ug/m3" ? -3 : -6;
    m.shift[static_cast<std::size_t>(*i)] = given - canonical;
  }
  return m;
}

Reading decode(const hj212::Packet& p, int cn, std::int64_t data_time, const FactorMap& map,
               std::vector<std::string>& bad) {
  Reading r;
  r.cn = cn;
  r.data_time = data_time;
  const std::string_view value_suffix = cn == kRealtime ? "Rtd" : "Avg";
  auto keep = [&r](std::string_view key, std::string_view value) {
    if (!r.other.empty()) r.other += ';';
    r.other.append(key).append("=").append(value);
  };
  for (const auto& f : p.cp) {
    if (f.key == "DataTime") continue;
    const auto dash = f.key.find('-');
    if (dash == std::string_view::npos) {
      keep(f.key, f.value);
      continue;
    }
    std::string_view code = f.key.substr(0, dash);
    const std::string_view suffix = f.key.substr(dash + 1);
    if (auto a = map.aliases.find(code); a != map.aliases.end()) code = a->second;
    const auto i = aqi_index(code);
    if (!i) {
      keep(f.key, f.value);
      continue;
    }
    const auto k = static_cast<std::size_t>(*i);
    if (suffix == value_suffix && !r.value[k]) {
      auto v = platform::parse_scaled(f.value, kInputScale);
      if (v && *v >= 0) v = shifted(*v, map.shift[k]);
      if (!v || *v < 0) {
        bad.push_back(fmt::format("{}={}", f.key, f.value.substr(0, 32)));
        continue;
      }
      r.value[k] = *v;
    } else if (suffix == "Flag" && f.value.size() == 1 && f.value[0] >= 'A' && f.value[0] <= 'Z' && r.flag[k] == 0) {
      r.flag[k] = f.value[0];
    } else {
      keep(f.key, f.value);
    }
  }
  if (p.split() && *p.pno >= 1 && *p.pno <= 64 && *p.pnum >= *p.pno) {
    r.parts = std::uint64_t{1} << (*p.pno - 1);
    r.pnum = *p.pnum;
  }
  return r;
}

bool put_reading(platform::Tx& tx, const Reading& r) {
  auto& q = tx.db.cached<ReadingUpsert>(tx.sql, "environment.readings.upsert",
                                        [](soci::session& s) { return std::make_unique<ReadingUpsert>(s); });
  q.station = r.station_id;
  q.cn = r.cn;
  q.data_time = r.data_time;
  for (std::size_t i = 0; i < kPollutants; ++i) {
    q.value[i] = platform::Nullable<long long>(r.value[i]);
    q.flag[i] = r.flag[i] ? platform::Nullable<std::string>(std::optional<std::string>(std::string(1, r.flag[i])))
                          : platform::Nullable<std::string>();
  }
  q.other = r.other;
  q.parts = static_cast<long long>(r.parts);
  q.pnum = r.pnum;
  q.received = platform::now_ms();
  q.source = std::string(r.source);
  q.st.execute(true);
  const bool changed = q.st.get_affected_rows() > 0;
  tx.db.finish(q.st);
  return changed;
}

ImportReport import_hourly(platform::Database& db, const platform::Actor& actor, std::int64_t station_id,
                           const std::vector<DayHours>& days) {
  ImportReport report;
  if (days.empty()) return report;
  report.first = days.front().date;
  report.last = days.back().date;
  return db.write([&](platform::Tx& tx) {
    for (const auto& day : days) {
      const auto start = local_midnight_ms(day.date);
      if (!start) throw Error::invalid("validation", "日期无效：" + day.date, "invalid date: " + day.date);
      for (std::size_t h = 0; h < day.hours.size(); ++h) {
        Reading r;
        r.station_id = station_id;
        r.cn = kHourly;
        r.data_time = *start + static_cast<std::int64_t>(h) * 3'600'000;
        r.value = day.hours[h];
        r.source = "import";
        bool any = false;
        for (const auto& v : r.value) any = any || v.has_value();
        if (!any) continue;
        ++report.hours;
        ++(put_reading(tx, r) ? report.stored : report.duplicates);
      }
    }
    platform::audit_operation(tx, actor, "env_station", std::to_string(station_id), "import_air", nullptr,
                              {{"first", report.first},
                               {"last", report.last},
                               {"hours", report.hours},
                               {"stored", report.stored},
                               {"duplicates", report.duplicates}});
    return report;
  });
}

}  // namespace ecity::environment
