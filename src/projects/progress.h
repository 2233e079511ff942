// The figures of key-project supervision (重点项目调度), exactly: amounts in integer 元 (one unit
// throughout; shown as 万元 or 亿元), the completion of an annual plan, time progress (序时进度,
// elapsed months ÷ 12) and the gap between them in percentage points computed from the unrounded
// values, as bulletins do (Jiangmen: 629.0 of 647.4 by October is 97.2 %, 13.8 points ahead,
// though 97.2 − 83.3 would give 13.9). Rounding is GB/T 8170 (half to even). docs/projects.md
// defines each figure.
//
// Thread-safety: pure functions.
#pragma once

#include "platform/numeric/decimal.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ecity::projects {

using Yuan = std::int64_t;

// An exact ratio of two amounts (platform/numeric/decimal.h).
using Fraction = platform::Fraction;

// An amount in 万元 as written ("1234.56", "-3", ".5"; at most 4 decimals, i.e. whole 元) → 元;
// nullopt for anything else or beyond ±10^14 元.
std::optional<Yuan> parse_wan(std::string_view text);
// 元 as 万元 / 亿元 text with `decimals` places, rounded half to even: 1'483'700'000 → "148370.00" 万元,
// "14.84" 亿元.
std::string format_wan(Yuan yuan, int decimals = 2);
std::string format_yi(Yuan yuan, int decimals = 2);

// Completion of an annual plan in percent: done ÷ plan × 100. nullopt when plan ≤ 0.
std::optional<Fraction> completion_percent(Yuan done, Yuan plan);
// Time progress in percent after `months` elapsed months of the year (0–12): months ÷ 12 × 100.
Fraction time_progress_percent(int months);
// Completion minus time progress, in percentage points (positive: ahead), from the unrounded
// values. nullopt when plan ≤ 0.
std::optional<Fraction> gap_points(Yuan done, Yuan plan, int months);
// The shortfall against the time-proportional target (plan × months ÷ 12), as a percent of that
// target: (target − done) ÷ target × 100 (negative: ahead). nullopt when the target is 0.
std::optional<Fraction> shortfall_percent(Yuan done, Yuan plan, int months);

}  // namespace ecity::projects
