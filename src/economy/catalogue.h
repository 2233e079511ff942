// The indicator catalogue of economic statistics (指标目录) and the periods its values belong to
// (docs/economy.md). An indicator says what its published figures are: unit, price basis (a
// comparable-price growth is stored as published, never recomputed from totals), frequency,
// whether values are year to date, whether only the growth rate is published (规上工业增加值),
// decimals, and the department that owns it. The reference district's headline set ships in
// data/economy/indicators.json.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecity::economy {

enum class PriceBasis { kCurrent, kComparable, kPhysical };
enum class Frequency { kMonthly, kQuarterly, kYearly };
std::string_view price_basis_code(PriceBasis b);  // current, comparable, physical
std::string_view frequency_code(Frequency f);     // monthly, quarterly, yearly

struct Indicator {
  std::string code, name, name_en, unit;
  PriceBasis price_basis = PriceBasis::kCurrent;
  Frequency frequency = Frequency::kMonthly;
  bool cumulative = true;    // published values are year to date (1–N月)
  bool growth_only = false;  // only the growth rate is published
  int decimals = 2;          // of the value (growth: one decimal, as bulletins give it)
  std::string department;    // the owning department's code
};

// The units a value may be given in.
const std::vector<std::string_view>& known_units();

// Reads a catalogue {"indicators": [...]}. Throws Error (invalid "catalogue-invalid") naming the
// entry and field at fault: a code that is not [a-z][a-z0-9_]{1,47} or is given twice, an empty
// name, an unknown unit, price basis or frequency, decimals outside 0–4, a growth-only indicator
// whose unit is not %.
std::vector<Indicator> parse_catalogue(const nlohmann::json& j);
// One indicator as a request gives it; the same rules, errors (invalid "validation") naming the
// field itself.
Indicator parse_indicator(const nlohmann::json& entry);
nlohmann::json indicator_json(const Indicator& i);

// A period of a frequency: 2022-09 (monthly), 2022-Q3 (quarterly), 2022 (yearly).
struct Period {
  int year = 0;
  int index = 0;  // month 1–12, quarter 1–4, 0 for a year
  bool operator==(const Period&) const = default;
};
// nullopt unless `text` is a period of that frequency, in 1990–2100 (2022-9, 2022-13, 2022-Q5,
// or a month given for a quarterly indicator are all refused).
std::optional<Period> parse_period(Frequency f, std::string_view text);
std::string period_text(Frequency f, Period p);
// The same period a year earlier (the base of a year-on-year growth).
Period year_before(Period p);
// The period before in the same year (to take a single month or quarter from year-to-date
// values); nullopt for the first of the year and for a year.
std::optional<Period> before_in_year(Period p);

}  // namespace ecity::economy
