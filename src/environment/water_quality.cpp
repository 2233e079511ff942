#include "environment/water_quality.h"

#include "platform/numeric/decimal.h"

#include <algorithm>

namespace ecity::environment {

namespace {

using platform::round_half_even;

constexpr std::int64_t M = 1'000'000;  // 10^kWaterScale

// Class limits I–V (upper limits, mg/L × 10^6), rivers; total phosphorus of lakes apart.
struct Limits {
  std::array<std::int64_t, 5> v;
};
constexpr std::array<Limits, kWaterIndicators> kRiver{{
    {{0, 0, 0, 0, 0}},                                // ph: 6–9, handled apart
    {{7'500'000, 6 * M, 5 * M, 3 * M, 2 * M}},        // do: lower limits
    {{2 * M, 4 * M, 6 * M, 10 * M, 15 * M}},          // codmn
    {{15 * M, 15 * M, 20 * M, 30 * M, 40 * M}},       // cod
    {{3 * M, 3 * M, 4 * M, 6 * M, 10 * M}},           // bod5
    {{150'000, 500'000, 1 * M, 1'500'000, 2 * M}},    // nh3n
    {{20'000, 100'000, 200'000, 300'000, 400'000}},   // tp (rivers)
    {{10'000, 1 * M, 1 * M, 1 * M, 1 * M}},           // cu
    {{50'000, 1 * M, 1 * M, 2 * M, 2 * M}},           // zn
    {{1 * M, 1 * M, 1 * M, 1'500'000, 1'500'000}},    // f
    {{10'000, 10'000, 10'000, 20'000, 20'000}},       // se
    {{50'000, 50'000, 50'000, 100'000, 100'000}},     // as
    {{50, 50, 100, 1'000, 1'000}},                    // hg
    {{1'000, 5'000, 5'000, 5'000, 10'000}},           // cd
    {{10'000, 50'000, 50'000, 50'000, 100'000}},      // cr6
    {{10'000, 10'000, 50'000, 50'000, 100'000}},      // pb
    {{5'000, 50'000, 200'000, 200'000, 200'000}},     // cn
    {{2'000, 2'000, 5'000, 10'000, 100'000}},         // phenol
    {{50'000, 50'000, 50'000, 500'000, 1 * M}},       // oil
    {{200'000, 200'000, 200'000, 300'000, 300'000}},  // las
    {{50'000, 100'000, 200'000, 500'000, 1 * M}},     // sulfide
}};
constexpr Limits kLakeTp{{10'000, 25'000, 50'000, 100'000, 200'000}};
constexpr std::size_t kPh = 0, kDo = 1, kTp = 6;

int class_of(WaterBody body, std::size_t i, std::int64_t v) {
  if (i == kPh) return (v >= 6 * M && v <= 9 * M) ? 1 : kWorseThanV;
  const auto& lim = (i == kTp && body == WaterBody::kLake) ? kLakeTp.v : kRiver[i].v;
  for (int c = 0; c < 5; ++c)
    if (i == kDo ? v >= lim[static_cast<std::size_t>(c)] : v <= lim[static_cast<std::size_t>(c)]) return c + 1;
  return kWorseThanV;
}

}  // namespace

std::optional<WaterBody> water_body_from(std::string_view code) {
  if (code == "river") return WaterBody::kRiver;
  if (code == "lake") return WaterBody::kLake;
  return std::nullopt;
}

const std::array<WaterIndicator, kWaterIndicators>& water_indicators() {
  static const std::array<WaterIndicator, kWaterIndicators> kAll{{
      {"ph", "pH值"},
      {"do", "溶解氧"},
      {"codmn", "高锰酸盐指数"},
      {"cod", "化学需氧量"},
      {"bod5", "五日生化需氧量"},
      {"nh3n", "氨氮"},
      {"tp", "总磷"},
      {"cu", "铜"},
      {"zn", "锌"},
      {"f", "氟化物"},
      {"se", "硒"},
      {"as", "砷"},
      {"hg", "汞"},
      {"cd", "镉"},
      {"cr6", "六价铬"},
      {"pb", "铅"},
      {"cn", "氰化物"},
      {"phenol", "挥发酚"},
      {"oil", "石油类"},
      {"las", "阴离子表面活性剂"},
      {"sulfide", "硫化物"},
  }};
  return kAll;
}

std::string_view class_name(int c) {
  static constexpr std::array<std::string_view, 7> kNames{"", "I", "II", "III", "IV", "V", "劣V"};
  return c >= 1 && c <= kWorseThanV ? kNames[static_cast<std::size_t>(c)] : "";
}

std::int64_t class_limit(WaterBody body, std::size_t i, int c) {
  const auto& lim = (i == kTp && body == WaterBody::kLake) ? kLakeTp.v : kRiver[i].v;
  return lim[static_cast<std::size_t>(c - 1)];
}

std::optional<std::size_t> water_indicator_index(std::string_view code) {
  const auto& all = water_indicators();
  for (std::size_t i = 0; i < all.size(); ++i)
    if (all[i].code == code) return i;
  return std::nullopt;
}

std::optional<std::int64_t> parse_water_value(std::size_t indicator, std::string_view text) {
  const auto dot = text.find('.');
  if (dot != std::string_view::npos && text.size() - dot - 1 > static_cast<std::size_t>(kWaterScale))
    return std::nullopt;
  const auto v = platform::parse_scaled(text, kWaterScale);
  const std::int64_t max = indicator == kPh ? 14 * M : 1'000'000 * M;
  if (!v || *v < 0 || *v > max) return std::nullopt;
  return v;
}

std::string water_value_text(std::int64_t value) {
  auto text = platform::format_scaled(value, kWaterScale, kWaterScale);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

std::string water_sample_text(const WaterSample& s) {
  std::string out;
  for (std::size_t i = 0; i < kWaterIndicators; ++i)
    if (s[i]) {
      if (!out.empty()) out += ';';
      out += water_indicators()[i].code;
      out += '=';
      out += water_value_text(*s[i]);
    }
  return out;
}

WaterSample water_sample_of(std::string_view text) {
  WaterSample out{};
  while (!text.empty()) {
    const auto semi = text.find(';');
    const auto item = text.substr(0, semi);
    text = semi == std::string_view::npos ? std::string_view{} : text.substr(semi + 1);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    const auto i = water_indicator_index(item.substr(0, eq));
    if (i) out[*i] = platform::parse_scaled(item.substr(eq + 1), kWaterScale);
  }
  return out;
}

std::string_view water_quality_zh(int c) {
  static constexpr std::array<std::string_view, 7> kWords{"", "优", "优", "良好", "轻度污染", "中度污染", "重度污染"};
  return c >= 1 && c <= kWorseThanV ? kWords[static_cast<std::size_t>(c)] : "";
}

std::string_view water_quality_en(int c) {
  static constexpr std::array<std::string_view, 7> kWords{"",      "excellent", "excellent", "good",
                                                          "light", "moderate",  "heavy"};
  return c >= 1 && c <= kWorseThanV ? kWords[static_cast<std::size_t>(c)] : "";
}

WaterClassification classify(WaterBody body, const WaterSample& s) {
  WaterClassification r;
  for (std::size_t i = 0; i < kWaterIndicators; ++i) {
    if (!s[i]) continue;
    const int c = class_of(body, i, *s[i]);
    if (!r.water_class || c > *r.water_class) r.water_class = c;
    if (c <= 3) continue;
    Exceeding e{water_indicators()[i].code, c, std::nullopt};
    if (i != kPh && i != kDo) {
      const std::int64_t limit = (i == kTp && body == WaterBody::kLake) ? kLakeTp.v[2] : kRiver[i].v[2];
      e.multiple_hundredths = round_half_even((*s[i] - limit) * 100, limit);
    }
    r.exceeding.push_back(e);
  }
  std::stable_sort(r.exceeding.begin(), r.exceeding.end(), [](const Exceeding& a, const Exceeding& b) {
    if (a.water_class != b.water_class) return a.water_class > b.water_class;
    return a.multiple_hundredths.value_or(-1) > b.multiple_hundredths.value_or(-1);
  });
  return r;
}

WaterSample average(const std::vector<WaterSample>& samples) {
  WaterSample out{};
  for (std::size_t i = 0; i < kWaterIndicators; ++i) {
    std::int64_t sum = 0, n = 0;
    for (const auto& s : samples)
      if (s[i]) {
        sum += *s[i];
        ++n;
      }
    if (n > 0) out[i] = round_half_even(sum, n);
  }
  return out;
}

}  // namespace ecity::environment
