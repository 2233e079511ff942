#include "appeals/similarity.h"

#include "platform/http/message.h"

#include <boost/geometry/algorithms/distance.hpp>
#include <boost/geometry/core/cs.hpp>
#include <boost/geometry/geometries/point.hpp>
#include <boost/geometry/strategies/spherical/distance_haversine.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace ecity::appeals {

namespace {

bool dropped(char32_t c) {
  if (c < 0x80) return !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80);
  switch (c) {
    case U'，':
    case U'。':
    case U'、':
    case U'；':
    case U'：':
    case U'？':
    case U'！':
    case U'“':
    case U'”':
    case U'‘':
    case U'’':
    case U'（':
    case U'）':
    case U'【':
    case U'】':
    case U'《':
    case U'》':
    case U'…':
    case U'—':
    case U'·':
    case 0x3000:  // ideographic space
      return true;
    default:
      return false;
  }
}

// Code points of `s`, cleaned as bigram_similarity() describes.
std::vector<char32_t> characters(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size() / 3 + 1);
  while (!s.empty()) {
    auto n = platform::utf8_sequence(s);
    char32_t c;
    if (n == 0) {
      c = 0xFFFD;
      n = 1;
    } else if (n == 1) {
      c = static_cast<unsigned char>(s[0]);
      if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
    } else {
      c = static_cast<unsigned char>(s[0]) & (0xFF >> (n + 1));
      for (std::size_t i = 1; i < n; ++i) c = (c << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
    }
    if (!dropped(c)) out.push_back(c);
    s.remove_prefix(n);
  }
  return out;
}

std::vector<std::uint64_t> bigrams(const std::vector<char32_t>& chars) {
  std::vector<std::uint64_t> out;
  for (std::size_t i = 0; i + 1 < chars.size(); ++i)
    out.push_back((static_cast<std::uint64_t>(chars[i]) << 32) | chars[i + 1]);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

double bigram_similarity(std::string_view a, std::string_view b) {
  const auto ca = characters(a), cb = characters(b);
  const auto ba = bigrams(ca), bb = bigrams(cb);
  if (ba.empty() || bb.empty()) return ca == cb ? 1.0 : 0.0;
  std::size_t common = 0;
  for (std::size_t i = 0, j = 0; i < ba.size() && j < bb.size();) {
    if (ba[i] == bb[j]) {
      ++common, ++i, ++j;
    } else if (ba[i] < bb[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return 2.0 * static_cast<double>(common) / static_cast<double>(ba.size() + bb.size());
}

double distance_m(double lng1, double lat1, double lng2, double lat2) {
  namespace bg = boost::geometry;
  using Point = bg::model::point<double, 2, bg::cs::spherical_equatorial<bg::degree>>;
  constexpr double kEarthRadiusM = 6371008.8;
  return bg::distance(Point(lng1, lat1), Point(lng2, lat2), bg::strategy::distance::haversine<double>(kEarthRadiusM));
}

}  // namespace ecity::appeals
