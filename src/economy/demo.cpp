#include "economy/demo.h"

#include "platform/numeric/decimal.h"

#include <array>
#include <map>

namespace ecity::economy {

namespace {

using platform::round_half_even;

constexpr int kYear = 2022;
constexpr const char* kDistrict = "370404000000";
const std::array<const char*, 6> kPeers = {"370402", "370403", "370404", "370405", "370406", "370481"};

// Each peer's figure of the reference period (September, or the third quarter) of 2022 as text,
// its growth then, and its growth a year earlier (percent). Index 2 is the district: published.
struct Row {
  const char* indicator;
  const char* source;  // the district's publisher
  std::array<const char*, 6> value;
  std::array<const char*, 6> growth, growth_2021;
};

const Row kRows[] = {
    {"gdp",
     "枣庄市统计局统一核算",
     {"290.60", "252.30", "138.74", "124.80", "102.50", "760.20"},
     {"4.1", "4.8", "4.5", "4.3", "3.9", "4.6"},
     {"8.1", "8.6", "8.9", "8.3", "7.8", "8.8"}},
    {"budget_revenue",
     "区财政局",
     {"17.85", "15.62", "9.24", "8.31", "6.05", "52.16"},
     {"2.3", "-0.8", "1.4", "0.6", "1.9", "3.1"},
     {"6.2", "5.1", "7.4", "4.8", "3.6", "8.3"}},
    {"industrial_value_added",
     "区统计局",
     {nullptr, nullptr, nullptr, nullptr, nullptr, nullptr},
     {"8.9", "9.6", "10.8", "7.5", "6.8", "10.1"},
     {"11.2", "12.5", "13.1", "9.8", "8.6", "12.9"}},
    {"tech_renovation_investment",
     "区工信局",
     {nullptr, nullptr, nullptr, nullptr, nullptr, nullptr},
     {"25.3", "41.2", "60.8", "18.6", "33.4", "28.7"},
     {"15.6", "22.4", "35.2", "12.8", "9.5", "20.1"}},
    {"industrial_electricity",
     "国网枣庄市峄城区供电公司",
     {"112350", "156820", "85436", "70215", "41530", "468900"},
     {"6.2", "9.1", "13.8", "8.4", "5.3", "7.6"},
     {"10.5", "12.8", "15.1", "9.9", "7.2", "11.6"}},
    {"foreign_capital",
     "区商务局",
     {"5320", "6105", "7791", "2150", "1080", "18600"},
     {"45.2", "30.5", "180.7", "12.3", "-15.6", "22.4"},
     {"20.1", "18.4", "25.6", "10.2", "5.5", "16.8"}},
    {"fixed_asset_investment",
     "区统计局",
     {nullptr, nullptr, nullptr, nullptr, nullptr, nullptr},
     {"8.5", "10.2", "12.6", "9.8", "7.1", "11.3"},
     {"6.8", "7.5", "9.2", "6.1", "5.4", "8.7"}},
    {"retail_sales",
     "区统计局",
     {"98.60", "72.40", "45.20", "38.90", "30.10", "285.30"},
     {"3.1", "2.7", "3.5", "2.2", "1.8", "3.9"},
     {"14.2", "13.5", "15.8", "12.9", "11.6", "15.1"}},
    {"foreign_trade",
     "枣庄海关",
     {"28.50", "31.20", "12.80", "9.60", "4.30", "96.50"},
     {"15.2", "22.6", "35.4", "18.1", "8.9", "20.3"},
     {"25.3", "28.9", "31.2", "20.5", "12.4", "26.8"}},
    {"industrial_revenue",
     "区统计局",
     {"210.50", "268.90", "186.30", "120.60", "75.20", "1250.80"},
     {"6.5", "8.2", "12.1", "5.4", "3.9", "9.7"},
     {"18.2", "20.5", "22.8", "15.1", "12.3", "19.6"}},
};

// Cumulative weight of months 1..m (per mille of a year): January and February light, December
// heavy, as the district's figures run.
constexpr std::array<int, 13> kMonthWeight = {0, 70, 130, 215, 295, 377, 467, 547, 629, 717, 800, 885, 1000};
// The towns' share of the district (per mille) and how far their growth is from the district's
// (percent × 10^4).
struct Town {
  const char* code;
  int share;
  Value offset;
};
const Town kTowns[] = {{"370404001000", 160, 21'000}, {"370404002000", 120, -13'000}, {"370404100000", 140, 8'000},
                       {"370404101000", 90, -24'000}, {"370404102000", 80, 35'000},   {"370404103000", 110, 5'000},
                       {"370404104000", 70, -9'000}};

Value round_to(Value v, int decimals) {
  const auto unit = platform::pow10(kScale - decimals);
  return round_half_even(v, unit) * unit;
}

// The growth of month `m` (or of a quarter's last month) on a path through `at_ref` in September:
// higher early in the year, by `spread` tenths of a point a month more for some areas than for
// others (so that ranks move during the year).
Value growth_path(Value at_ref, int m, int spread) {
  const Value drift = std::max<Value>(2'000, (at_ref < 0 ? -at_ref : at_ref) / 50'000 * 1'000) + spread * 1'000;
  return at_ref + (9 - m) * drift;
}

// The base a year earlier of `value` grown by `growth`, at `decimals`.
Value base_of(Value value, Value growth, int decimals) {
  return round_to(round_half_even(value * 1'000'000, 1'000'000 + growth), decimals);
}

// The growth a current-price bulletin prints for two totals: computed, one decimal.
Value printed_growth(Value value, Value base) {
  const auto g = growth_percent(value, base);
  return g ? g->rounded(1) * 1000 : 0;
}

using Rows = std::vector<std::tuple<std::string, std::string, std::string, FigureInput>>;

void add(Rows& out, const Indicator& i, const std::string& area, Period p, std::optional<Value> value,
         std::optional<Value> growth, const std::string& source) {
  FigureInput in;
  in.value = value;
  in.growth = growth;
  in.unit = i.unit;
  in.source = source;
  if (i.code == "budget_revenue") in.caliber = "自然口径";
  out.emplace_back(i.code, area, period_text(i.frequency, p), std::move(in));
}

// One area's 2021 and 2022 of one indicator, from its reference figure and growths.
void series(Rows& out, const Indicator& i, const std::string& area, std::optional<Value> ref_value, Value g22,
            Value g21, int spread, const std::string& source) {
  const bool quarterly = i.frequency == Frequency::kQuarterly;
  const int periods = quarterly ? 4 : 12;
  for (int k = 1; k <= periods; ++k) {
    // 固定资产投资 is not published for January (reported with February as 1–2月).
    if (i.code == "fixed_asset_investment" && k == 1) continue;
    const int m = quarterly ? k * 3 : k;
    const Value growth22 = growth_path(g22, m, spread), growth21 = growth_path(g21, m, spread);
    if (!ref_value) {
      add(out, i, area, {kYear - 1, k}, std::nullopt, growth21, source);
      add(out, i, area, {kYear, k}, std::nullopt, growth22, source);
      continue;
    }
    const Value v22 = round_to(round_half_even(*ref_value * kMonthWeight[m], kMonthWeight[9]), i.decimals);
    const Value v21 = base_of(v22, growth22, i.decimals);
    // Comparable prices: the published (real) growth; otherwise the growth of the totals.
    const Value printed = i.price_basis == PriceBasis::kComparable ? growth22 : printed_growth(v22, v21);
    add(out, i, area, {kYear - 1, k}, v21, growth21, source);
    add(out, i, area, {kYear, k}, v22, printed, source);
  }
}

}  // namespace

int load_demo_figures(FigureService& figures) {
  Rows rows;
  std::map<std::string, Indicator> by_code;
  for (const auto& i : *figures.indicators()) by_code[i.code] = i;
  for (const auto& r : kRows) {
    const auto it = by_code.find(r.indicator);
    if (it == by_code.end()) continue;  // the catalogue was changed: leave it be
    const auto& i = it->second;
    for (std::size_t k = 0; k < kPeers.size(); ++k) {
      const std::string area = k == 2 ? kDistrict : kPeers[k];
      const std::string source = k == 2 ? r.source : "枣庄市统计局";
      std::optional<Value> value;
      if (r.value[k]) value = parse_value(r.value[k]);
      series(rows, i, area, value, *parse_value(r.growth[k]), *parse_value(r.growth_2021[k]), static_cast<int>(k % 3),
             source);
      // The towns report budget revenue, industrial electricity and fixed-asset investment.
      if (k == 2 &&
          (i.code == "budget_revenue" || i.code == "industrial_electricity" || i.code == "fixed_asset_investment"))
        for (const auto& t : kTowns) {
          std::optional<Value> town_value;
          if (value) town_value = round_to(round_half_even(*value * t.share, 1000), i.decimals);
          series(rows, i, t.code, town_value, *parse_value(r.growth[k]) + t.offset,
                 *parse_value(r.growth_2021[k]) + t.offset / 2, t.share / 50 % 3, "镇街填报");
        }
    }
  }
  return figures.load({std::nullopt, "system", "127.0.0.1"}, rows);
}

}  // namespace ecity::economy
