#include "environment/water_service.h"

#include "environment/readings.h"
#include "environment/stations.h"

#include "platform/db/row.h"
#include "platform/error.h"
#include "platform/http/fields.h"
#include "platform/numeric/decimal.h"
#include "platform/runtime.h"

#include <fmt/format.h>

#include <cstdlib>
#include <map>

namespace ecity::environment {

namespace {

using ecity::Error;
using platform::Principal;
using platform::Tx;

constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kMaxPeriodDays = 3660;

constexpr const char* kColumns =
    "w.id, w.code, w.name, w.river, w.kind, w.control, w.target_class, w.lng, w.lat, w.region_id, w.town_id, "
    "w.enabled, w.created_at, w.updated_at, w.version";
// National sections first, then provincial, city and county ones.
constexpr const char* kOrder =
    "CASE w.control WHEN 'national' THEN 1 WHEN 'provincial' THEN 2 WHEN 'city' THEN 3 ELSE 4 END, w.name, w.id";

WaterSection section_of(const soci::row& r) {
  WaterSection s;
  s.id = platform::get_i64(r, 0);
  s.code = platform::get_str(r, 1);
  s.name = platform::get_str(r, 2);
  s.river = platform::get_str(r, 3);
  s.kind = water_body_from(platform::get_str(r, 4)).value_or(WaterBody::kRiver);
  s.control = platform::get_str(r, 5);
  s.target_class = static_cast<int>(platform::get_i64(r, 6));
  s.lng = platform::opt_f64(r, 7);
  s.lat = platform::opt_f64(r, 8);
  s.region_id = platform::opt_i64(r, 9);
  s.town_id = platform::opt_i64(r, 10);
  s.enabled = platform::get_i64(r, 11) != 0;
  s.created_at = platform::get_i64(r, 12);
  s.updated_at = platform::get_i64(r, 13);
  s.version = static_cast<int>(platform::get_i64(r, 14));
  return s;
}

std::string kind_code(WaterBody b) { return b == WaterBody::kLake ? "lake" : "river"; }

struct SampleRow {
  std::int64_t id = 0, section_id = 0;
  std::string sampled_on;
  WaterSample values{};
  std::string measured, note, source;
  std::int64_t created_at = 0, updated_at = 0;
  int version = 1;
};

constexpr const char* kSampleColumns =
    "m.id, m.section_id, m.sampled_on, m.measured, m.note, m.source, m.created_at, m.updated_at, m.version";

SampleRow sample_of(const soci::row& r) {
  SampleRow m;
  m.id = platform::get_i64(r, 0);
  m.section_id = platform::get_i64(r, 1);
  m.sampled_on = platform::get_str(r, 2);
  m.measured = platform::get_str(r, 3);
  m.values = water_sample_of(m.measured);
  m.note = platform::get_str(r, 4);
  m.source = platform::get_str(r, 5);
  m.created_at = platform::get_i64(r, 6);
  m.updated_at = platform::get_i64(r, 7);
  m.version = static_cast<int>(platform::get_i64(r, 8));
  return m;
}

std::string scope_of(const Principal& who) { return located_scope(who, "w.region_id"); }

std::optional<WaterSection> load_section(soci::session& sql, std::int64_t id, const std::string& scope) {
  long long sid = id;
  soci::rowset<soci::row> rows =
      (sql.prepare << fmt::format("SELECT {} FROM env_water_sections w WHERE w.id = :id AND ({})", kColumns, scope),
       soci::use(sid));
  for (const auto& r : rows) return section_of(r);
  return std::nullopt;
}

std::optional<SampleRow> load_sample(soci::session& sql, std::int64_t id) {
  long long sid = id;
  soci::rowset<soci::row> rows =
      (sql.prepare << fmt::format("SELECT {} FROM env_water_samples m WHERE m.id = :id", kSampleColumns),
       soci::use(sid));
  for (const auto& r : rows) return sample_of(r);
  return std::nullopt;
}

std::string today(std::int64_t now_ms) { return local_time_text(now_ms).substr(0, 10); }

nlohmann::json class_json(std::optional<int> c) { return c ? nlohmann::json(*c) : nlohmann::json(nullptr); }

// The class of some values against a section's target: {class, class_name, quality, quality_en,
// meets_target, exceeding}.
nlohmann::json assessment_json(const WaterSection& s, const WaterSample& values) {
  const auto r = classify(s.kind, values);
  nlohmann::json exceeding = nlohmann::json::array();
  for (const auto& e : r.exceeding) {
    const auto i = water_indicator_index(e.code);
    exceeding.push_back(
        {{"code", e.code},
         {"name", i ? water_indicators()[*i].name : std::string_view{}},
         {"class", e.water_class},
         {"class_name", class_name(e.water_class)},
         {"multiple", e.multiple_hundredths ? nlohmann::json(static_cast<double>(*e.multiple_hundredths) / 100.0)
                                            : nlohmann::json(nullptr)}});
  }
  const int c = r.water_class.value_or(0);
  return {{"class", class_json(r.water_class)},
          {"class_name", class_name(c)},
          {"quality", water_quality_zh(c)},
          {"quality_en", water_quality_en(c)},
          {"meets_target", r.water_class ? nlohmann::json(*r.water_class <= s.target_class) : nlohmann::json(nullptr)},
          {"exceeding", exceeding}};
}

nlohmann::json values_json(const WaterSample& v) {
  nlohmann::json out = nlohmann::json::object();
  for (std::size_t i = 0; i < kWaterIndicators; ++i)
    if (v[i]) out[std::string(water_indicators()[i].code)] = static_cast<double>(*v[i]) / 1e6;
  return out;
}

nlohmann::json sample_json(const WaterSection& s, const SampleRow& m) {
  auto j = assessment_json(s, m.values);
  j["id"] = m.id;
  j["section_id"] = m.section_id;
  j["sampled_on"] = m.sampled_on;
  j["values"] = values_json(m.values);
  j["note"] = m.note;
  j["source"] = m.source;
  j["version"] = m.version;
  j["created_at"] = m.created_at;
  j["updated_at"] = m.updated_at;
  return j;
}

// A section with its class over the samples given (those of the period, oldest first).
nlohmann::json section_item(const WaterSection& s, const std::vector<SampleRow>& samples) {
  auto j = water_section_json(s);
  std::vector<WaterSample> all;
  std::map<std::string, std::vector<WaterSample>> months;
  for (const auto& m : samples) {
    all.push_back(m.values);
    months[m.sampled_on.substr(0, 7)].push_back(m.values);
  }
  j["period"] = assessment_json(s, average(all));
  j["period"]["samples"] = all.size();
  nlohmann::json month_items = nlohmann::json::array();
  for (const auto& [month, values] : months) {
    const auto a = assessment_json(s, average(values));
    month_items.push_back({{"month", month},
                           {"samples", values.size()},
                           {"class", a["class"]},
                           {"class_name", a["class_name"]},
                           {"meets_target", a["meets_target"]}});
  }
  j["months"] = month_items;
  if (samples.empty()) {
    j["latest"] = nullptr;
  } else {
    const auto a = assessment_json(s, samples.back().values);
    j["latest"] = {{"sampled_on", samples.back().sampled_on},
                   {"class", a["class"]},
                   {"class_name", a["class_name"]},
                   {"meets_target", a["meets_target"]}};
  }
  return j;
}

// A share in percent to one decimal (GB/T 8170), or null without a denominator.
nlohmann::json percent(std::size_t part, std::size_t whole) {
  if (whole == 0) return nullptr;
  return static_cast<double>(
             platform::round_half_even(static_cast<std::int64_t>(part) * 1000, static_cast<std::int64_t>(whole))) /
         10.0;
}

// The samples of some sections over a period, oldest first, grouped by section.
std::map<std::int64_t, std::vector<SampleRow>> load_samples(soci::session& sql, const std::string& scope,
                                                            const std::string& from, const std::string& to,
                                                            std::optional<std::int64_t> section) {
  std::map<std::int64_t, std::vector<SampleRow>> out;
  long long only = section.value_or(0);
  soci::rowset<soci::row> rows =
      (sql.prepare << fmt::format("SELECT {} FROM env_water_samples m JOIN env_water_sections w ON w.id = "
                                  "m.section_id WHERE m.sampled_on >= :f AND m.sampled_on <= :t AND ({}) AND "
                                  "(:only = 0 OR m.section_id = :only2) ORDER BY m.section_id, m.sampled_on",
                                  kSampleColumns, scope),
       soci::use(from), soci::use(to), soci::use(only), soci::use(only));
  for (const auto& r : rows) {
    auto m = sample_of(r);
    out[m.section_id].push_back(std::move(m));
  }
  return out;
}

Error forbidden_config() {
  return Error::forbidden("无权管理水质断面与监测数据", "you may not manage water sections and samples");
}

void check_date(const std::string& date, std::int64_t now_ms, const std::string& field) {
  if (!local_midnight_ms(date))
    throw Error::invalid("validation", "日期应为 YYYY-MM-DD", "the date must be YYYY-MM-DD")
        .on_field(field, "日期无效");
  if (date > today(now_ms))
    throw Error::invalid("validation", "采样日期不能晚于今天", "the sampling date lies in the future")
        .on_field(field, "不能晚于今天");
}

}  // namespace

nlohmann::json water_section_json(const WaterSection& s) {
  auto opt = [](const auto& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  return {{"id", s.id},
          {"code", s.code},
          {"name", s.name},
          {"river", s.river},
          {"kind", kind_code(s.kind)},
          {"control", s.control},
          {"target_class", s.target_class},
          {"target_class_name", class_name(s.target_class)},
          {"lng", opt(s.lng)},
          {"lat", opt(s.lat)},
          {"region_id", opt(s.region_id)},
          {"town_id", opt(s.town_id)},
          {"enabled", s.enabled},
          {"created_at", s.created_at},
          {"updated_at", s.updated_at},
          {"version", s.version}};
}

std::pair<std::string, std::string> water_period(const std::optional<std::string>& from,
                                                 const std::optional<std::string>& to, std::int64_t now_ms) {
  const std::string t = to.value_or(today(now_ms));
  const std::string f = from.value_or(t.substr(0, 4) + "-01-01");
  const auto fm = local_midnight_ms(f), tm = local_midnight_ms(t);
  auto bad = [](const char* field, const char* zh, const char* en) {
    return Error::invalid("validation", zh, en).on_field(field, zh);
  };
  if (!fm) throw bad("from", "日期应为 YYYY-MM-DD", "from must be a date YYYY-MM-DD");
  if (!tm) throw bad("to", "日期应为 YYYY-MM-DD", "to must be a date YYYY-MM-DD");
  if (*tm < *fm) throw bad("to", "结束日期早于开始日期", "to is before from");
  if ((*tm - *fm) / kDayMs >= kMaxPeriodDays) throw bad("to", "时段不能超过十年", "a period holds at most ten years");
  return {f, t};
}

WaterSectionInput parse_water_section(const nlohmann::json& body, bool create) {
  platform::Fields f(body,
                     {"code", "name", "river", "kind", "control", "target_class", "lng", "lat", "enabled", "version"});
  WaterSectionInput in;
  if (create || body.contains("code")) {
    in.code = f.str("code", 32);
    for (char c : *in.code)
      if (static_cast<unsigned char>(c) < 0x21 || c == ',' || c == ';')
        f.fail("code", "断面编码不能含空白、逗号或分号", "the code may not hold blanks, commas or semicolons");
  }
  if (create || body.contains("name")) in.name = f.str("name", 64);
  if (body.contains("river")) in.river = f.opt_str("river", 64).value_or("");
  if (create || body.contains("kind")) {
    const auto kind = f.str("kind", 8);
    in.kind = water_body_from(kind);
    if (!in.kind && !kind.empty()) f.fail("kind", "水体类型应为 river 或 lake", "kind must be river or lake");
  }
  if (create || body.contains("control")) {
    in.control = f.str("control", 16);
    if (*in.control != "national" && *in.control != "provincial" && *in.control != "city" && *in.control != "county" &&
        !in.control->empty())
      f.fail("control", "控制级别应为 national、provincial、city 或 county",
             "control must be national, provincial, city or county");
  }
  if (create || body.contains("target_class")) in.target_class = static_cast<int>(f.integer("target_class", 1, 5));
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
  in.clear_location = body.contains("lng") && body["lng"].is_null() && body.contains("lat") && body["lat"].is_null();
  if (!in.clear_location && in.lng.has_value() != in.lat.has_value())
    f.fail("lng", "经纬度须同时填写", "give both lng and lat");
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

WaterSampleInput parse_water_sample(const nlohmann::json& body, bool create) {
  platform::Fields f(body, {"sampled_on", "values", "note", "version"});
  WaterSampleInput in;
  if (create) in.sampled_on = f.str("sampled_on", 10);
  if (body.contains("note")) in.note = f.opt_str("note", 200).value_or("");
  if (create || body.contains("values")) {
    const auto* v = body.contains("values") ? &body["values"] : nullptr;
    if (v == nullptr || !v->is_object() || v->empty()) {
      f.fail("values", "至少填写一项监测值", "give at least one measured value");
    } else {
      WaterSample s{};
      bool bad = false;
      for (const auto& [code, x] : v->items()) {
        const std::string field = "values." + code;
        const auto i = water_indicator_index(code);
        if (!i) {
          f.fail(field, "未知指标：" + code, "unknown indicator: " + code);
          bad = true;
          continue;
        }
        if (x.is_null()) continue;
        // A JSON number is read through its shortest text (0.15 stays 0.15), a string as written.
        const std::string text = x.is_string()   ? x.get<std::string>()
                                 : x.is_number() ? platform::plain_decimal(x.dump())
                                                 : std::string{};
        const auto value = text.empty() ? std::nullopt : parse_water_value(*i, text);
        bad = bad || !value;
        if (!value)
          f.fail(field, *i == 0 ? "pH 应为 0–14 之间的数值（至多 6 位小数）" : "应为非负数值（mg/L，至多 6 位小数）",
                 *i == 0 ? "pH must be a number from 0 to 14 (at most 6 decimals)"
                         : "must be a non-negative number in mg/L (at most 6 decimals)");
        else
          s[*i] = *value;
      }
      bool any = false;
      for (const auto& x : s) any = any || x.has_value();
      if (!any && !bad) f.fail("values", "至少填写一项监测值", "give at least one measured value");
      in.values = s;
    }
  }
  if (!create) in.version = static_cast<int>(f.integer("version", 1, INT32_MAX));
  f.done();
  return in;
}

nlohmann::json WaterService::sections(const Principal& who, const std::string& from, const std::string& to) {
  if (!who.can("environment:read")) throw Error::forbidden();
  const auto scope = scope_of(who);
  return rt_.db.read([&](soci::session& sql) {
    auto samples = load_samples(sql, scope, from, to, std::nullopt);
    nlohmann::json items = nlohmann::json::array();
    std::array<std::size_t, kWorseThanV> by_class{};
    std::size_t sections = 0, assessed = 0, meeting = 0, good = 0;
    soci::rowset<soci::row> rows =
        sql.prepare << fmt::format("SELECT {} FROM env_water_sections w WHERE {} ORDER BY {}", kColumns, scope, kOrder);
    for (const auto& r : rows) {
      const auto s = section_of(r);
      auto item = section_item(s, samples[s.id]);
      ++sections;
      const auto& c = item["period"]["class"];
      if (c.is_number()) {
        const int k = c.get<int>();
        ++assessed;
        ++by_class[static_cast<std::size_t>(k - 1)];
        if (k <= s.target_class) ++meeting;
        if (k <= 3) ++good;
      }
      items.push_back(std::move(item));
    }
    return nlohmann::json{{"from", from},
                          {"to", to},
                          {"summary",
                           {{"sections", sections},
                            {"assessed", assessed},
                            {"meeting_target", meeting},
                            {"meeting_rate", percent(meeting, assessed)},
                            {"good", good},
                            {"good_rate", percent(good, assessed)},
                            {"worse_than_v", by_class[kWorseThanV - 1]},
                            {"by_class", by_class}}},
                          {"items", items}};
  });
}

nlohmann::json WaterService::section(const Principal& who, std::int64_t id, const std::string& from,
                                     const std::string& to) {
  if (!who.can("environment:read")) throw Error::forbidden();
  const auto scope = scope_of(who);
  return rt_.db.read([&](soci::session& sql) {
    const auto s = load_section(sql, id, scope);
    if (!s) throw Error::not_found("断面不存在", "no such section");
    auto samples = load_samples(sql, scope, from, to, id)[id];
    nlohmann::json list = nlohmann::json::array();
    for (auto it = samples.rbegin(); it != samples.rend(); ++it) list.push_back(sample_json(*s, *it));
    return nlohmann::json{{"from", from}, {"to", to}, {"section", section_item(*s, samples)}, {"samples", list}};
  });
}

WaterSection WaterService::insert_section(const platform::Actor& actor, const WaterSectionInput& in) {
  WaterSection s;
  s.code = *in.code;
  s.name = *in.name;
  s.river = in.river.value_or("");
  s.kind = *in.kind;
  s.control = *in.control;
  s.target_class = *in.target_class;
  s.lng = in.lng;
  s.lat = in.lat;
  s.enabled = in.enabled.value_or(true);
  const auto at = locate_point(rt_, s.lng, s.lat);
  s.region_id = at.region_id;
  s.town_id = at.town_id;
  return rt_.db.write([&](Tx& tx) {
    long long known = 0;
    tx.sql << "SELECT COUNT(*) FROM env_water_sections WHERE code = :c", soci::use(s.code), soci::into(known);
    if (known > 0)
      throw Error::conflict("duplicate", "断面编码已存在：" + s.code, "a section has this code already: " + s.code);
    s.created_at = s.updated_at = platform::now_ms();
    const std::string kind = kind_code(s.kind);
    platform::Nullable<double> lng(s.lng), lat(s.lat);
    platform::Nullable<long long> region(s.region_id), town(s.town_id);
    long long created = s.created_at, id = 0;
    int enabled = s.enabled ? 1 : 0, target = s.target_class;
    tx.sql << "INSERT INTO env_water_sections (code, name, river, kind, control, target_class, lng, lat, region_id, "
              "town_id, enabled, created_at, updated_at) VALUES (:code, :name, :river, :kind, :control, :target, "
              ":lng, :lat, :region, :town, :enabled, :at, :at2) RETURNING id",
        soci::use(s.code), soci::use(s.name), soci::use(s.river), soci::use(kind), soci::use(s.control),
        soci::use(target), soci::use(lng.value, lng.ind), soci::use(lat.value, lat.ind),
        soci::use(region.value, region.ind), soci::use(town.value, town.ind), soci::use(enabled), soci::use(created),
        soci::use(created), soci::into(id);
    s.id = id;
    platform::audit_operation(tx, actor, "env_water_section", std::to_string(s.id), "create", nullptr,
                              water_section_json(s));
    return s;
  });
}

WaterSection WaterService::create_section(const Principal& who, const platform::Actor& actor,
                                          const WaterSectionInput& in) {
  if (!who.can("environment:config")) throw forbidden_config();
  return insert_section(actor, in);
}

WaterSection WaterService::add_section(const platform::Actor& actor, const WaterSectionInput& in) {
  return insert_section(actor, in);
}

std::optional<WaterSection> WaterService::by_code(const std::string& code) {
  return rt_.db.read([&](soci::session& sql) -> std::optional<WaterSection> {
    soci::rowset<soci::row> rows =
        (sql.prepare << fmt::format("SELECT {} FROM env_water_sections w WHERE w.code = :c", kColumns),
         soci::use(code));
    for (const auto& r : rows) return section_of(r);
    return std::nullopt;
  });
}

WaterSection WaterService::update_section(const Principal& who, const platform::Actor& actor, std::int64_t id,
                                          const WaterSectionInput& in) {
  if (!who.can("environment:config")) throw forbidden_config();
  const auto scope = scope_of(who);
  const auto before = rt_.db.read([&](soci::session& sql) { return load_section(sql, id, scope); });
  if (!before) throw Error::not_found("断面不存在", "no such section");
  WaterSection s = *before;
  if (in.code) s.code = *in.code;
  if (in.name) s.name = *in.name;
  if (in.river) s.river = *in.river;
  if (in.kind) s.kind = *in.kind;
  if (in.control) s.control = *in.control;
  if (in.target_class) s.target_class = *in.target_class;
  if (in.enabled) s.enabled = *in.enabled;
  if (in.clear_location) {
    s.lng.reset();
    s.lat.reset();
  } else if (in.lng && in.lat) {
    s.lng = in.lng;
    s.lat = in.lat;
  }
  const auto at = locate_point(rt_, s.lng, s.lat);
  s.region_id = at.region_id;
  s.town_id = at.town_id;
  return rt_.db.write([&](Tx& tx) {
    long long clash = 0, sid = id;
    tx.sql << "SELECT COUNT(*) FROM env_water_sections WHERE code = :c AND id <> :id", soci::use(s.code),
        soci::use(sid), soci::into(clash);
    if (clash > 0)
      throw Error::conflict("duplicate", "断面编码已存在：" + s.code, "a section has this code already: " + s.code);
    s.updated_at = platform::now_ms();
    s.version = before->version + 1;
    const std::string kind = kind_code(s.kind);
    platform::Nullable<double> lng(s.lng), lat(s.lat);
    platform::Nullable<long long> region(s.region_id), town(s.town_id);
    long long updated = s.updated_at;
    int enabled = s.enabled ? 1 : 0, target = s.target_class, version = *in.version;
    soci::statement st =
        (tx.sql.prepare << "UPDATE env_water_sections SET code = :code, name = :name, river = :river, kind = :kind, "
                           "control = :control, target_class = :target, lng = :lng, lat = :lat, region_id = :region, "
                           "town_id = :town, enabled = :enabled, updated_at = :at, version = version + 1 "
                           "WHERE id = :id AND version = :v",
         soci::use(s.code), soci::use(s.name), soci::use(s.river), soci::use(kind), soci::use(s.control),
         soci::use(target), soci::use(lng.value, lng.ind), soci::use(lat.value, lat.ind),
         soci::use(region.value, region.ind), soci::use(town.value, town.ind), soci::use(enabled), soci::use(updated),
         soci::use(sid), soci::use(version));
    st.execute(true);
    if (st.get_affected_rows() != 1)
      throw Error::conflict("stale", "断面已被他人修改，请刷新后重试",
                            "the section changed meanwhile; reload and retry");
    platform::audit_operation(tx, actor, "env_water_section", std::to_string(id), "update", water_section_json(*before),
                              water_section_json(s));
    return s;
  });
}

nlohmann::json WaterService::add_sample(const Principal& who, const platform::Actor& actor, std::int64_t section,
                                        const WaterSampleInput& in) {
  if (!who.can("environment:config")) throw forbidden_config();
  const auto now = platform::now_ms();
  check_date(*in.sampled_on, now, "sampled_on");
  const auto scope = scope_of(who);
  return rt_.db.write([&](Tx& tx) {
    const auto s = load_section(tx.sql, section, scope);
    if (!s) throw Error::not_found("断面不存在", "no such section");
    SampleRow m;
    m.section_id = s->id;
    m.sampled_on = *in.sampled_on;
    m.values = *in.values;
    m.measured = water_sample_text(m.values);
    m.note = in.note.value_or("");
    m.source = "manual";
    m.created_at = m.updated_at = now;
    long long sid = s->id, known = 0, at = now, id = 0;
    tx.sql << "SELECT COUNT(*) FROM env_water_samples WHERE section_id = :s AND sampled_on = :d", soci::use(sid),
        soci::use(m.sampled_on), soci::into(known);
    if (known > 0)
      throw Error::conflict("duplicate", "该断面当日已有监测数据，请修正原记录",
                            "the section has a sample of that day already; correct it instead");
    tx.sql << "INSERT INTO env_water_samples (section_id, sampled_on, measured, note, source, created_at, updated_at) "
              "VALUES (:s, :d, :m, :n, 'manual', :a, :a2) RETURNING id",
        soci::use(sid), soci::use(m.sampled_on), soci::use(m.measured), soci::use(m.note), soci::use(at), soci::use(at),
        soci::into(id);
    m.id = id;
    auto out = sample_json(*s, m);
    platform::audit_operation(tx, actor, "env_water_sample", std::to_string(m.id), "create", nullptr,
                              {{"section", s->code}, {"sampled_on", m.sampled_on}, {"measured", m.measured}});
    return out;
  });
}

nlohmann::json WaterService::correct_sample(const Principal& who, const platform::Actor& actor, std::int64_t id,
                                            const WaterSampleInput& in) {
  if (!who.can("environment:config")) throw forbidden_config();
  const auto scope = scope_of(who);
  return rt_.db.write([&](Tx& tx) {
    auto m = load_sample(tx.sql, id);
    const auto s = m ? load_section(tx.sql, m->section_id, scope) : std::nullopt;
    if (!s) throw Error::not_found("监测数据不存在", "no such sample");
    const auto before = *m;
    if (in.values) {
      m->values = *in.values;
      m->measured = water_sample_text(m->values);
    }
    if (in.note) m->note = *in.note;
    m->updated_at = platform::now_ms();
    m->version = before.version + 1;
    long long sid = id, at = m->updated_at;
    int version = *in.version;
    soci::statement st =
        (tx.sql.prepare << "UPDATE env_water_samples SET measured = :m, note = :n, updated_at = :a, "
                           "version = version + 1 WHERE id = :id AND version = :v",
         soci::use(m->measured), soci::use(m->note), soci::use(at), soci::use(sid), soci::use(version));
    st.execute(true);
    if (st.get_affected_rows() != 1)
      throw Error::conflict("stale", "监测数据已被他人修改，请刷新后重试",
                            "the sample changed meanwhile; reload and retry");
    platform::audit_operation(tx, actor, "env_water_sample", std::to_string(id), "update",
                              {{"measured", before.measured}, {"note", before.note}, {"version", before.version}},
                              {{"measured", m->measured}, {"note", m->note}, {"version", m->version}});
    return sample_json(*s, *m);
  });
}

WaterImportResult WaterService::import_samples(const Principal* who, const platform::Actor& actor,
                                               const std::vector<WaterCsvSample>& samples) {
  if (who != nullptr && !who->can("environment:config")) throw forbidden_config();
  const auto now = platform::now_ms();
  const std::string last = today(now), scope = who != nullptr ? scope_of(*who) : "1 = 1";
  return rt_.db.write([&](Tx& tx) {
    std::map<std::string, std::int64_t> ids;
    soci::rowset<soci::row> rows = tx.sql.prepare
                                   << fmt::format("SELECT w.id, w.code FROM env_water_sections w WHERE {}", scope);
    for (const auto& r : rows) ids.emplace(platform::get_str(r, 1), platform::get_i64(r, 0));
    WaterImportResult result;
    long long at = now;
    for (const auto& x : samples) {
      ++result.lines;
      auto it = ids.find(x.section);
      if (it == ids.end())
        throw Error::invalid("csv-invalid", fmt::format("第 {} 行：没有编码为 {} 的断面", x.line, x.section),
                             fmt::format("line {}: no section has the code {}", x.line, x.section));
      if (x.date > last)
        throw Error::invalid("csv-invalid", fmt::format("第 {} 行：采样日期晚于今天：{}", x.line, x.date),
                             fmt::format("line {}: the sampling date lies in the future: {}", x.line, x.date));
      const std::string measured = water_sample_text(x.values);
      long long sid = it->second;
      std::string stored;
      soci::indicator ind = soci::i_null;
      tx.sql << "SELECT measured FROM env_water_samples WHERE section_id = :s AND sampled_on = :d", soci::use(sid),
          soci::use(x.date), soci::into(stored, ind);
      if (tx.sql.got_data()) {
        if (stored != measured)
          throw Error::conflict(
              "duplicate",
              fmt::format("第 {} 行：{} 在 {} 已有不同的监测值（请在控制台修正）", x.line, x.section, x.date),
              fmt::format("line {}: {} has other values on {} (correct them in the console)", x.line, x.section,
                          x.date));
        ++result.unchanged;
        continue;
      }
      tx.sql << "INSERT INTO env_water_samples (section_id, sampled_on, measured, source, created_at, updated_at) "
                "VALUES (:s, :d, :m, 'import', :a, :a2)",
          soci::use(sid), soci::use(x.date), soci::use(measured), soci::use(at), soci::use(at);
      ++result.added;
    }
    platform::audit_operation(tx, actor, "env_water_sample", "import", "import", nullptr,
                              {{"lines", result.lines}, {"added", result.added}, {"unchanged", result.unchanged}});
    return result;
  });
}

}  // namespace ecity::environment
