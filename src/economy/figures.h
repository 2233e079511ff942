// The figures of economic statistics (经济运行), exactly and by the statistics bureaus'
// conventions (../shared/domain/governance.md §2, docs/economy.md):
//   - values as published, fixed-point with four decimals in the indicator's unit (138.74 亿元
//     → 1'387'400), never binary doubles;
//   - year-on-year growth from two totals only where the price basis allows it (current
//     prices); a comparable-price rate is stored as published, never recomputed;
//   - single months from year-to-date values of additive indicators;
//   - the two-year average growth of the bulletins of 2021 (the geometric mean of two years);
//   - ranks among peers with ties sharing the best place, and the change of a rank;
//   - the check that a published rate of a current-price indicator agrees with its totals;
//   - growth written as bulletins write it ("增长4.5%", "下降1.4%", "增长1.8倍" above 100 %).
// Rounding is GB/T 8170 (half to even) on exact values.
//
// Thread-safety: pure functions.
#pragma once

#include "platform/numeric/decimal.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecity::economy {

// A published value × 10^4, in its indicator's unit (亿元, 万元, 万美元, 万千瓦时, %).
using Value = std::int64_t;
inline constexpr int kScale = 4;

// "138.74", "-3.9", "7791" → value × 10^4; more than four decimals are refused (a published
// figure has at most four), as are exponents, junk and magnitudes beyond 10^13.
std::optional<Value> parse_value(std::string_view text);
// The value with `decimals` places, rounded half to even: format_value(1'387'400, 2) = "138.74".
std::string format_value(Value v, int decimals);

// Year-on-year growth in percent, (current − base) ÷ base × 100, exact; nullopt when the base
// is not positive (no growth of a loss or of nothing).
std::optional<platform::Fraction> growth_percent(Value current, Value base);

// The single month (当月) of an additive indicator from its year-to-date values: ytd − the
// year to date of the month before; January (no month before) is its year to date.
Value single_month(Value ytd, std::optional<Value> ytd_before);

// The two-year average growth (两年平均增长) from the published rates of this year and last
// (percent × 10^4): (√((1 + g₁/100)(1 + g₂/100)) − 1) × 100, as value × 10^decimals rounded
// half to even. nullopt when either year fell by 100 % or more, or for rates beyond ~10^9 %.
std::optional<std::int64_t> two_year_average_growth(Value growth_this, Value growth_last, int decimals);

// Ranks among peers, highest first, ties sharing the best place (1, 2, 2, 4); a peer without a
// value has no rank (0) and does not count.
std::vector<int> competition_ranks(const std::vector<std::optional<Value>>& values);

// Places moved up since the earlier rank (positive: better); nullopt without both ranks.
std::optional<int> rank_change(int earlier, int now);

// Whether a published growth rate (percent × 10^4, given with `decimals` places) agrees with the
// rate computed from the totals: they agree when the computed rate rounded to `decimals` is
// within one unit of the last place of the published one (the totals are themselves rounded).
struct GrowthCheck {
  bool consistent = true;
  std::optional<platform::Fraction> computed;  // none when the base is not positive
};
GrowthCheck check_growth(Value current, Value base, Value published_growth, int decimals);

// Growth as bulletins write it, from percent × 10^4 with `decimals` places: "增长4.5%",
// "下降1.4%", "持平" at zero, and at 100 % or more "增长1.8倍" (the rate ÷ 100, one decimal).
std::string growth_zh(Value growth, int decimals);
// The same in English: "up 4.5%", "down 1.4%", "flat", "up 1.8 times".
std::string growth_en(Value growth, int decimals);

}  // namespace ecity::economy
