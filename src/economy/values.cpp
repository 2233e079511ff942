#include "economy/values.h"

#include "platform/audit/export.h"
#include "platform/calendar/working_hours.h"
#include "platform/db/row.h"
#include "platform/error.h"
#include "platform/http/fields.h"
#include "platform/numeric/decimal.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>

namespace ecity::economy {

using platform::Principal;
using platform::Tx;

namespace {

constexpr const char* kFigureColumns =
    "id, indicator, area, period, year, idx, value, growth, caliber, growth_conflict, source, revision, "
    "updated_by_name, updated_at";

Figure figure_of(const soci::row& r) {
  Figure f;
  f.id = platform::get_i64(r, 0);
  f.indicator = platform::get_str(r, 1);
  f.area = platform::get_str(r, 2);
  f.period = platform::get_str(r, 3);
  f.at = {static_cast<int>(platform::get_i64(r, 4)), static_cast<int>(platform::get_i64(r, 5))};
  f.value = platform::opt_i64(r, 6);
  f.growth = platform::opt_i64(r, 7);
  f.caliber = platform::get_str(r, 8);
  f.growth_conflict = platform::get_i64(r, 9) != 0;
  f.source = platform::get_str(r, 10);
  f.revision = static_cast<int>(platform::get_i64(r, 11));
  f.updated_by = platform::get_str(r, 12);
  f.updated_at = platform::get_i64(r, 13);
  return f;
}

std::optional<Figure> load_figure(soci::session& sql, const std::string& indicator, const std::string& area,
                                  const std::string& period) {
  std::string i = indicator, a = area, p = period;
  soci::rowset<soci::row> rs =
      (sql.prepare << fmt::format("SELECT {} FROM eco_values WHERE indicator = :i AND area = :a AND period = :p",
                                  kFigureColumns),
       soci::use(i), soci::use(a), soci::use(p));
  for (const auto& r : rs) return figure_of(r);
  return std::nullopt;
}

nlohmann::json read_json_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error::invalid("file-missing", "找不到文件 " + path, "file not found: " + path);
  auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded())
    throw Error::invalid("malformed-json", "文件不是合法的 JSON：" + path, "not valid JSON: " + path);
  return j;
}

// Whether the period is over in Asia/Shanghai (figures are published after their period).
bool period_over(Frequency f, Period p) {
  const auto today = platform::local_date_of(platform::now_ms());
  const int y = static_cast<int>(today.year()), m = static_cast<int>(unsigned(today.month()));
  switch (f) {
    case Frequency::kMonthly:
      return p.year * 12 + p.index < y * 12 + m;
    case Frequency::kQuarterly:
      return p.year * 4 + p.index < y * 4 + (m - 1) / 3 + 1;
    case Frequency::kYearly:
      return p.year < y;
  }
  return false;
}

// A number as a spreadsheet may store it: a cell computed in Excel can read 9.2400000000000002
// (a binary double written with 17 significant digits). Spreadsheets show 15; so do we, for text
// with more decimals than a figure has and more than 15 significant digits. Other text is kept.
std::string spreadsheet_number(const std::string& text) {
  const auto dot = text.find('.');
  if (dot == std::string::npos || text.size() - dot - 1 <= static_cast<std::size_t>(kScale)) return text;
  const auto digits = std::count_if(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits < 16) return text;
  char* end = nullptr;
  const double d = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(d)) return text;
  auto out = platform::plain_decimal(fmt::format("{:.15g}", d));
  return out;
}

// A figure given as text ("138.74") or as a JSON number; absent or null → nullopt.
std::optional<Value> number_field(platform::Fields& fields, const nlohmann::json& body, const char* name,
                                  std::set<std::string>& bad) {
  if (!body.is_object() || !body.contains(name) || body[name].is_null()) return std::nullopt;
  const auto& j = body[name];
  std::string text;
  if (j.is_string())
    text = j.get<std::string>();
  else if (j.is_number())
    text = platform::plain_decimal(j.dump());
  if (text.empty()) {
    if (!j.is_string()) {
      fields.fail(name, "应为数字", "must be a number");
      bad.insert(name);
    }
    return std::nullopt;
  }
  auto v = parse_value(text);
  if (!v) {
    fields.fail(name, "应为数字（至多 4 位小数）", "must be a number with at most 4 decimals");
    bad.insert(name);
  }
  return v;
}

nlohmann::json text_or_null(const std::optional<Value>& v, int decimals) {
  return v ? nlohmann::json(format_value(*v, decimals)) : nlohmann::json(nullptr);
}

nlohmann::json audit_state(const Figure& f) {
  return {{"value", text_or_null(f.value, kScale)},
          {"growth", text_or_null(f.growth, kScale)},
          {"caliber", f.caliber},
          {"source", f.source},
          {"revision", f.revision}};
}

const char* kQuarterZh[] = {"", "一季度", "二季度", "三季度", "四季度"};
const char* kQuarterCumZh[] = {"", "一季度", "上半年", "前三季度", "全年"};
const char* kMonthEn[] = {"", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

}  // namespace

int growth_decimals(Value growth) { return growth % 1000 == 0 ? 1 : 2; }

const std::vector<std::string>& import_header() {
  static const std::vector<std::string> k = {"指标代码", "地区代码",    "期别", "数值",
                                             "单位",     "同比增长(%)", "口径", "来源"};
  return k;
}

std::string period_label(const Indicator& i, Period p) {
  switch (i.frequency) {
    case Frequency::kYearly:
      return fmt::format("{}年", p.year);
    case Frequency::kQuarterly:
      return i.cumulative ? kQuarterCumZh[p.index] : kQuarterZh[p.index];
    case Frequency::kMonthly:
      if (i.cumulative && p.index > 1) return fmt::format("1–{}月", p.index);
      return fmt::format("{}月", p.index);
  }
  return "";
}

std::string period_label_en(const Indicator& i, Period p) {
  switch (i.frequency) {
    case Frequency::kYearly:
      return std::to_string(p.year);
    case Frequency::kQuarterly:
      return i.cumulative && p.index > 1 ? fmt::format("Q1–Q{}", p.index) : fmt::format("Q{}", p.index);
    case Frequency::kMonthly:
      if (i.cumulative && p.index > 1) return fmt::format("Jan–{}", kMonthEn[p.index]);
      return kMonthEn[p.index];
  }
  return "";
}

nlohmann::json figure_json(const Figure& f, const Indicator& i, const std::string& area_name) {
  return {{"indicator", f.indicator},
          {"area", f.area},
          {"area_name", area_name},
          {"period", f.period},
          {"period_label", period_label(i, f.at)},
          {"value", text_or_null(f.value, i.decimals)},
          {"growth", text_or_null(f.growth, f.growth ? growth_decimals(*f.growth) : 1)},
          {"growth_conflict", f.growth_conflict},
          {"caliber", f.caliber},
          {"source", f.source},
          {"revision", f.revision},
          {"updated_by", f.updated_by},
          {"updated_at", f.updated_at}};
}

FigureService::FigureService(platform::Runtime& rt, std::string data_dir) : rt_(rt), data_dir_(std::move(data_dir)) {}

void FigureService::seed() {
  const auto catalogue = parse_catalogue(read_json_file(data_dir_ + "/economy/indicators.json"));
  const auto peers = read_json_file(data_dir_ + "/economy/peers.json");
  if (!peers.contains("peers") || !peers["peers"].is_array() || !peers.contains("group"))
    throw Error::invalid("peers-invalid", "peers.json 应为 {\"group\", \"peers\": [...]}",
                         "peers.json is {\"group\", \"peers\": [...]}");
  group_ = peers["group"].get<std::string>();
  rt_.db.write([&](Tx& tx) {
    int sort = 0;
    for (const auto& i : catalogue) {
      ++sort;
      int n = 0;
      std::string code = i.code;
      tx.sql << "SELECT COUNT(*) FROM eco_indicators WHERE code = :c", soci::use(code), soci::into(n);
      if (n > 0) continue;
      std::string name = i.name, name_en = i.name_en, unit = i.unit, basis{price_basis_code(i.price_basis)},
                  freq{frequency_code(i.frequency)}, dept = i.department;
      int cum = i.cumulative ? 1 : 0, go = i.growth_only ? 1 : 0, dec = i.decimals, s = sort;
      tx.sql << "INSERT INTO eco_indicators (code, name, name_en, unit, price_basis, frequency, cumulative, "
                "growth_only, decimals, department, sort) VALUES (:c, :n, :ne, :u, :b, :f, :cu, :g, :d, :dp, :s)",
          soci::use(code), soci::use(name), soci::use(name_en), soci::use(unit), soci::use(basis), soci::use(freq),
          soci::use(cum), soci::use(go), soci::use(dec), soci::use(dept), soci::use(s);
    }
    sort = 0;
    for (const auto& p : peers["peers"]) {
      ++sort;
      std::string code = p.value("code", ""), name = p.value("name", ""), region = p.value("region", "");
      if (code.empty() || name.empty())
        throw Error::invalid("peers-invalid", "peers.json 的每项须有 code 和 name", "each peer needs code and name");
      int n = 0;
      tx.sql << "SELECT COUNT(*) FROM eco_peers WHERE code = :c", soci::use(code), soci::into(n);
      if (n > 0) continue;
      platform::Nullable<std::string> reg(region.empty() ? std::nullopt : std::optional<std::string>(region));
      int s = sort;
      tx.sql << "INSERT INTO eco_peers (code, name, region_code, sort) VALUES (:c, :n, :r, :s)", soci::use(code),
          soci::use(name), soci::use(reg.value, reg.ind), soci::use(s);
    }
  });
  reload();
}

void FigureService::reload() {
  auto list = rt_.db.read([&](soci::session& sql) {
    nlohmann::json j = {{"indicators", nlohmann::json::array()}};
    soci::rowset<soci::row> rs = sql.prepare
                                 << "SELECT code, name, name_en, unit, price_basis, frequency, cumulative, "
                                    "growth_only, decimals, department FROM eco_indicators ORDER BY sort, code";
    for (const auto& r : rs)
      j["indicators"].push_back({{"code", platform::get_str(r, 0)},
                                 {"name", platform::get_str(r, 1)},
                                 {"name_en", platform::get_str(r, 2)},
                                 {"unit", platform::get_str(r, 3)},
                                 {"price_basis", platform::get_str(r, 4)},
                                 {"frequency", platform::get_str(r, 5)},
                                 {"cumulative", platform::get_i64(r, 6) != 0},
                                 {"growth_only", platform::get_i64(r, 7) != 0},
                                 {"decimals", platform::get_i64(r, 8)},
                                 {"department", platform::get_str(r, 9)}});
    return parse_catalogue(j);
  });
  std::lock_guard lock(mu_);
  catalogue_ = std::make_shared<const std::vector<Indicator>>(std::move(list));
}

std::shared_ptr<const std::vector<Indicator>> FigureService::indicators() const {
  std::lock_guard lock(mu_);
  return catalogue_;
}

Indicator FigureService::indicator(const std::string& code) const {
  for (const auto& i : *indicators())
    if (i.code == code) return i;
  throw Error::not_found("没有这个指标：" + code, "no such indicator: " + code);
}

Indicator FigureService::add_indicator(const Principal& who, const platform::Actor& actor, const Indicator& in) {
  if (!who.can("economy:manage")) throw Error::forbidden("无权维护指标目录", "you may not change the catalogue");
  rt_.db.write([&](Tx& tx) {
    std::string code = in.code;
    int n = 0;
    tx.sql << "SELECT COUNT(*) FROM eco_indicators WHERE code = :c", soci::use(code), soci::into(n);
    if (n > 0)
      throw Error::conflict("exists", "指标代码已存在：" + code, "the indicator code is in use: " + code)
          .on_field("code", "已存在", "in use");
    int sort = 0;
    soci::indicator sind = soci::i_null;
    tx.sql << "SELECT MAX(sort) FROM eco_indicators", soci::into(sort, sind);
    sort = (sind == soci::i_ok ? sort : 0) + 1;
    std::string name = in.name, name_en = in.name_en, unit = in.unit, basis{price_basis_code(in.price_basis)},
                freq{frequency_code(in.frequency)}, dept = in.department;
    int cum = in.cumulative ? 1 : 0, go = in.growth_only ? 1 : 0, dec = in.decimals;
    tx.sql << "INSERT INTO eco_indicators (code, name, name_en, unit, price_basis, frequency, cumulative, "
              "growth_only, decimals, department, sort) VALUES (:c, :n, :ne, :u, :b, :f, :cu, :g, :d, :dp, :s)",
        soci::use(code), soci::use(name), soci::use(name_en), soci::use(unit), soci::use(basis), soci::use(freq),
        soci::use(cum), soci::use(go), soci::use(dec), soci::use(dept), soci::use(sort);
    platform::audit_operation(tx, actor, "eco_indicator", code, "create", nullptr, indicator_json(in));
    tx.after_commit([this] { reload(); });
  });
  return in;
}

std::map<std::string, std::string> FigureService::department_names() const {
  return rt_.db.read([&](soci::session& sql) {
    std::map<std::string, std::string> out;
    soci::rowset<soci::row> rs = sql.prepare << "SELECT code, name FROM departments";
    for (const auto& r : rs) out[platform::get_str(r, 0)] = platform::get_str(r, 1);
    return out;
  });
}

std::vector<Area> FigureService::areas() const {
  return rt_.db.read([&](soci::session& sql) {
    std::vector<Area> out;
    std::map<std::string, std::string> peer_region;  // region code → its peer code
    std::vector<Area> peers;
    soci::rowset<soci::row> ps = sql.prepare << "SELECT code, name, region_code, sort FROM eco_peers ORDER BY sort";
    for (const auto& r : ps) {
      if (auto region = platform::opt_str(r, 2)) {
        peer_region[*region] = platform::get_str(r, 0);
        continue;
      }
      peers.push_back({platform::get_str(r, 0), platform::get_str(r, 1), "peer", true, "",
                       static_cast<int>(platform::get_i64(r, 3)), ""});
    }
    soci::rowset<soci::row> rs =
        sql.prepare << "SELECT code, name, level, path, sort FROM regions WHERE level IN ('district', 'town') "
                       "ORDER BY CASE level WHEN 'district' THEN 0 ELSE 1 END, sort, code";
    for (const auto& r : rs) {
      Area a{platform::get_str(r, 0),
             platform::get_str(r, 1),
             platform::get_str(r, 2),
             false,
             platform::get_str(r, 3),
             static_cast<int>(platform::get_i64(r, 4)),
             ""};
      if (auto it = peer_region.find(a.code); it != peer_region.end()) {
        a.ranked = true;
        a.alias = it->second;
      }
      out.push_back(std::move(a));
    }
    for (auto& p : peers) out.push_back(std::move(p));
    return out;
  });
}

Area FigureService::area(const std::string& code) const {
  if (auto a = find_area(areas(), code)) return *a;
  throw Error::not_found("没有这个地区：" + code, "no such area: " + code);
}

std::optional<Area> find_area(const std::vector<Area>& areas, const std::string& code) {
  for (const auto& a : areas)
    if (a.code == code || (!a.alias.empty() && a.alias == code)) return a;
  return std::nullopt;
}

bool FigureService::can_read(const Principal& who, const Area& a) {
  if (a.kind != "town" || who.sees_all()) return true;
  return who.scopes.count(platform::DataScope::kRegion) > 0 && !who.region_path.empty() &&
         a.region_path.rfind(who.region_path, 0) == 0;
}

bool FigureService::can_enter(const Principal& who, const Area& a) {
  if (!who.can("economy:enter")) return false;
  if (who.sees_all()) return true;
  if (a.kind == "peer") return false;
  return who.scopes.count(platform::DataScope::kRegion) > 0 && !who.region_path.empty() &&
         a.region_path.rfind(who.region_path, 0) == 0;
}

std::vector<Figure> FigureService::figures(const Principal& who, const std::string& indicator_code,
                                           const std::string& area_code, int year) const {
  const auto ind = indicator(indicator_code);
  const auto a = area(area_code);
  if (!can_read(who, a)) throw Error::forbidden("无权查看该地区的数据", "you may not see this area's figures");
  return rt_.db.read([&](soci::session& sql) {
    std::vector<Figure> out;
    std::string i = ind.code, c = a.code;
    int y = year;
    soci::rowset<soci::row> rs =
        (sql.prepare << fmt::format(
             "SELECT {} FROM eco_values WHERE indicator = :i AND area = :a AND year = :y ORDER BY idx", kFigureColumns),
         soci::use(i), soci::use(c), soci::use(y));
    for (const auto& r : rs) out.push_back(figure_of(r));
    return out;
  });
}

std::vector<Figure> FigureService::figures_at(const std::vector<std::string>& area_codes,
                                              const std::vector<std::string>& periods) const {
  if (area_codes.empty() || periods.empty()) return {};
  // Codes and periods are our own (areas from the store, periods from period_text()); quoted
  // anyway, doubling quotes.
  auto list = [](const std::vector<std::string>& xs) {
    std::string out;
    for (const auto& x : xs) {
      std::string q;
      for (char c : x) q += c == '\'' ? std::string("''") : std::string(1, c);
      out += (out.empty() ? "'" : ", '") + q + "'";
    }
    return out;
  };
  return rt_.db.read([&](soci::session& sql) {
    std::vector<Figure> out;
    soci::rowset<soci::row> rs =
        sql.prepare << fmt::format("SELECT {} FROM eco_values WHERE area IN ({}) AND period IN ({})", kFigureColumns,
                                   list(area_codes), list(periods));
    for (const auto& r : rs) out.push_back(figure_of(r));
    return out;
  });
}

struct FigureService::Checked {
  Indicator indicator;
  Area area;
  Period at;
  std::string period;
  FigureInput in;
};

FigureService::Checked FigureService::check(
    const Principal* who, const std::vector<Area>& areas, const std::string& indicator_code,
    const std::string& area_code, const std::string& period, const FigureInput& in,
    const std::function<void(const std::string&, const std::string&, const std::string&)>& fail) const {
  Checked c;
  c.in = in;
  const auto list = indicators();
  const auto it =
      std::find_if(list->begin(), list->end(), [&](const Indicator& i) { return i.code == indicator_code; });
  if (it == list->end()) {
    fail("indicator", "没有这个指标：" + indicator_code, "no such indicator: " + indicator_code);
    return c;
  }
  c.indicator = *it;
  if (auto a = find_area(areas, area_code)) {
    c.area = *a;
  } else {
    fail("area", "没有这个地区：" + area_code, "no such area: " + area_code);
    return c;
  }
  if (who && !can_enter(*who, c.area))
    throw Error::forbidden("无权填报该地区的数据：" + c.area.name, "you may not enter figures of " + c.area.code);
  const auto& ind = c.indicator;
  const auto p = parse_period(ind.frequency, period);
  static const char* kShapeZh[] = {"2022-09（月度）", "2022-Q3（季度）", "2022（年度）"};
  static const char* kShapeEn[] = {"2022-09 (monthly)", "2022-Q3 (quarterly)", "2022 (yearly)"};
  const auto shape = static_cast<int>(ind.frequency);
  if (!p) {
    fail("period", fmt::format("期别应写作 {}", kShapeZh[shape]),
         fmt::format("the period is written {}", kShapeEn[shape]));
  } else if (!period_over(ind.frequency, *p)) {
    fail("period", "该期尚未结束，不能填报", "the period has not ended yet");
  } else {
    c.at = *p;
    c.period = period_text(ind.frequency, *p);
  }
  if (in.unit != ind.unit)
    fail("unit", fmt::format("单位应为「{}」", ind.unit), fmt::format("the unit is {}", ind.unit));
  if (ind.growth_only) {
    if (in.value) fail("value", "该指标只发布增速，不填数值", "only the growth of this indicator is published");
    if (!in.growth) fail("growth", "该指标须填同比增长", "the growth is required");
  } else if (!in.value) {
    fail("value", "必填", "required");
  } else if (*in.value % platform::pow10(kScale - ind.decimals) != 0) {
    fail("value", fmt::format("至多 {} 位小数", ind.decimals), fmt::format("at most {} decimals", ind.decimals));
  }
  if (in.growth && *in.growth % 100 != 0) fail("growth", "至多 2 位小数", "at most 2 decimals");
  if (in.growth && *in.growth <= -1'000'000) fail("growth", "不能下降 100% 或更多", "cannot fall by 100% or more");
  if (in.source.empty()) fail("source", "必填", "required");
  return c;
}

PutResult FigureService::write(Tx& tx, const platform::Actor& actor, const Checked& c, const std::string& via) {
  const auto& ind = c.indicator;
  PutResult out;
  platform::serialize_on(tx, "eco_figure:" + ind.code + "/" + c.area.code + "/" + c.period);
  const auto before = load_figure(tx.sql, ind.code, c.area.code, c.period);
  if (before && before->value == c.in.value && before->growth == c.in.growth && before->caliber == c.in.caliber &&
      before->source == c.in.source) {
    out.figure = *before;
    return out;
  }
  const bool checkable = !ind.growth_only && ind.price_basis != PriceBasis::kComparable;
  // Whether a published growth contradicts the totals of the same period a year apart.
  auto contradicts = [&](const std::optional<Value>& value, const std::optional<Value>& growth,
                         const std::optional<Value>& base) -> std::optional<GrowthCheck> {
    if (!checkable || !value || !growth || !base) return std::nullopt;
    auto r = check_growth(*value, *base, *growth, growth_decimals(*growth));
    if (r.consistent) return std::nullopt;
    return r;
  };
  const auto base = load_figure(tx.sql, ind.code, c.area.code, period_text(ind.frequency, year_before(c.at)));
  const auto conflict = contradicts(c.in.value, c.in.growth, base ? base->value : std::nullopt);
  Figure f;
  f.indicator = ind.code;
  f.area = c.area.code;
  f.period = c.period;
  f.at = c.at;
  f.value = c.in.value;
  f.growth = c.in.growth;
  f.caliber = c.in.caliber;
  f.source = c.in.source;
  f.growth_conflict = conflict.has_value();
  f.revision = before ? before->revision + 1 : 1;
  f.updated_by = actor.username.empty() ? "system" : actor.username;
  f.updated_at = platform::now_ms();
  platform::Nullable<long long> v(f.value), g(f.growth);
  platform::Nullable<long long> by(actor.user_id);
  int conflict_flag = f.growth_conflict ? 1 : 0;
  if (before) {
    f.id = before->id;
    long long id = f.id;
    tx.sql << "UPDATE eco_values SET value = :v, growth = :g, caliber = :c, growth_conflict = :k, source = :s, "
              "revision = :r, updated_by = :b, updated_by_name = :bn, updated_at = :t WHERE id = :id",
        soci::use(v.value, v.ind), soci::use(g.value, g.ind), soci::use(f.caliber), soci::use(conflict_flag),
        soci::use(f.source), soci::use(f.revision), soci::use(by.value, by.ind), soci::use(f.updated_by),
        soci::use(f.updated_at), soci::use(id);
  } else {
    long long year = f.at.year, idx = f.at.index;
    long long id = 0;
    if (tx.dialect == platform::Dialect::kSqlite) {
      tx.sql << "INSERT INTO eco_values (indicator, area, period, year, idx, value, growth, caliber, growth_conflict, "
                "source, revision, updated_by, updated_by_name, updated_at) VALUES (:i, :a, :p, :y, :x, :v, :g, :c, "
                ":k, :s, :r, :b, :bn, :t)",
          soci::use(f.indicator), soci::use(f.area), soci::use(f.period), soci::use(year), soci::use(idx),
          soci::use(v.value, v.ind), soci::use(g.value, g.ind), soci::use(f.caliber), soci::use(conflict_flag),
          soci::use(f.source), soci::use(f.revision), soci::use(by.value, by.ind), soci::use(f.updated_by),
          soci::use(f.updated_at);
      tx.sql << "SELECT last_insert_rowid()", soci::into(id);
    } else {
      tx.sql << "INSERT INTO eco_values (indicator, area, period, year, idx, value, growth, caliber, growth_conflict, "
                "source, revision, updated_by, updated_by_name, updated_at) VALUES (:i, :a, :p, :y, :x, :v, :g, :c, "
                ":k, :s, :r, :b, :bn, :t) RETURNING id",
          soci::use(f.indicator), soci::use(f.area), soci::use(f.period), soci::use(year), soci::use(idx),
          soci::use(v.value, v.ind), soci::use(g.value, g.ind), soci::use(f.caliber), soci::use(conflict_flag),
          soci::use(f.source), soci::use(f.revision), soci::use(by.value, by.ind), soci::use(f.updated_by),
          soci::use(f.updated_at), soci::into(id);
    }
    f.id = id;
  }
  {
    long long id = f.id;
    std::string via_text = via;
    tx.sql << "INSERT INTO eco_value_history (value_id, revision, value, growth, caliber, source, via, changed_by, "
              "changed_by_name, changed_at) VALUES (:id, :r, :v, :g, :c, :s, :via, :b, :bn, :t)",
        soci::use(id), soci::use(f.revision), soci::use(v.value, v.ind), soci::use(g.value, g.ind),
        soci::use(f.caliber), soci::use(f.source), soci::use(via_text), soci::use(by.value, by.ind),
        soci::use(f.updated_by), soci::use(f.updated_at);
  }
  // The figure a year later was compared with this one: its flag follows.
  if (checkable) {
    if (auto next =
            load_figure(tx.sql, ind.code, c.area.code, period_text(ind.frequency, {c.at.year + 1, c.at.index}))) {
      const int flag = contradicts(next->value, next->growth, f.value) ? 1 : 0;
      if (flag != (next->growth_conflict ? 1 : 0)) {
        long long id = next->id;
        tx.sql << "UPDATE eco_values SET growth_conflict = :k WHERE id = :id", soci::use(flag), soci::use(id);
      }
    }
  }
  const auto key = fmt::format("{}/{}/{}", f.indicator, f.area, f.period);
  if (via != "demo")
    platform::audit_operation(tx, actor, "eco_figure", key, before ? "update" : "create",
                              before ? audit_state(*before) : nlohmann::json(nullptr), audit_state(f));
  rt_.bus.publish(tx, "economy.figure.changed",
                  {{"indicator", f.indicator}, {"area", f.area}, {"period", f.period}, {"revision", f.revision}});
  out.figure = f;
  out.changed = true;
  if (conflict) {
    const int d = growth_decimals(*f.growth);
    const auto computed = conflict->computed ? format_value(conflict->computed->rounded(kScale), d) : "—";
    out.warnings.push_back(
        {"growth-conflict",
         fmt::format("同比增长 {}% 与总量计算的 {}% 不符：已保存并标记（如为同口径增速请在口径中注明）",
                     format_value(*f.growth, d), computed),
         fmt::format("the growth {}% contradicts the {}% computed from the totals: stored and flagged",
                     format_value(*f.growth, d), computed)});
  }
  if (!f.growth && ind.price_basis == PriceBasis::kComparable)
    out.warnings.push_back({"growth-missing", "可比价指标的增速不能由总量计算，请填写发布的增速",
                            "a comparable-price growth cannot be computed from totals: give the published one"});
  return out;
}

PutResult FigureService::put(const Principal& who, const platform::Actor& actor, const std::string& indicator_code,
                             const std::string& area_code, const std::string& period, const nlohmann::json& body) {
  // Unknown indicator or area: 404 (they are the resource's address).
  indicator(indicator_code);
  const auto all = areas();
  if (!find_area(all, area_code)) throw Error::not_found("没有这个地区：" + area_code, "no such area: " + area_code);
  platform::Fields fields(body, {"value", "growth", "unit", "source", "caliber"});
  FigureInput in;
  std::set<std::string> bad;  // fields already refused (one message each)
  in.value = number_field(fields, body, "value", bad);
  in.growth = number_field(fields, body, "growth", bad);
  in.unit = fields.opt_str("unit", 10).value_or("");
  in.source = fields.opt_str("source", 100).value_or("");
  in.caliber = fields.opt_str("caliber", 50).value_or("");
  const auto c = check(&who, all, indicator_code, area_code, period, in,
                       [&](const std::string& field, const std::string& zh, const std::string& en) {
                         if (!bad.count(field)) fields.fail(field, zh, en);
                       });
  fields.done();
  return rt_.db.write([&](Tx& tx) { return write(tx, actor, c, "entry"); });
}

std::vector<HistoryEntry> FigureService::history(const Principal& who, const std::string& indicator_code,
                                                 const std::string& area_code, const std::string& period) const {
  const auto ind = indicator(indicator_code);
  const auto a = area(area_code);
  if (!can_read(who, a)) throw Error::forbidden("无权查看该地区的数据", "you may not see this area's figures");
  return rt_.db.read([&](soci::session& sql) {
    const auto f = load_figure(sql, ind.code, a.code, period);
    if (!f) throw Error::not_found("该期没有数据", "no figure for this period");
    std::vector<HistoryEntry> out;
    long long id = f->id;
    soci::rowset<soci::row> rs =
        (sql.prepare << "SELECT revision, value, growth, caliber, source, via, changed_by_name, changed_at "
                        "FROM eco_value_history WHERE value_id = :id ORDER BY revision DESC",
         soci::use(id));
    for (const auto& r : rs)
      out.push_back({static_cast<int>(platform::get_i64(r, 0)), platform::opt_i64(r, 1), platform::opt_i64(r, 2),
                     platform::get_str(r, 3), platform::get_str(r, 4), platform::get_str(r, 5), platform::get_str(r, 6),
                     platform::get_i64(r, 7)});
    return out;
  });
}

ImportResult FigureService::import(const Principal& who, const platform::Actor& actor, std::string_view bytes) {
  if (!who.can("economy:enter")) throw Error::forbidden("无权导入经济数据", "you may not import figures");
  const auto rows = platform::read_table_upload(bytes);
  if (rows.empty()) throw Error::invalid("table-invalid", "表格为空", "the table is empty");
  // Columns by their header, in Chinese or English.
  static const std::vector<std::string> kEnglish = {"indicator", "area",   "period",  "value",
                                                    "unit",      "growth", "caliber", "source"};
  const auto& header = import_header();
  std::vector<std::optional<std::size_t>> col(header.size());
  for (std::size_t c = 0; c < rows[0].size(); ++c)
    for (std::size_t k = 0; k < header.size(); ++k)
      if (rows[0][c] == header[k] || rows[0][c] == kEnglish[k]) col[k] = c;
  for (std::size_t k : {0, 1, 2, 4, 7})
    if (!col[k])
      throw Error::invalid("table-invalid", fmt::format("第 1 行（表头）缺少「{}」列", header[k]),
                           fmt::format("row 1 (the header) lacks the column {}", header[k]));
  if (!col[3] && !col[5])
    throw Error::invalid("table-invalid", "第 1 行（表头）须有「数值」或「同比增长(%)」列",
                         "row 1 (the header) needs 数值 or 同比增长(%)");
  auto cell = [&](const std::vector<std::string>& row, std::size_t k) -> std::string {
    return col[k] && *col[k] < row.size() ? row[*col[k]] : "";
  };
  auto cell_error = [&](std::size_t line, std::size_t k, const std::string& zh, const std::string& en) {
    return platform::table_cell_error(line, header[k], zh, en);
  };
  static const std::map<std::string, std::size_t> kColumnOf = {{"indicator", 0}, {"area", 1},  {"period", 2},
                                                               {"value", 3},     {"unit", 4},  {"growth", 5},
                                                               {"caliber", 6},   {"source", 7}};
  const auto all = areas();
  std::vector<std::pair<std::size_t, Checked>> checked;
  std::map<std::string, std::size_t> seen;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const std::size_t line = r + 1;
    const auto& row = rows[r];
    if (std::all_of(row.begin(), row.end(), [](const std::string& s) { return s.empty(); })) continue;
    FigureInput in;
    const auto value_text = spreadsheet_number(cell(row, 3)), growth_text = spreadsheet_number(cell(row, 5));
    if (!value_text.empty()) {
      in.value = parse_value(platform::plain_decimal(value_text));
      if (!in.value)
        throw cell_error(line, 3, "应为数字（至多 4 位小数）：" + value_text, "must be a number: " + value_text);
    }
    if (!growth_text.empty()) {
      in.growth = parse_value(platform::plain_decimal(growth_text));
      if (!in.growth)
        throw cell_error(line, 5, "应为百分数（如 4.5）：" + growth_text, "must be a percentage: " + growth_text);
    }
    in.unit = cell(row, 4);
    in.caliber = cell(row, 6);
    in.source = cell(row, 7);
    if (platform::utf8_length(in.source) > 100) throw cell_error(line, 7, "至多 100 字", "at most 100 characters");
    if (platform::utf8_length(in.caliber) > 50) throw cell_error(line, 6, "至多 50 字", "at most 50 characters");
    auto c = check(&who, all, cell(row, 0), cell(row, 1), cell(row, 2), in,
                   [&](const std::string& field, const std::string& zh, const std::string& en) {
                     throw cell_error(line, kColumnOf.at(field), zh, en);
                   });
    const auto key = c.indicator.code + "/" + c.area.code + "/" + c.period;
    if (auto [it, fresh] = seen.emplace(key, line); !fresh)
      throw cell_error(line, 2, fmt::format("与第 {} 行是同一指标、地区和期别", it->second),
                       fmt::format("the same indicator, area and period as row {}", it->second));
    checked.emplace_back(line, std::move(c));
  }
  if (checked.empty()) throw Error::invalid("table-invalid", "表格没有数据行", "the table has no rows of figures");
  return rt_.db.write([&](Tx& tx) {
    ImportResult result;
    for (const auto& [line, c] : checked) {
      ++result.rows;
      const bool existed = load_figure(tx.sql, c.indicator.code, c.area.code, c.period).has_value();
      const auto r = write(tx, actor, c, "import");
      if (!r.changed)
        ++result.unchanged;
      else if (existed)
        ++result.revised;
      else
        ++result.added;
      if (r.changed && r.figure.growth_conflict)
        result.conflicts.push_back({line, c.indicator.code, c.area.code, c.period});
    }
    platform::audit_operation(
        tx, actor, "eco_figure", "import", "import", nullptr,
        {{"rows", result.rows}, {"added", result.added}, {"revised", result.revised}, {"unchanged", result.unchanged}});
    return result;
  });
}

int FigureService::load(const platform::Actor& actor,
                        const std::vector<std::tuple<std::string, std::string, std::string, FigureInput>>& rows) {
  const auto all = areas();
  return rt_.db.write([&](Tx& tx) {
    int n = 0;
    for (const auto& [indicator_code, area_code, period, in] : rows) {
      const auto c =
          check(nullptr, all, indicator_code, area_code, period, in,
                [&](const std::string& field, const std::string& zh, const std::string&) {
                  throw Error::invalid("demo-invalid",
                                       fmt::format("{}/{}/{} {}：{}", indicator_code, area_code, period, field, zh),
                                       "a demo figure is invalid");
                });
      if (load_figure(tx.sql, c.indicator.code, c.area.code, c.period)) continue;
      if (write(tx, actor, c, "demo").changed) ++n;
    }
    return n;
  });
}

}  // namespace ecity::economy
