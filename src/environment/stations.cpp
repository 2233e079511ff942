#include "environment/stations.h"

#include "platform/db/migrations.h"
#include "platform/db/row.h"
#include "platform/db/tree_path.h"
#include "platform/error.h"
#include "platform/http/fields.h"
#include "platform/runtime.h"

#include <fmt/format.h>

#include <set>

namespace ecity::environment {

namespace {

using ecity::Error;
using platform::Principal;
using platform::Tx;

constexpr const char* kColumns =
    "s.id, s.mn, s.name, s.kind, s.lng, s.lat, s.region_id, s.town_id, s.factors, s.protocol, s.enabled, "
    "s.last_seen_at, s.created_at, s.updated_at, s.version, s.units, s.aliases";

Station station_of(const soci::row& r) {
  Station s;
  s.id = platform::get_i64(r, 0);
  s.mn = platform::get_str(r, 1);
  s.name = platform::get_str(r, 2);
  s.kind = platform::get_str(r, 3);
  s.lng = platform::opt_f64(r, 4);
  s.lat = platform::opt_f64(r, 5);
  s.region_id = platform::opt_i64(r, 6);
  s.town_id = platform::opt_i64(r, 7);
  const auto factors = platform::get_str(r, 8);
  for (std::size_t at = 0; at < factors.size();) {
    auto comma = factors.find(',', at);
    if (comma == std::string::npos) comma = factors.size();
    if (comma > at) s.factors.push_back(factors.substr(at, comma - at));
    at = comma + 1;
  }
  s.protocol = platform::get_str(r, 9);
  s.enabled = platform::get_i64(r, 10) != 0;
  s.last_seen_at = platform::opt_i64(r, 11);
  s.created_at = platform::get_i64(r, 12);
  s.updated_at = platform::get_i64(r, 13);
  s.version = static_cast<int>(platform::get_i64(r, 14));
  s.units = split_pairs(platform::get_str(r, 15));
  s.aliases = split_pairs(platform::get_str(r, 16));
  return s;
}

// Text that goes into HJ 212 packets (MN, PW): printable ASCII without the packet's separators.
bool packet_safe(const std::string& s) {
  for (char c : s)
    if (c < 0x21 || c > 0x7E || c == ';' || c == ',' || c == '=' || c == '&') return false;
  return !s.empty();
}

// Who sees which stations: everyone with environment:read sees all, except a user whose only
// scopes are regional (a town's staff), who sees the stations located in their region.
std::string scope_condition(const Principal& who) { return located_scope(who, "s.region_id"); }

std::optional<Station> load(soci::session& sql, std::int64_t id, const std::string& scope) {
  long long sid = id;
  soci::rowset<soci::row> rows =
      (sql.prepare << fmt::format("SELECT {} FROM env_stations s WHERE s.id = :id AND ({})", kColumns, scope),
       soci::use(sid));
  for (const auto& r : rows) return station_of(r);
  return std::nullopt;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : ",") + x;
  return out;
}

bool code_like(const std::string& code) {
  bool ok = !code.empty() && code.size() <= 16;
  for (char c : code) ok = ok && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
  return ok;
}

void locate(platform::Runtime& rt, Station& s) {
  const auto at = locate_point(rt, s.lng, s.lat);
  s.region_id = at.region_id;
  s.town_id = at.town_id;
}

}  // namespace

bool sees_all_stations(const Principal& who) {
  for (auto s : who.scopes)
    if (s == platform::DataScope::kAll || s == platform::DataScope::kDepartment) return true;
  return false;
}

std::string located_scope(const Principal& who, const std::string& region_column) {
  if (sees_all_stations(who)) return "1 = 1";
  if (who.region_path.empty()) return "1 = 0";
  return region_column + " IN " + platform::subtree_ids("regions", who.region_path);
}

PointRegions locate_point(platform::Runtime& rt, std::optional<double> lng, std::optional<double> lat) {
  PointRegions out;
  if (!lng || !lat) return out;
  const auto hit = rt.org.locate(*lng, *lat);
  if (hit["town"].is_null())
    throw Error::invalid("validation", "位置不在本区范围内", "the location lies outside the district")
        .on_field("lng", "不在本区范围内");
  out.town_id = hit["town"]["id"].get<std::int64_t>();
  for (const char* level : {"grid", "village", "town"})
    if (!hit[level].is_null()) {
      out.region_id = hit[level]["id"].get<std::int64_t>();
      break;
    }
  return out;
}

std::string join_pairs(const std::map<std::string, std::string>& pairs) {
  std::string out;
  for (const auto& [k, v] : pairs) out += (out.empty() ? "" : ",") + k + "=" + v;
  return out;
}

std::map<std::string, std::string> split_pairs(std::string_view text) {
  std::map<std::string, std::string> out;
  for (std::size_t at = 0; at < text.size();) {
    auto comma = text.find(',', at);
    if (comma == std::string_view::npos) comma = text.size();
    auto item = text.substr(at, comma - at);
    auto eq = item.find('=');
    if (eq != std::string_view::npos) out.emplace(item.substr(0, eq), item.substr(eq + 1));
    at = comma + 1;
  }
  return out;
}

nlohmann::json station_json(const Station& s) {
  auto opt = [](const auto& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  return {{"id", s.id},
          {"mn", s.mn},
          {"name", s.name},
          {"kind", s.kind},
          {"lng", opt(s.lng)},
          {"lat", opt(s.lat)},
          {"region_id", opt(s.region_id)},
          {"town_id", opt(s.town_id)},
          {"factors", s.factors},
          {"units", s.units},
          {"aliases", s.aliases},
          {"protocol", s.protocol},
          {"enabled", s.enabled},
          {"last_seen_at", opt(s.last_seen_at)},
          {"created_at", s.created_at},
          {"updated_at", s.updated_at},
          {"version", s.version}};
}

StationInput parse_station(const nlohmann::json& body, bool create) {
  platform::Fields f(body, {"mn", "name", "kind", "protocol", "password", "lng", "lat", "factors", "units", "aliases",
                            "enabled", "version"});
  StationInput in;
  if (create || body.contains("mn")) {
    in.mn = f.str("mn", 64);
    if (!packet_safe(*in.mn))
      f.fail("mn", "设备编号只能含可见 ASCII 字符，且不含 ; , = &", "printable ASCII without ; , = &");
  }
  if (create || body.contains("name")) in.name = f.str("name", 64);
  if (create || body.contains("password")) {
    in.password = f.str("password", 32, 6);
    if (!packet_safe(*in.password))
      f.fail("password", "访问密码只能含可见 ASCII 字符，且不含 ; , = &", "printable ASCII without ; , = &");
  }
  auto one_of = [&](const char* name, std::initializer_list<const char*> allowed, const char* fallback) {
    std::optional<std::string> v = body.contains(name) ? f.opt_str(name, 16) : std::nullopt;
    if (!v && create) v = fallback;
    if (v) {
      bool ok = false;
      for (const char* a : allowed) ok = ok || *v == a;
      if (!ok) f.fail(name, "取值无效", "not an allowed value");
    }
    return v;
  };
  in.kind = one_of("kind", {"national", "provincial", "county", "micro"}, "county");
  in.protocol = one_of("protocol", {"2005", "2017", "2025"}, "2017");
  auto coordinate = [&](const char* name, double lo, double hi) -> std::optional<double> {
    if (!body.contains(name) || body[name].is_null()) return std::nullopt;
    if (!body[name].is_number()) {
      f.fail(name, "应为数字", "must be a number");
      return std::nullopt;
    }
    const double v = body[name].get<double>();
    if (!(v >= lo && v <= hi)) f.fail(name, "超出范围", "out of range");
    return v;
  };
  in.lng = coordinate("lng", -180, 180);
  in.lat = coordinate("lat", -90, 90);
  const bool lng_null = body.contains("lng") && body["lng"].is_null();
  const bool lat_null = body.contains("lat") && body["lat"].is_null();
  in.clear_location = lng_null && lat_null;
  if (body.contains("lng") != body.contains("lat") || in.lng.has_value() != in.lat.has_value())
    if (!in.clear_location) f.fail("lng", "经纬度须同时填写", "give both lng and lat");
  if (body.contains("factors")) {
    in.factors = f.str_list("factors", 16, 64);
    for (const auto& code : *in.factors)
      if (!code_like(code))
        f.fail("factors", "因子编码只能含字母和数字：" + code, "factor codes are letters and digits: " + code);
  }
  // A map of codes to codes (aliases) or to units: a JSON object of short strings.
  auto pairs = [&](const char* name, const std::function<bool(const std::string&, const std::string&)>& check)
      -> std::optional<std::map<std::string, std::string>> {
    if (!body.contains(name)) return std::nullopt;
    const auto& v = body[name];
    if (!v.is_object() || v.size() > 32) {
      f.fail(name, "应为对象（至多 32 项）", "must be an object of at most 32 entries");
      return std::nullopt;
    }
    std::map<std::string, std::string> out;
    for (const auto& [k, x] : v.items()) {
      if (!x.is_string() || !code_like(k) || !check(k, x.get<std::string>())) {
        f.fail(name, "无效的项：" + k, "invalid entry: " + k);
        continue;
      }
      out.emplace(k, x.get<std::string>());
    }
    return out;
  };
  in.units = pairs("units", [](const std::string& code, const std::string& unit) {
    static const std::set<std::string> aqi = {"a21026", "a21004", "a21005", "a05024", "a34002", "a34004"};
    return aqi.count(code) == 1 && (unit == "ug/m3" || unit == "mg/m3" || unit == "ng/m3");
  });
  in.aliases = pairs("aliases", [](const std::string&, const std::string& to) { return code_like(to); });
  if (body.contains("enabled")) {
    if (!body["enabled"].is_boolean())
      f.fail("enabled", "应为 true 或 false", "must be true or false");
    else
      in.enabled = body["enabled"].get<bool>();
  }
  if (!create) in.version = static_cast<int>(f.integer("version", 1, INT32_MAX));
  f.done();
  return in;
}

std::vector<Station> StationService::list(const Principal& who) {
  if (!who.can("environment:read")) throw Error::forbidden();
  return rt_.db.read([&](soci::session& sql) {
    std::vector<Station> out;
    soci::rowset<soci::row> rows =
        sql.prepare << fmt::format("SELECT {} FROM env_stations s WHERE {} ORDER BY s.name, s.id", kColumns,
                                   scope_condition(who));
    for (const auto& r : rows) out.push_back(station_of(r));
    return out;
  });
}

Station StationService::get(const Principal& who, std::int64_t id) {
  if (!who.can("environment:read")) throw Error::forbidden();
  auto s = rt_.db.read([&](soci::session& sql) { return load(sql, id, scope_condition(who)); });
  if (!s) throw Error::not_found("站点不存在", "no such station");
  return *s;
}

Station StationService::prepare_new(const StationInput& in) {
  Station s;
  s.mn = *in.mn;
  s.name = *in.name;
  s.kind = in.kind.value_or("county");
  s.protocol = in.protocol.value_or("2017");
  s.lng = in.lng;
  s.lat = in.lat;
  s.factors = in.factors.value_or(std::vector<std::string>{});
  s.units = in.units.value_or(std::map<std::string, std::string>{});
  s.aliases = in.aliases.value_or(std::map<std::string, std::string>{});
  s.enabled = in.enabled.value_or(true);
  locate(rt_, s);
  return s;
}

void StationService::insert(Tx& tx, const platform::Actor& actor, Station& s, const std::string& password) {
  s.created_at = s.updated_at = platform::now_ms();
  const std::string hash = platform::sha256_hex(password), factors = join(s.factors), units = join_pairs(s.units),
                    aliases = join_pairs(s.aliases);
  platform::Nullable<double> lng(s.lng), lat(s.lat);
  platform::Nullable<long long> region(s.region_id), town(s.town_id);
  long long at = s.created_at, id = 0;
  int enabled = s.enabled ? 1 : 0;
  tx.sql << "INSERT INTO env_stations (mn, name, kind, lng, lat, region_id, town_id, password_hash, factors, protocol, "
            "enabled, created_at, updated_at, units, aliases) VALUES (:mn, :name, :kind, :lng, :lat, :region, :town, "
            ":hash, :factors, :protocol, :enabled, :at, :at2, :units, :aliases) RETURNING id",
      soci::use(s.mn), soci::use(s.name), soci::use(s.kind), soci::use(lng.value, lng.ind),
      soci::use(lat.value, lat.ind), soci::use(region.value, region.ind), soci::use(town.value, town.ind),
      soci::use(hash), soci::use(factors), soci::use(s.protocol), soci::use(enabled), soci::use(at), soci::use(at),
      soci::use(units), soci::use(aliases), soci::into(id);
  s.id = id;
  if (changed_) tx.after_commit(changed_);
  platform::audit_operation(tx, actor, "env_station", std::to_string(s.id), "create", nullptr, station_json(s));
}

Station StationService::write_new(const platform::Actor& actor, const StationInput& in) {
  Station s = prepare_new(in);
  return rt_.db.write([&](Tx& tx) {
    insert(tx, actor, s, *in.password);
    return s;
  });
}

int StationService::add_missing(const platform::Actor& actor, const std::vector<StationInput>& inputs) {
  std::vector<Station> prepared;
  for (const auto& in : inputs) prepared.push_back(prepare_new(in));
  return rt_.db.write([&](Tx& tx) {
    std::set<std::string> known;
    soci::rowset<std::string> rows = tx.sql.prepare << "SELECT mn FROM env_stations";
    for (const auto& mn : rows) known.insert(mn);
    int added = 0;
    for (std::size_t i = 0; i < prepared.size(); ++i) {
      if (!known.insert(prepared[i].mn).second) continue;
      insert(tx, actor, prepared[i], *inputs[i].password);
      ++added;
    }
    return added;
  });
}

std::optional<Station> StationService::by_mn(const std::string& mn) {
  return rt_.db.read([&](soci::session& sql) -> std::optional<Station> {
    soci::rowset<soci::row> rows =
        (sql.prepare << fmt::format("SELECT {} FROM env_stations s WHERE s.mn = :mn", kColumns), soci::use(mn));
    for (const auto& r : rows) return station_of(r);
    return std::nullopt;
  });
}

Station StationService::create(const Principal& who, const platform::Actor& actor, const StationInput& in) {
  if (!who.can("environment:config")) throw Error::forbidden("无权管理监测站点", "you may not manage stations");
  return write_new(actor, in);
}

Station StationService::add(const platform::Actor& actor, const StationInput& in) { return write_new(actor, in); }

Station StationService::update(const Principal& who, const platform::Actor& actor, std::int64_t id,
                               const StationInput& in) {
  if (!who.can("environment:config")) throw Error::forbidden("无权管理监测站点", "you may not manage stations");
  auto before = get(who, id);
  Station s = before;
  if (in.mn) s.mn = *in.mn;
  if (in.name) s.name = *in.name;
  if (in.kind) s.kind = *in.kind;
  if (in.protocol) s.protocol = *in.protocol;
  if (in.factors) s.factors = *in.factors;
  if (in.units) s.units = *in.units;
  if (in.aliases) s.aliases = *in.aliases;
  if (in.enabled) s.enabled = *in.enabled;
  if (in.clear_location) {
    s.lng.reset();
    s.lat.reset();
  } else if (in.lng && in.lat) {
    s.lng = in.lng;
    s.lat = in.lat;
  }
  locate(rt_, s);
  return rt_.db.write([&](Tx& tx) {
    s.updated_at = platform::now_ms();
    s.version = before.version + 1;
    const std::string factors = join(s.factors), units = join_pairs(s.units), aliases = join_pairs(s.aliases);
    platform::Nullable<double> lng(s.lng), lat(s.lat);
    platform::Nullable<long long> region(s.region_id), town(s.town_id);
    long long at = s.updated_at, sid = id;
    int enabled = s.enabled ? 1 : 0, version = *in.version;
    soci::statement st =
        (tx.sql.prepare
             << "UPDATE env_stations SET mn = :mn, name = :name, kind = :kind, lng = :lng, lat = :lat, "
                "region_id = :region, town_id = :town, factors = :factors, protocol = :protocol, "
                "enabled = :enabled, updated_at = :at, units = :units, aliases = :aliases, version = version + 1 "
                "WHERE id = :id AND version = :v",
         soci::use(s.mn), soci::use(s.name), soci::use(s.kind), soci::use(lng.value, lng.ind),
         soci::use(lat.value, lat.ind), soci::use(region.value, region.ind), soci::use(town.value, town.ind),
         soci::use(factors), soci::use(s.protocol), soci::use(enabled), soci::use(at), soci::use(units),
         soci::use(aliases), soci::use(sid), soci::use(version));
    st.execute(true);
    if (st.get_affected_rows() != 1)
      throw Error::conflict("stale", "站点已被他人修改，请刷新后重试",
                            "the station changed meanwhile; reload and retry");
    if (in.password) {
      const std::string hash = platform::sha256_hex(*in.password);
      tx.sql << "UPDATE env_stations SET password_hash = :h WHERE id = :id", soci::use(hash), soci::use(sid);
    }
    auto after = station_json(s);
    if (in.password) after["password_changed"] = true;
    if (changed_) tx.after_commit(changed_);
    platform::audit_operation(tx, actor, "env_station", std::to_string(id), "update", station_json(before), after);
    return s;
  });
}

}  // namespace ecity::environment
