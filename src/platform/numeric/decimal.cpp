#include "platform/numeric/decimal.h"

#include <cstdlib>

namespace ecity::platform {

std::int64_t pow10(int n) {
  std::int64_t p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

std::int64_t round_half_even(std::int64_t num, std::int64_t den) {
  const bool negative = num < 0;
  const std::int64_t a = negative ? -num : num;
  std::int64_t q = a / den;
  const std::int64_t r = a % den;
  // Compare the remainder with half the divisor without dividing: 2r against den.
  if (2 * r > den || (2 * r == den && q % 2 == 1)) ++q;
  return negative ? -q : q;
}

std::int64_t ceil_div(std::int64_t num, std::int64_t den) {
  std::int64_t q = num / den;
  if (num % den != 0 && num > 0) ++q;
  return q;
}

std::optional<std::int64_t> parse_scaled(std::string_view text, int scale) {
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  std::int64_t whole = 0;
  int int_digits = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (++int_digits > 15 || int_digits + scale > 18) return std::nullopt;  // int64 holds 18 digits
    whole = whole * 10 + (text[i++] - '0');
  }
  bool any_digit = int_digits > 0;
  std::int64_t frac = 0;  // the first `scale` decimals
  int frac_digits = 0;
  // Beyond `scale`: the first dropped digit, and whether anything non-zero follows it.
  int dropped = -1;
  bool dropped_tail = false;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      const int d = text[i++] - '0';
      if (frac_digits < scale) {
        frac = frac * 10 + d;
        ++frac_digits;
      } else if (dropped < 0) {
        dropped = d;
      } else if (d != 0) {
        dropped_tail = true;
      }
      any_digit = true;
    }
  }
  if (i != text.size() || !any_digit) return std::nullopt;
  for (; frac_digits < scale; ++frac_digits) frac *= 10;
  std::int64_t v = whole * pow10(scale) + frac;
  // GB/T 8170 on the digits: below 5 drop, above 5 (or 5 then non-zero) up, exactly 5 to even.
  if (dropped > 5 || (dropped == 5 && (dropped_tail || v % 2 == 1))) ++v;
  return negative ? -v : v;
}

std::int64_t rescale(std::int64_t value, int from, int to) {
  if (to >= from) return value * pow10(to - from);
  return round_half_even(value, pow10(from - to));
}

std::string format_scaled(std::int64_t value, int scale, int decimals) {
  const std::int64_t v = rescale(value, scale, decimals);
  const std::int64_t a = v < 0 ? -v : v;
  std::string out = v < 0 ? "-" : "";
  const std::int64_t p = pow10(decimals);
  out += std::to_string(a / p);
  if (decimals > 0) {
    std::string f = std::to_string(a % p);
    out += '.' + std::string(static_cast<std::size_t>(decimals) - f.size(), '0') + f;
  }
  return out;
}

std::string plain_decimal(std::string_view text) {
  const auto e = text.find_first_of("eE");
  if (e == std::string_view::npos) return std::string(text);
  const int exponent = std::atoi(std::string(text.substr(e + 1)).c_str());
  std::string digits(text.substr(0, e));
  const bool negative = !digits.empty() && digits[0] == '-';
  if (negative) digits.erase(0, 1);
  const auto dot = digits.find('.');
  int point = static_cast<int>(dot == std::string::npos ? digits.size() : dot);
  if (dot != std::string::npos) digits.erase(dot, 1);
  point += exponent;
  if (point <= 0) {
    digits.insert(0, static_cast<std::size_t>(-point) + 1, '0');
    point = 1;
  } else if (point > static_cast<int>(digits.size())) {
    digits.append(static_cast<std::size_t>(point) - digits.size(), '0');
  }
  if (point < static_cast<int>(digits.size())) digits.insert(static_cast<std::size_t>(point), ".");
  return (negative ? "-" : "") + digits;
}

__int128 round_half_even128(__int128 num, __int128 den) {
  const bool negative = num < 0;
  const __int128 a = negative ? -num : num;
  __int128 q = a / den;
  const __int128 r = a % den;
  if (r * 2 > den || (r * 2 == den && q % 2 == 1)) ++q;
  return negative ? -q : q;
}

std::int64_t Fraction::rounded(int decimals) const {
  return static_cast<std::int64_t>(round_half_even128(num * pow10(decimals), den));
}

}  // namespace ecity::platform
