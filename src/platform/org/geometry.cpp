#include "platform/org/geometry.h"

// Boost 1.74's R-tree (used by is_valid, overlay and index) includes a header that Boost itself
// deprecated, which only prints a "#pragma message" note; silence it for this file.
#define BOOST_ALLOW_DEPRECATED_HEADERS

#include <cmath>
#include <string>

#include <boost/geometry/algorithms/correct.hpp>
#include <boost/geometry/algorithms/is_valid.hpp>

#include "platform/error.h"

namespace ecity::platform {

namespace {

namespace bg = boost::geometry;
using nlohmann::json;

[[noreturn]] void fail(const std::string& zh, const std::string& en) {
  throw Error::invalid("geojson-invalid", "区域边界（GeoJSON）无效：" + zh, "Invalid GeoJSON geometry: " + en);
}

// "polygon 2 ring 0 position 5" / "第2个多边形第0个环第5个点"; polygon -1 when the input is a Polygon.
struct Where {
  int polygon = -1;
  int ring = 0;

  std::string en() const {
    std::string s = polygon >= 0 ? "polygon " + std::to_string(polygon) + " " : "";
    return s + "ring " + std::to_string(ring);
  }
  std::string zh() const {
    std::string s = polygon >= 0 ? "第" + std::to_string(polygon) + "个多边形" : "";
    return s + "第" + std::to_string(ring) + "个环";
  }
};

LngLatPoint read_position(const json& position, const Where& where, std::size_t index) {
  const std::string at_en = where.en() + " position " + std::to_string(index);
  const std::string at_zh = where.zh() + "第" + std::to_string(index) + "个点";
  if (!position.is_array() || position.size() < 2 || position.size() > 3) {
    fail(at_zh + "应为 [经度, 纬度]", at_en + " must be [lng, lat] or [lng, lat, alt]");
  }
  for (const json& value : position) {
    if (!value.is_number()) fail(at_zh + "的坐标不是数字", at_en + " has a non-numeric coordinate");
  }
  const double lng = position[0].get<double>();
  const double lat = position[1].get<double>();
  // A json value built in code (not parsed from text) can hold NaN or infinity.
  if (!std::isfinite(lng) || !std::isfinite(lat)) {
    fail(at_zh + "的坐标不是有限数", at_en + " has a non-finite coordinate");
  }
  if (lng < -180.0 || lng > 180.0 || lat < -90.0 || lat > 90.0) {
    fail(at_zh + "超出经纬度范围", at_en + " is outside lng [-180, 180] / lat [-90, 90]");
  }
  return LngLatPoint(lng, lat);
}

template <typename Ring>
void read_ring(const json& positions, const Where& where, Ring& ring) {
  if (!positions.is_array()) fail(where.zh() + "不是坐标数组", where.en() + " is not an array of positions");
  // RFC 7946 §3.1.6: a linear ring is closed and has four or more positions.
  if (positions.size() < 4) {
    fail(where.zh() + "少于4个点", where.en() + " has fewer than 4 positions");
  }
  ring.reserve(positions.size());
  for (std::size_t i = 0; i < positions.size(); ++i) {
    ring.push_back(read_position(positions[i], where, i));
  }
  // Exact comparison: a ring that is closed only approximately is not closed.
  if (ring.front().x() != ring.back().x() || ring.front().y() != ring.back().y()) {
    fail(where.zh() + "未闭合（首尾点不同）", where.en() + " is not closed (first and last positions differ)");
  }
}

void read_polygon(const json& rings, int polygon_index, LngLatPolygon& polygon) {
  Where where{polygon_index, 0};
  if (!rings.is_array() || rings.empty()) {
    const std::string n = polygon_index >= 0 ? std::to_string(polygon_index) : "0";
    fail("第" + n + "个多边形缺少外环", "polygon " + n + " has no exterior ring");
  }
  read_ring(rings[0], where, polygon.outer());
  for (std::size_t r = 1; r < rings.size(); ++r) {
    where.ring = static_cast<int>(r);
    polygon.inners().emplace_back();
    read_ring(rings[r], where, polygon.inners().back());
  }
}

}  // namespace

LngLatMultiPolygon parse_geojson_geometry(const json& geometry) {
  if (!geometry.is_object()) fail("几何对象不是 JSON 对象", "geometry is not a JSON object");
  const auto type = geometry.find("type");
  if (type == geometry.end() || !type->is_string()) fail("缺少 type", "missing \"type\"");
  const std::string& kind = type->get_ref<const std::string&>();
  if (kind != "Polygon" && kind != "MultiPolygon") {
    fail("仅支持 Polygon 与 MultiPolygon，收到 " + kind,
         "only Polygon and MultiPolygon are accepted, got " + kind);
  }
  const auto coordinates = geometry.find("coordinates");
  if (coordinates == geometry.end() || !coordinates->is_array()) {
    fail("缺少坐标数组 coordinates", "missing or non-array \"coordinates\"");
  }

  LngLatMultiPolygon shape;
  if (kind == "Polygon") {
    shape.emplace_back();
    read_polygon(*coordinates, -1, shape.back());
  } else {
    if (coordinates->empty()) fail("MultiPolygon 不含多边形", "MultiPolygon has no polygon");
    shape.reserve(coordinates->size());
    for (std::size_t p = 0; p < coordinates->size(); ++p) {
      shape.emplace_back();
      read_polygon((*coordinates)[p], static_cast<int>(p), shape.back());
    }
  }

  // Orientation is normalised, never judged (RFC 7946 §3.1.6); rings are already closed, so
  // correct() only reverses rings.
  bg::correct(shape);
  std::string reason;
  if (!bg::is_valid(shape, reason)) {
    fail("图形不合法（自相交、零面积或多边形重叠等）：" + reason, "not a valid shape: " + reason);
  }
  return shape;
}

json to_geojson_geometry(const LngLatMultiPolygon& shape) {
  auto ring_json = [](const auto& ring) {
    json positions = json::array();
    for (const LngLatPoint& p : ring) positions.push_back(json::array({p.x(), p.y()}));
    return positions;
  };
  auto polygon_json = [&](const LngLatPolygon& polygon) {
    json rings = json::array();
    rings.push_back(ring_json(polygon.outer()));
    for (const auto& inner : polygon.inners()) rings.push_back(ring_json(inner));
    return rings;
  };
  if (shape.size() == 1) return json{{"type", "Polygon"}, {"coordinates", polygon_json(shape.front())}};
  json polygons = json::array();
  for (const LngLatPolygon& polygon : shape) polygons.push_back(polygon_json(polygon));
  return json{{"type", "MultiPolygon"}, {"coordinates", polygons}};
}

}  // namespace ecity::platform
