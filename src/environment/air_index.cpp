#include "environment/air_index.h"

#include "platform/numeric/decimal.h"

#include <algorithm>
#include <array>

namespace ecity::environment {

namespace {

constexpr std::array<int, 8> kSteps{0, 50, 100, 150, 200, 300, 400, 500};

// One column of HJ 633 Table 1, in reporting resolution (CO in 0.1 mg/m³). `size` breakpoints
// are defined; the SO2 1-h and O3 8-h columns stop at 800 µg/m³.
struct Column {
  std::array<std::int64_t, 8> bp;
  std::size_t size = 8;
};

const Column& column(AqiStandard s, AqiItem item) {
  static const Column kSO2_24h{{0, 50, 150, 475, 800, 1600, 2100, 2620}};
  static const Column kSO2_1h{{0, 150, 500, 650, 800}, 5};
  static const Column kNO2_24h{{0, 40, 80, 180, 280, 565, 750, 940}};
  static const Column kNO2_1h{{0, 100, 200, 700, 1200, 2340, 3090, 3840}};
  static const Column kCO_24h{{0, 20, 40, 140, 240, 360, 480, 600}};
  static const Column kCO_1h{{0, 50, 100, 350, 600, 900, 1200, 1500}};
  static const Column kO3_1h{{0, 160, 200, 300, 400, 800, 1000, 1200}};
  static const Column kO3_8h{{0, 100, 160, 215, 265, 800}, 6};
  static const Column kPM10_2012{{0, 50, 150, 250, 350, 420, 500, 600}};
  static const Column kPM10_2026{{0, 50, 120, 250, 350, 420, 500, 600}};
  static const Column kPM25_2012{{0, 35, 75, 115, 150, 250, 350, 500}};
  static const Column kPM25_2026{{0, 35, 60, 115, 150, 250, 350, 500}};
  switch (item) {
    case AqiItem::kSO2_24h:
      return kSO2_24h;
    case AqiItem::kSO2_1h:
      return kSO2_1h;
    case AqiItem::kNO2_24h:
      return kNO2_24h;
    case AqiItem::kNO2_1h:
      return kNO2_1h;
    case AqiItem::kCO_24h:
      return kCO_24h;
    case AqiItem::kCO_1h:
      return kCO_1h;
    case AqiItem::kO3_1h:
      return kO3_1h;
    case AqiItem::kO3_8h:
      return kO3_8h;
    case AqiItem::kPM10_24h:
      return s == AqiStandard::k2012 ? kPM10_2012 : kPM10_2026;
    case AqiItem::kPM25_24h:
      return s == AqiStandard::k2012 ? kPM25_2012 : kPM25_2026;
  }
  return kSO2_24h;
}

// The order reports list primary pollutants in.
int primary_rank(std::string_view code) {
  static constexpr std::array<std::string_view, 7> kOrder{"PM2.5", "PM10", "O3_8h", "O3_1h", "O3", "NO2", "SO2"};
  for (std::size_t i = 0; i < kOrder.size(); ++i)
    if (kOrder[i] == code) return static_cast<int>(i);
  return static_cast<int>(kOrder.size());  // CO, and anything else, last
}

}  // namespace

AqiStandard standard_on(std::string_view iso_date) {
  return iso_date < std::string_view("2026-03-01") ? AqiStandard::k2012 : AqiStandard::k2026;
}

std::string_view code(AqiStandard s) { return s == AqiStandard::k2012 ? "2012" : "2026"; }

std::optional<AqiStandard> standard_from(std::string_view code) {
  if (code == "2012") return AqiStandard::k2012;
  if (code == "2026") return AqiStandard::k2026;
  return std::nullopt;
}

std::optional<int> iaqi(AqiStandard s, AqiItem item, std::int64_t c) {
  if (c < 0) return std::nullopt;
  const auto& col = column(s, item);
  const std::int64_t last = col.bp[col.size - 1];
  if (c > last) {
    // The columns that stop at 800: 2012 scores another item instead, 2026 fixes the index.
    if (item == AqiItem::kSO2_1h) return s == AqiStandard::k2012 ? std::nullopt : std::optional<int>(200);
    if (item == AqiItem::kO3_8h) return s == AqiStandard::k2012 ? std::nullopt : std::optional<int>(300);
    return 500;  // beyond the table ("爆表")
  }
  std::size_t j = 0;
  while (c > col.bp[j + 1]) ++j;
  const std::int64_t lo = col.bp[j], hi = col.bp[j + 1];
  const std::int64_t i_lo = kSteps[j], i_hi = kSteps[j + 1];
  // IAQI = I_lo + (I_hi − I_lo)(C − BP_lo)/(BP_hi − BP_lo), rounded up (HJ 633 §6.2 / §4.2.6).
  return static_cast<int>(i_lo + platform::ceil_div((c - lo) * (i_hi - i_lo), hi - lo));
}

std::optional<int> iaqi(AqiStandard s, AqiItem item, const std::optional<std::int64_t>& c) {
  return c ? iaqi(s, item, *c) : std::nullopt;
}

AqiLevel level_of(int aqi) {
  if (aqi <= 50) return {1, "一级", "优", "#00E400"};
  if (aqi <= 100) return {2, "二级", "良", "#FFFF00"};
  if (aqi <= 150) return {3, "三级", "轻度污染", "#FF7E00"};
  if (aqi <= 200) return {4, "四级", "中度污染", "#FF0000"};
  if (aqi <= 300) return {5, "五级", "重度污染", "#99004C"};
  return {6, "六级", "严重污染", "#7E0023"};
}

AqiResult combine(AqiStandard s, const std::vector<SubIndex>& items) {
  AqiResult r;
  bool complete = true;
  std::optional<int> top;
  for (const auto& it : items) {
    if (!it.value) {
      complete = false;
      continue;
    }
    if (!top || *it.value > *top) top = it.value;
  }
  if (!top) return r;
  if (!complete && (s == AqiStandard::k2012 || *top <= 100)) return r;
  r.aqi = top;
  if (*top > 50) {
    for (const auto& it : items)
      if (it.value == top) r.primary.push_back(it.code);
    std::stable_sort(r.primary.begin(), r.primary.end(),
                     [](std::string_view a, std::string_view b) { return primary_rank(a) < primary_rank(b); });
  }
  return r;
}

}  // namespace ecity::environment
