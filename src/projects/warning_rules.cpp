#include "projects/warning_rules.h"

#include "platform/error.h"
#include "platform/numeric/decimal.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace ecity::projects {

namespace {

using ecity::Error;

constexpr std::array<std::string_view, 3> kColours{"green", "yellow", "red"};
constexpr std::array<std::string_view, 3> kColoursZh{"绿", "黄", "红"};
constexpr std::array<std::string_view, 4> kDimensions{"start", "investment", "milestones", "reporting"};
constexpr std::array<std::string_view, 4> kDimensionsZh{"开工", "投资进度", "节点", "报送"};
constexpr std::array<std::string_view, 5> kMeasures{"months_overdue", "points_behind", "shortfall_percent",
                                                    "milestones_overdue", "reports_missing"};

Error invalid(const std::string& zh, const std::string& en) {
  return Error::invalid("rule-set-invalid", "预警规则无效：" + zh, "invalid warning rule set: " + en);
}

bool belongs(Measure m, Dimension d) {
  switch (d) {
    case Dimension::kStart:
      return m == Measure::kMonthsOverdue;
    case Dimension::kInvestment:
      return m == Measure::kPointsBehind || m == Measure::kShortfallPercent;
    case Dimension::kMilestones:
      return m == Measure::kMilestonesOverdue;
    case Dimension::kReporting:
      return m == Measure::kReportsMissing;
  }
  return false;
}

template <std::size_t N>
std::optional<std::size_t> index_of(const std::array<std::string_view, N>& names, const nlohmann::json& v) {
  if (!v.is_string()) return std::nullopt;
  const auto s = v.get<std::string>();
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == s) return i;
  return std::nullopt;
}

std::string tenths_text(std::int64_t t) {
  auto s = platform::format_scaled(t, 1, 1);
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

// A bound: a number or decimal text with at most one decimal, as tenths.
std::optional<std::int64_t> bound_of(const nlohmann::json& v, const std::string& where) {
  if (v.is_null()) return std::nullopt;
  std::string text = v.is_string() ? v.get<std::string>() : v.is_number() ? v.dump() : std::string{};
  if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0) text.resize(text.size() - 2);
  const auto dot = text.find('.');
  const auto t = (dot == std::string::npos || text.size() - dot <= 2) ? platform::parse_scaled(text, 1)
                                                                      : std::optional<std::int64_t>{};
  if (!t || *t > 100'000'000 || *t < -100'000'000)
    throw invalid(where + " 应为至多一位小数的数值", where + " must be a number with at most one decimal");
  return t;
}

std::string band_text(const Band& b) {
  return fmt::format("{}{}, {}{}", b.min_inclusive && b.min ? "[" : "(", b.min ? tenths_text(*b.min) : "-∞",
                     b.max ? tenths_text(*b.max) : "+∞", b.max_inclusive && b.max ? "]" : ")");
}

// Checks that sorted bands cover every value exactly once.
void check_cover(const std::vector<Band>& bands, const std::string& dim) {
  if (bands.empty()) throw invalid(dim + "：没有区间", dim + ": no bands");
  for (const auto& b : bands)
    if (b.min && b.max && (*b.min > *b.max || (*b.min == *b.max && !(b.min_inclusive && b.max_inclusive))))
      throw invalid(dim + "：区间 " + band_text(b) + " 为空", dim + ": the band " + band_text(b) + " is empty");
  if (bands.front().min)
    throw invalid(fmt::format("{}：小于 {} 的值没有区间", dim, tenths_text(*bands.front().min)),
                  fmt::format("{}: no band for values below {}", dim, tenths_text(*bands.front().min)));
  if (bands.back().max)
    throw invalid(fmt::format("{}：大于 {} 的值没有区间", dim, tenths_text(*bands.back().max)),
                  fmt::format("{}: no band for values above {}", dim, tenths_text(*bands.back().max)));
  for (std::size_t i = 0; i + 1 < bands.size(); ++i) {
    const auto& a = bands[i];
    const auto& b = bands[i + 1];
    if (!a.max || !b.min || *a.max > *b.min || (*a.max == *b.min && a.max_inclusive && b.min_inclusive))
      throw invalid(dim + "：区间 " + band_text(a) + " 与 " + band_text(b) + " 重叠",
                    dim + ": the bands " + band_text(a) + " and " + band_text(b) + " overlap");
    if (*a.max < *b.min)
      throw invalid(
          fmt::format("{}：{} 到 {} 之间的值没有区间", dim, tenths_text(*a.max), tenths_text(*b.min)),
          fmt::format("{}: no band for values between {} and {}", dim, tenths_text(*a.max), tenths_text(*b.min)));
    if (!a.max_inclusive && !b.min_inclusive)
      throw invalid(fmt::format("{}：值 {} 没有区间", dim, tenths_text(*a.max)),
                    fmt::format("{}: no band for the value {}", dim, tenths_text(*a.max)));
  }
}

bool in_band(const Fraction& v, const Band& b) {
  if (b.min && !(b.min_inclusive ? v.at_least_tenths(*b.min) : v.above_tenths(*b.min))) return false;
  if (b.max && !(b.max_inclusive ? !v.above_tenths(*b.max) : !v.at_least_tenths(*b.max))) return false;
  return true;
}

std::optional<Fraction> measure(Measure m, const ProjectMonth& p) {
  switch (m) {
    case Measure::kMonthsOverdue: {
      const int due = !p.started && p.planned_start_month && *p.planned_start_month <= p.month
                          ? p.month - *p.planned_start_month + 1
                          : 0;
      return Fraction{due, 1};
    }
    case Measure::kPointsBehind: {
      auto g = gap_points(p.done, p.planned, p.month);
      if (g) g->num = -g->num;
      return g;
    }
    case Measure::kShortfallPercent:
      return shortfall_percent(p.done, p.planned, p.month);
    case Measure::kMilestonesOverdue:
      return Fraction{p.milestones_overdue, 1};
    case Measure::kReportsMissing:
      return Fraction{p.reports_missing, 1};
  }
  return std::nullopt;
}

bool counted(Measure m) { return m != Measure::kPointsBehind && m != Measure::kShortfallPercent; }

}  // namespace

std::string_view colour_code(Colour c) { return kColours[static_cast<std::size_t>(c)]; }
std::string_view colour_zh(Colour c) { return kColoursZh[static_cast<std::size_t>(c)]; }
std::optional<Colour> colour_from(std::string_view code) {
  for (std::size_t i = 0; i < kColours.size(); ++i)
    if (kColours[i] == code) return static_cast<Colour>(i);
  return std::nullopt;
}
std::string_view dimension_code(Dimension d) { return kDimensions[static_cast<std::size_t>(d)]; }
std::string_view dimension_zh(Dimension d) { return kDimensionsZh[static_cast<std::size_t>(d)]; }
std::string_view measure_code(Measure m) { return kMeasures[static_cast<std::size_t>(m)]; }

RuleSet parse_rule_set(const nlohmann::json& j) {
  if (!j.is_object()) throw invalid("应为对象", "must be an object");
  RuleSet s;
  auto text = [&](const char* key, std::size_t max) {
    if (!j.contains(key) || !j[key].is_string() || j[key].get<std::string>().empty() ||
        j[key].get<std::string>().size() > max)
      throw invalid(std::string(key) + " 应为非空文本", std::string(key) + " must be a non-empty text");
    return j[key].get<std::string>();
  };
  s.code = text("code", 64);
  s.name = text("name", 400);
  if (!j.contains("rules") || !j["rules"].is_array() || j["rules"].empty())
    throw invalid("rules 应为非空数组", "rules must be a non-empty array");
  for (const auto& r : j["rules"]) {
    if (!r.is_object()) throw invalid("rules 的每一项应为对象", "each rule must be an object");
    const auto d = index_of(kDimensions, r.value("dimension", nlohmann::json()));
    if (!d)
      throw invalid("未知维度：" + r.value("dimension", nlohmann::json()).dump(),
                    "unknown dimension: " + r.value("dimension", nlohmann::json()).dump());
    DimensionRule rule;
    rule.dimension = static_cast<Dimension>(*d);
    const std::string dim(kDimensions[*d]);
    for (const auto& other : s.rules)
      if (other.dimension == rule.dimension)
        throw invalid(dim + " 维度重复", "the dimension " + dim + " appears twice");
    const auto m = index_of(kMeasures, r.value("measure", nlohmann::json()));
    if (!m) throw invalid(dim + "：未知度量", dim + ": unknown measure");
    rule.measure = static_cast<Measure>(*m);
    if (!belongs(rule.measure, rule.dimension))
      throw invalid(dim + "：度量 " + std::string(kMeasures[*m]) + " 不属于该维度",
                    dim + ": the measure " + std::string(kMeasures[*m]) + " does not belong to it");
    if (!r.contains("bands") || !r["bands"].is_array()) throw invalid(dim + "：缺少 bands", dim + ": bands missing");
    for (const auto& b : r["bands"]) {
      if (!b.is_object()) throw invalid(dim + "：区间应为对象", dim + ": a band must be an object");
      Band band;
      const auto c = colour_from(b.value("colour", std::string{}));
      if (!c) throw invalid(dim + "：颜色应为 green、yellow 或 red", dim + ": colour must be green, yellow or red");
      band.colour = *c;
      band.min = bound_of(b.value("min", nlohmann::json()), dim + ".min");
      band.max = bound_of(b.value("max", nlohmann::json()), dim + ".max");
      for (const char* key : {"min_inclusive", "max_inclusive"})
        if (b.contains(key) && !b[key].is_boolean())
          throw invalid(dim + "：" + key + " 应为 true 或 false", dim + ": " + key + " must be true or false");
      band.min_inclusive = b.value("min_inclusive", true);
      band.max_inclusive = b.value("max_inclusive", true);
      rule.bands.push_back(band);
    }
    std::stable_sort(rule.bands.begin(), rule.bands.end(), [](const Band& a, const Band& b) {
      if (!a.min || !b.min) return !a.min && b.min;
      if (*a.min != *b.min) return *a.min < *b.min;
      return a.min_inclusive && !b.min_inclusive;
    });
    check_cover(rule.bands, dim);
    s.rules.push_back(std::move(rule));
  }
  if (j.contains("escalations")) {
    if (!j["escalations"].is_array()) throw invalid("escalations 应为数组", "escalations must be an array");
    for (const auto& e : j["escalations"]) {
      Escalation x;
      const auto from = e.is_object() ? colour_from(e.value("from", std::string{})) : std::nullopt;
      const auto to = e.is_object() ? colour_from(e.value("to", std::string{})) : std::nullopt;
      const auto n = e.is_object() && e.contains("consecutive") && e["consecutive"].is_number_integer()
                         ? e["consecutive"].get<int>()
                         : 0;
      if (!from || !to || n < 2 || n > 12)
        throw invalid("升级规则应有 from、to 颜色和 2–12 的 consecutive",
                      "an escalation needs from and to colours and consecutive from 2 to 12");
      if (*to <= *from) throw invalid("升级规则应升到更严重的颜色", "an escalation must worsen the colour");
      x.from = *from;
      x.to = *to;
      x.consecutive = n;
      s.escalations.push_back(x);
    }
  }
  return s;
}

nlohmann::json rule_set_json(const RuleSet& s) {
  nlohmann::json rules = nlohmann::json::array();
  for (const auto& r : s.rules) {
    nlohmann::json bands = nlohmann::json::array();
    for (const auto& b : r.bands) {
      nlohmann::json x = {{"colour", colour_code(b.colour)}};
      if (b.min) {
        x["min"] = static_cast<double>(*b.min) / 10.0;
        x["min_inclusive"] = b.min_inclusive;
      }
      if (b.max) {
        x["max"] = static_cast<double>(*b.max) / 10.0;
        x["max_inclusive"] = b.max_inclusive;
      }
      bands.push_back(x);
    }
    rules.push_back(
        {{"dimension", dimension_code(r.dimension)}, {"measure", measure_code(r.measure)}, {"bands", bands}});
  }
  nlohmann::json esc = nlohmann::json::array();
  for (const auto& e : s.escalations)
    esc.push_back({{"from", colour_code(e.from)}, {"consecutive", e.consecutive}, {"to", colour_code(e.to)}});
  return {{"code", s.code}, {"name", s.name}, {"rules", rules}, {"escalations", esc}};
}

Verdict evaluate(const RuleSet& rules, const ProjectMonth& m, const std::vector<Colour>& previous_base) {
  Verdict v;
  for (const auto& r : rules.rules) {
    const auto value = measure(r.measure, m);
    if (!value) continue;
    for (const auto& b : r.bands) {
      if (!in_band(*value, b)) continue;
      v.base = std::max(v.base, b.colour);
      v.reasons.push_back({r.dimension, r.measure, b.colour,
                           counted(r.measure) ? std::to_string(value->rounded(0)) : tenths_text(value->rounded(1)),
                           band_text(b)});
      break;
    }
  }
  v.colour = v.base;
  for (const auto& e : rules.escalations) {
    if (v.base != e.from || e.to <= v.colour) continue;
    const auto need = static_cast<std::size_t>(e.consecutive - 1);
    if (previous_base.size() < need) continue;
    if (std::all_of(previous_base.end() - static_cast<std::ptrdiff_t>(need), previous_base.end(),
                    [&](Colour c) { return c == e.from; })) {
      v.colour = e.to;
      v.escalated = fmt::format("{}×{}→{}", colour_code(e.from), e.consecutive, colour_code(e.to));
    }
  }
  return v;
}

}  // namespace ecity::projects
