// Surface-water classes by GB 3838—2002 and the national assessment method (环办〔2011〕22号):
// single-factor evaluation over the 21 basic indicators (Table 1 less water temperature, total
// nitrogen and faecal coliform), the worst class wins, a value worse than class V is 劣V;
// rivers and lakes differ for total phosphorus. Several samples of a period are averaged per
// indicator first. Pure functions; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecity::environment {

enum class WaterBody { kRiver, kLake };                           // lakes include reservoirs
std::optional<WaterBody> water_body_from(std::string_view code);  // "river", "lake"

constexpr std::size_t kWaterIndicators = 21;
// Values are exact: value × 10^kWaterScale in the indicator's unit (mg/L; pH dimensionless).
constexpr int kWaterScale = 6;

struct WaterIndicator {
  std::string_view code;  // CSV column: ph, do, codmn, cod, bod5, nh3n, tp, cu, zn, f, se, as, hg, cd, cr6, pb, cn,
                          // phenol, oil, las, sulfide
  std::string_view name;  // Chinese name
};
const std::array<WaterIndicator, kWaterIndicators>& water_indicators();

// Class 1–5 for I–V, 6 for 劣V.
constexpr int kWorseThanV = 6;
std::string_view class_name(int water_class);  // "I" … "V", "劣V"

using WaterSample = std::array<std::optional<std::int64_t>, kWaterIndicators>;  // nullopt: not measured

struct Exceeding {
  std::string_view code;
  int water_class = 0;
  std::optional<std::int64_t> multiple_hundredths;  // (C − S_III) / S_III; none for pH and DO
};

struct WaterClassification {
  std::optional<int> water_class;    // nullopt when nothing was measured
  std::vector<Exceeding> exceeding;  // indicators worse than class III, worst first
};

// The limit of class 1–5 for an indicator other than pH (index 0), in mg/L × 10^kWaterScale: an
// upper limit, except dissolved oxygen (index 1), whose limits are lower ones.
std::int64_t class_limit(WaterBody body, std::size_t indicator, int water_class);

// The index of an indicator code in water_indicators(), or nullopt.
std::optional<std::size_t> water_indicator_index(std::string_view code);
// A measured value as text (a plain decimal) checked for its indicator: 0–14 for pH, 0–1,000,000
// mg/L otherwise, at most 6 decimals; nullopt when it is not such a value.
std::optional<std::int64_t> parse_water_value(std::size_t indicator, std::string_view text);
// The shortest exact decimal text of a value (0.15, 7, 0.00004).
std::string water_value_text(std::int64_t value);
// A sample as stored (`code=value;…`, measured indicators only, in table order) and back; the
// reader skips what it does not understand.
std::string water_sample_text(const WaterSample& s);
WaterSample water_sample_of(std::string_view text);

// The assessment words of a class (I–II 优, III 良好, IV 轻度污染, V 中度污染, 劣V 重度污染).
std::string_view water_quality_zh(int water_class);
std::string_view water_quality_en(int water_class);

WaterClassification classify(WaterBody body, const WaterSample& s);
// The per-indicator means of several samples (each over the samples that measured it).
WaterSample average(const std::vector<WaterSample>& samples);

}  // namespace ecity::environment
