// Exact decimal arithmetic for published figures. A value with `scale` decimals is kept as the
// integer value × 10^scale; rounding follows GB/T 8170 ("四舍六入五成双": round half to even,
// decided on the exact digits or the exact quotient), never on a binary double, where 0.35 is
// not 0.35 and a ceiling of 55.000000000000007 is 56.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ecity::platform {

// 10^n for 0 <= n <= 18.
std::int64_t pow10(int n);

// num / den rounded to the nearest integer, an exact half to the even neighbour (GB/T 8170).
// REQUIRES: den > 0; |num| < 2^62.
std::int64_t round_half_even(std::int64_t num, std::int64_t den);

// num / den rounded up (towards +infinity). REQUIRES: den > 0.
std::int64_t ceil_div(std::int64_t num, std::int64_t den);

// An exact ratio num/den (den > 0) of two figures, e.g. a share of a plan, points behind it, a
// growth rate: compared exactly, rounded only when shown.
struct Fraction {
  __int128 num = 0, den = 1;
  // The value × 10^decimals rounded half to even (GB/T 8170). REQUIRES: decimals <= 18.
  std::int64_t rounded(int decimals) const;
  // Whether the value is ≥ (or >) `tenths` / 10, exactly.
  bool at_least_tenths(std::int64_t tenths) const { return num * 10 >= static_cast<__int128>(tenths) * den; }
  bool above_tenths(std::int64_t tenths) const { return num * 10 > static_cast<__int128>(tenths) * den; }
};

// num / den rounded to the nearest integer, an exact half to the even neighbour, on 128 bits.
// REQUIRES: den > 0.
__int128 round_half_even128(__int128 num, __int128 den);

// Parses a plain decimal ("12", "-3.5", ".35", "0.350") into value × 10^scale. Digits beyond
// `scale` are rounded by GB/T 8170 on the text itself. nullopt for anything else: empty text,
// signs alone, exponents, spaces, junk, more than 15 integer digits (or than 18 - scale, which
// would not fit the result). REQUIRES: 0 <= scale <= 9.
std::optional<std::int64_t> parse_scaled(std::string_view text, int scale);

// Changes a value's scale; dropped decimals are rounded by GB/T 8170. REQUIRES: 0 <= from, to <= 9.
std::int64_t rescale(std::int64_t value, int from, int to);

// A scaled value as text with exactly `decimals` places ("-0.50"), rounded by GB/T 8170 when
// decimals < scale. REQUIRES: 0 <= scale, decimals <= 9.
std::string format_scaled(std::int64_t value, int scale, int decimals);

// A number written with an exponent, as JSON serialisers and spreadsheets do ("2.1e-05",
// "1.5E+3"), as a plain decimal ("0.000021", "1500"); text without an exponent is returned as it
// is. Only moves the point: the digits are kept, so parse_scaled() then checks them as usual.
std::string plain_decimal(std::string_view text);

}  // namespace ecity::platform
