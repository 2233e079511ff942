#include "economy/figures.h"

#include <fmt/format.h>

#include <algorithm>

namespace ecity::economy {

namespace {

constexpr Value kMaxValue = 10'000'000'000'000'000;  // 10^12 in the unit, × 10^4

// ⌊√n⌋ for n ≥ 0, exactly, by Newton's method on 128 bits.
unsigned __int128 isqrt(unsigned __int128 n) {
  if (n < 2) return n;
  unsigned __int128 x = n, y = (x + 1) / 2;
  while (y < x) {
    x = y;
    y = (x + n / x) / 2;
  }
  return x;
}

// Growth of 100 % or more as "times" (倍) with one decimal: percent × 10^4 ÷ 100, in tenths.
std::int64_t times_tenths(Value growth) { return platform::round_half_even(growth, 100'000); }

}  // namespace

std::optional<Value> parse_value(std::string_view text) {
  const auto dot = text.find('.');
  if (dot != std::string_view::npos && text.size() - dot - 1 > kScale) return std::nullopt;
  const auto v = platform::parse_scaled(text, kScale);
  if (!v || *v > kMaxValue || *v < -kMaxValue) return std::nullopt;
  return *v;
}

std::string format_value(Value v, int decimals) { return platform::format_scaled(v, kScale, decimals); }

std::optional<platform::Fraction> growth_percent(Value current, Value base) {
  if (base <= 0) return std::nullopt;
  return platform::Fraction{(static_cast<__int128>(current) - base) * 100, base};
}

Value single_month(Value ytd, std::optional<Value> ytd_before) { return ytd - ytd_before.value_or(0); }

std::optional<std::int64_t> two_year_average_growth(Value growth_this, Value growth_last, int decimals) {
  // 1 + g/100 with g as percent × 10^4 is (10^6 + g) / 10^6. The average is
  // √((10^6 + g₁)(10^6 + g₂)) / 10^6 − 1, in percent (√N − 10^6) / 10^4. With s = ⌊√(N·10^8)⌋
  // (√N to four more places), the percent × 10^d is (s − 10^10) · 10^d / 10^8; the floor can only
  // move an irrational root, which never lies on a rounding tie.
  const __int128 a = static_cast<__int128>(1'000'000) + growth_this;
  const __int128 b = static_cast<__int128>(1'000'000) + growth_last;
  // N·10^8 must fit 128 bits: rates beyond about 10^9 % are not figures anyone publishes.
  constexpr __int128 kMaxProduct = static_cast<__int128>(1'000'000'000'000'000) * 1'000'000'000'000'000;  // 10^30
  if (a <= 0 || b <= 0 || a > kMaxProduct / b) return std::nullopt;
  const auto s = static_cast<__int128>(isqrt(static_cast<unsigned __int128>(a * b) * 100'000'000));
  return static_cast<std::int64_t>(
      platform::round_half_even128((s - 10'000'000'000) * platform::pow10(decimals), 100'000'000));
}

std::vector<int> competition_ranks(const std::vector<std::optional<Value>>& values) {
  std::vector<int> ranks(values.size(), 0);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!values[i]) continue;
    int better = 0;
    for (const auto& other : values)
      if (other && *other > *values[i]) ++better;
    ranks[i] = better + 1;
  }
  return ranks;
}

std::optional<int> rank_change(int earlier, int now) {
  if (earlier <= 0 || now <= 0) return std::nullopt;
  return earlier - now;
}

GrowthCheck check_growth(Value current, Value base, Value published_growth, int decimals) {
  GrowthCheck out;
  out.computed = growth_percent(current, base);
  if (!out.computed) return out;
  const auto computed = out.computed->rounded(decimals);
  const auto published = platform::rescale(published_growth, kScale, decimals);
  out.consistent = computed - published <= 1 && published - computed <= 1;
  return out;
}

std::string growth_zh(Value growth, int decimals) {
  const auto g = platform::rescale(growth, kScale, decimals);
  if (g == 0) return "持平";
  if (g < 0) return "下降" + platform::format_scaled(-g, decimals, decimals) + "%";
  if (g >= 100 * platform::pow10(decimals)) return "增长" + platform::format_scaled(times_tenths(growth), 1, 1) + "倍";
  return "增长" + platform::format_scaled(g, decimals, decimals) + "%";
}

std::string growth_en(Value growth, int decimals) {
  const auto g = platform::rescale(growth, kScale, decimals);
  if (g == 0) return "flat";
  if (g < 0) return "down " + platform::format_scaled(-g, decimals, decimals) + "%";
  if (g >= 100 * platform::pow10(decimals))
    return "up " + platform::format_scaled(times_tenths(growth), 1, 1) + " times";
  return "up " + platform::format_scaled(g, decimals, decimals) + "%";
}

}  // namespace ecity::economy
