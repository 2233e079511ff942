#include "economy/catalogue.h"

#include "platform/error.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <set>

namespace ecity::economy {

namespace {

Error invalid(std::size_t i, const std::string& field, const std::string& zh, const std::string& en) {
  const auto where = fmt::format("indicators[{}].{}", i, field);
  return Error::invalid("catalogue-invalid", fmt::format("指标目录第 {} 项 {}：{}", i + 1, field, zh),
                        fmt::format("indicator {} {}: {}", i + 1, field, en))
      .on_field(where, zh, en);
}

bool valid_code(std::string_view c) {
  if (c.size() < 2 || c.size() > 48 || c[0] < 'a' || c[0] > 'z') return false;
  return std::all_of(c.begin(), c.end(),
                     [](char x) { return (x >= 'a' && x <= 'z') || (x >= '0' && x <= '9') || x == '_'; });
}

std::optional<int> number(std::string_view s) {
  int v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty() || s[0] == '-' || s[0] == '+') return std::nullopt;
  return v;
}

using FieldError = std::function<Error(const std::string& field, const std::string& zh, const std::string& en)>;

Indicator parse_entry(const nlohmann::json& e, const FieldError& err) {
  if (!e.is_object()) throw err("", "应为对象", "must be an object");
  auto text = [&](const char* key, bool required) -> std::string {
    if (!e.contains(key)) {
      if (required) throw err(key, "必填", "is required");
      return "";
    }
    if (!e[key].is_string()) throw err(key, "应为文本", "must be text");
    return e[key].get<std::string>();
  };
  auto flag = [&](const char* key) {
    if (!e.contains(key)) throw err(key, "必填", "is required");
    if (!e[key].is_boolean()) throw err(key, "应为 true 或 false", "must be true or false");
    return e[key].get<bool>();
  };
  Indicator x;
  x.code = text("code", true);
  if (!valid_code(x.code))
    throw err("code", "应为小写字母开头的 2–48 位字母、数字或下划线", "must match [a-z][a-z0-9_]{1,47}");
  x.name = text("name", true);
  if (x.name.empty() || x.name.size() > 100) throw err("name", "应为 1–100 字节", "must be 1-100 bytes");
  x.name_en = text("name_en", false);
  x.unit = text("unit", true);
  if (std::find(known_units().begin(), known_units().end(), x.unit) == known_units().end())
    throw err("unit", "未知单位", "unknown unit");
  const auto basis = text("price_basis", true);
  if (basis == "current")
    x.price_basis = PriceBasis::kCurrent;
  else if (basis == "comparable")
    x.price_basis = PriceBasis::kComparable;
  else if (basis == "physical")
    x.price_basis = PriceBasis::kPhysical;
  else
    throw err("price_basis", "应为 current、comparable 或 physical", "must be current, comparable or physical");
  const auto freq = text("frequency", true);
  if (freq == "monthly")
    x.frequency = Frequency::kMonthly;
  else if (freq == "quarterly")
    x.frequency = Frequency::kQuarterly;
  else if (freq == "yearly")
    x.frequency = Frequency::kYearly;
  else
    throw err("frequency", "应为 monthly、quarterly 或 yearly", "must be monthly, quarterly or yearly");
  x.cumulative = flag("cumulative");
  x.growth_only = flag("growth_only");
  if (!e.contains("decimals") || !e["decimals"].is_number_integer() || e["decimals"].get<int>() < 0 ||
      e["decimals"].get<int>() > 4)
    throw err("decimals", "应为 0–4 的整数", "must be an integer 0-4");
  x.decimals = e["decimals"].get<int>();
  if (x.growth_only && x.unit != "%")
    throw err("unit", "只发布增速的指标单位应为 %", "a growth-only indicator is in %");
  x.department = text("department", false);
  return x;
}

}  // namespace

std::string_view price_basis_code(PriceBasis b) {
  switch (b) {
    case PriceBasis::kCurrent:
      return "current";
    case PriceBasis::kComparable:
      return "comparable";
    case PriceBasis::kPhysical:
      return "physical";
  }
  return "current";
}

std::string_view frequency_code(Frequency f) {
  switch (f) {
    case Frequency::kMonthly:
      return "monthly";
    case Frequency::kQuarterly:
      return "quarterly";
    case Frequency::kYearly:
      return "yearly";
  }
  return "monthly";
}

const std::vector<std::string_view>& known_units() {
  static const std::vector<std::string_view> kUnits = {"亿元", "万元", "亿美元", "万美元", "万千瓦时", "亿千瓦时",
                                                       "万吨", "吨",   "万人",   "人",     "%"};
  return kUnits;
}

std::vector<Indicator> parse_catalogue(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("indicators") || !j["indicators"].is_array())
    throw Error::invalid("catalogue-invalid", "指标目录应为 {\"indicators\": [...]}",
                         "a catalogue is {\"indicators\": [...]}");
  std::vector<Indicator> out;
  std::set<std::string> codes;
  const auto& list = j["indicators"];
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto x = parse_entry(list[i], [i](const std::string& field, const std::string& zh, const std::string& en) {
      return invalid(i, field, zh, en);
    });
    if (!codes.insert(x.code).second) throw invalid(i, "code", "重复", "is given twice");
    out.push_back(std::move(x));
  }
  return out;
}

Indicator parse_indicator(const nlohmann::json& e) {
  return parse_entry(e, [](const std::string& field, const std::string& zh, const std::string& en) {
    return Error::invalid("validation", field + "：" + zh, field + ": " + en).on_field(field, zh, en);
  });
}

nlohmann::json indicator_json(const Indicator& i) {
  return {{"code", i.code},
          {"name", i.name},
          {"name_en", i.name_en},
          {"unit", i.unit},
          {"price_basis", price_basis_code(i.price_basis)},
          {"frequency", frequency_code(i.frequency)},
          {"cumulative", i.cumulative},
          {"growth_only", i.growth_only},
          {"decimals", i.decimals},
          {"department", i.department}};
}

std::optional<Period> parse_period(Frequency f, std::string_view text) {
  if (text.size() < 4) return std::nullopt;
  const auto year = number(text.substr(0, 4));
  if (!year || *year < 1990 || *year > 2100) return std::nullopt;
  const auto rest = text.substr(4);
  switch (f) {
    case Frequency::kYearly:
      if (!rest.empty()) return std::nullopt;
      return Period{*year, 0};
    case Frequency::kQuarterly: {
      if (rest.size() != 3 || rest[0] != '-' || rest[1] != 'Q') return std::nullopt;
      const auto q = number(rest.substr(2));
      if (!q || *q < 1 || *q > 4) return std::nullopt;
      return Period{*year, *q};
    }
    case Frequency::kMonthly: {
      if (rest.size() != 3 || rest[0] != '-') return std::nullopt;
      const auto m = number(rest.substr(1));
      if (!m || *m < 1 || *m > 12) return std::nullopt;
      return Period{*year, *m};
    }
  }
  return std::nullopt;
}

std::string period_text(Frequency f, Period p) {
  switch (f) {
    case Frequency::kYearly:
      return fmt::format("{:04}", p.year);
    case Frequency::kQuarterly:
      return fmt::format("{:04}-Q{}", p.year, p.index);
    case Frequency::kMonthly:
      return fmt::format("{:04}-{:02}", p.year, p.index);
  }
  return "";
}

Period year_before(Period p) { return {p.year - 1, p.index}; }

std::optional<Period> before_in_year(Period p) {
  if (p.index <= 1) return std::nullopt;
  return Period{p.year, p.index - 1};
}

}  // namespace ecity::economy
