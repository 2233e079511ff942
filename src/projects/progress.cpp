#include "projects/progress.h"

#include "platform/numeric/decimal.h"

namespace ecity::projects {

namespace {

constexpr Yuan kMaxYuan = 100'000'000'000'000;  // 10^14 元: a hundred trillion

std::string format_scaled(Yuan yuan, std::int64_t unit, int decimals) {
  // yuan / unit with `decimals` places: round yuan × 10^decimals / unit, then place the point.
  const auto scaled = platform::round_half_even128(static_cast<__int128>(yuan) * platform::pow10(decimals), unit);
  return platform::format_scaled(static_cast<std::int64_t>(scaled), decimals, decimals);
}

}  // namespace

std::optional<Yuan> parse_wan(std::string_view text) {
  const auto dot = text.find('.');
  if (dot != std::string_view::npos && text.size() - dot - 1 > 4) return std::nullopt;
  const auto v = platform::parse_scaled(text, 4);
  if (!v || *v > kMaxYuan || *v < -kMaxYuan) return std::nullopt;
  return *v;
}

std::string format_wan(Yuan yuan, int decimals) { return format_scaled(yuan, 10'000, decimals); }
std::string format_yi(Yuan yuan, int decimals) { return format_scaled(yuan, 100'000'000, decimals); }

std::optional<Fraction> completion_percent(Yuan done, Yuan plan) {
  if (plan <= 0) return std::nullopt;
  return Fraction{static_cast<__int128>(done) * 100, plan};
}

Fraction time_progress_percent(int months) { return Fraction{static_cast<__int128>(months) * 100, 12}; }

std::optional<Fraction> gap_points(Yuan done, Yuan plan, int months) {
  if (plan <= 0) return std::nullopt;
  // done/plan × 100 − months/12 × 100 = (12·done − months·plan) × 100 / (12·plan)
  const __int128 p = plan;
  return Fraction{(12 * static_cast<__int128>(done) - months * p) * 100, 12 * p};
}

std::optional<Fraction> shortfall_percent(Yuan done, Yuan plan, int months) {
  if (plan <= 0 || months <= 0) return std::nullopt;
  // target = plan·months/12; (target − done)/target × 100 = (plan·months − 12·done) × 100 / (plan·months)
  const __int128 target12 = static_cast<__int128>(plan) * months;
  return Fraction{(target12 - 12 * static_cast<__int128>(done)) * 100, target12};
}

}  // namespace ecity::projects
