#include "platform/org/geometry.h"

// Boost 1.74's R-tree (used by is_valid, overlay and index) includes a header that Boost itself
// deprecated, which only prints a "#pragma message" note; silence it for this file.
#define BOOST_ALLOW_DEPRECATED_HEADERS

#include <algorithm>
#include <limits>
#include <string>

#include <boost/geometry/algorithms/area.hpp>
#include <boost/geometry/algorithms/within.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "platform/error.h"

namespace ecity::platform {
namespace {

namespace bg = boost::geometry;
using nlohmann::json;

// A 1°×1° square near the demo district, counter-clockwise.
json square(double x0, double y0, double size = 1.0) {
  return json::array({json::array({x0, y0}), json::array({x0 + size, y0}),
                      json::array({x0 + size, y0 + size}), json::array({x0, y0 + size}),
                      json::array({x0, y0})});
}

json polygon(json rings) { return json{{"type", "Polygon"}, {"coordinates", std::move(rings)}}; }

// Expects parse_geojson_geometry to reject `geometry` as geojson-invalid; returns the English detail.
std::string rejection(const json& geometry) {
  try {
    parse_geojson_geometry(geometry);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), Error::Kind::kInvalid);
    EXPECT_EQ(e.slug(), "geojson-invalid");
    EXPECT_FALSE(e.detail_zh().empty());
    return e.detail_en();
  }
  ADD_FAILURE() << "accepted: " << geometry.dump();
  return {};
}

TEST(GeoJsonGeometry, ReadsPolygon) {
  const LngLatMultiPolygon shape = parse_geojson_geometry(polygon(json::array({square(117.5, 34.7)})));
  ASSERT_EQ(shape.size(), 1u);
  EXPECT_NEAR(bg::area(shape), 1.0, 1e-9);
  EXPECT_TRUE(bg::within(LngLatPoint(118.0, 35.2), shape));
  EXPECT_FALSE(bg::within(LngLatPoint(119.0, 35.2), shape));
}

TEST(GeoJsonGeometry, ReadsPolygonWithHole) {
  json hole = square(117.75, 34.95, 0.5);
  // Holes run clockwise in RFC 7946.
  std::reverse(hole.begin(), hole.end());
  const LngLatMultiPolygon shape = parse_geojson_geometry(polygon(json::array({square(117.5, 34.7), hole})));
  ASSERT_EQ(shape.size(), 1u);
  ASSERT_EQ(shape[0].inners().size(), 1u);
  EXPECT_NEAR(bg::area(shape), 0.75, 1e-9);
  EXPECT_FALSE(bg::within(LngLatPoint(118.0, 35.2), shape));
  EXPECT_TRUE(bg::within(LngLatPoint(117.6, 34.8), shape));
}

TEST(GeoJsonGeometry, ReadsMultiPolygon) {
  const json geometry{{"type", "MultiPolygon"},
                      {"coordinates", json::array({json::array({square(117.0, 34.0)}),
                                                   json::array({square(119.0, 34.0)})})}};
  const LngLatMultiPolygon shape = parse_geojson_geometry(geometry);
  ASSERT_EQ(shape.size(), 2u);
  EXPECT_NEAR(bg::area(shape), 2.0, 1e-9);
  EXPECT_TRUE(bg::within(LngLatPoint(119.5, 34.5), shape));
  EXPECT_FALSE(bg::within(LngLatPoint(118.5, 34.5), shape));
}

TEST(GeoJsonGeometry, CorrectsClockwiseExteriorInsteadOfRejecting) {
  json ring = square(117.5, 34.7);
  std::reverse(ring.begin(), ring.end());
  const LngLatMultiPolygon shape = parse_geojson_geometry(polygon(json::array({ring})));
  EXPECT_NEAR(bg::area(shape), 1.0, 1e-9);
  // Written back counter-clockwise.
  EXPECT_EQ(to_geojson_geometry(shape), polygon(json::array({square(117.5, 34.7)})));
}

TEST(GeoJsonGeometry, IgnoresAltitude) {
  json ring = square(117.5, 34.7);
  for (json& position : ring) position.push_back(35.5);
  EXPECT_NEAR(bg::area(parse_geojson_geometry(polygon(json::array({ring})))), 1.0, 1e-9);
}

TEST(GeoJsonGeometry, RoundTripsThroughGeoJson) {
  const json single = polygon(json::array({square(117.5, 34.7)}));
  EXPECT_EQ(to_geojson_geometry(parse_geojson_geometry(single)), single);
  const json multi{{"type", "MultiPolygon"},
                   {"coordinates", json::array({json::array({square(117.0, 34.0)}),
                                                json::array({square(119.0, 34.0)})})}};
  EXPECT_EQ(to_geojson_geometry(parse_geojson_geometry(multi)), multi);
}

TEST(GeoJsonGeometry, RejectsNonObject) {
  rejection(json::array());
  rejection(json("Polygon"));
  rejection(json());
}

TEST(GeoJsonGeometry, RejectsOtherTypes) {
  for (const char* type : {"Point", "MultiPoint", "LineString", "MultiLineString", "GeometryCollection",
                           "Feature", "FeatureCollection", "polygon"}) {
    SCOPED_TRACE(type);
    EXPECT_NE(rejection(json{{"type", type}, {"coordinates", json::array({square(117.5, 34.7)})}})
                  .find("only Polygon and MultiPolygon"),
              std::string::npos);
  }
  rejection(json{{"coordinates", json::array({square(117.5, 34.7)})}});
  rejection(json{{"type", 7}, {"coordinates", json::array({square(117.5, 34.7)})}});
}

TEST(GeoJsonGeometry, RejectsMissingCoordinates) {
  rejection(json{{"type", "Polygon"}});
  rejection(json{{"type", "Polygon"}, {"coordinates", nullptr}});
  rejection(json{{"type", "Polygon"}, {"coordinates", "0 0, 1 1"}});
}

TEST(GeoJsonGeometry, RejectsPolygonWithoutRings) {
  rejection(polygon(json::array()));
  rejection(json{{"type", "MultiPolygon"}, {"coordinates", json::array()}});
  rejection(json{{"type", "MultiPolygon"}, {"coordinates", json::array({json::array()})}});
}

TEST(GeoJsonGeometry, RejectsRingWithFewerThanFourPositions) {
  const json triangle_open = json::array({json::array({117.5, 34.7}), json::array({117.6, 34.7}),
                                          json::array({117.5, 34.7})});
  EXPECT_NE(rejection(polygon(json::array({triangle_open}))).find("fewer than 4"), std::string::npos);
  rejection(polygon(json::array({json::array()})));
  rejection(polygon(json::array({"not a ring"})));
}

TEST(GeoJsonGeometry, RejectsRingThatIsNotClosed) {
  json ring = square(117.5, 34.7);
  ring.back() = json::array({117.5, 34.7000001});
  EXPECT_NE(rejection(polygon(json::array({ring}))).find("not closed"), std::string::npos);
  json open = square(117.5, 34.7);
  open.erase(open.size() - 1);
  EXPECT_NE(rejection(polygon(json::array({open}))).find("not closed"), std::string::npos);
}

TEST(GeoJsonGeometry, RejectsMalformedPositions) {
  for (const json& bad : {json::array({117.6}), json::array({117.6, 34.8, 1.0, 2.0}), json::array({"117.6", 34.8}),
                          json::array({117.6, nullptr}), json(117.6), json::object()}) {
    SCOPED_TRACE(bad.dump());
    json ring = square(117.5, 34.7);
    ring[2] = bad;
    EXPECT_NE(rejection(polygon(json::array({ring}))).find("ring 0 position 2"), std::string::npos);
  }
}

TEST(GeoJsonGeometry, RejectsNonFiniteCoordinates) {
  for (double bad : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                     -std::numeric_limits<double>::infinity()}) {
    json ring = square(117.5, 34.7);
    ring[1][0] = bad;
    EXPECT_NE(rejection(polygon(json::array({ring}))).find("non-finite"), std::string::npos);
    ring = square(117.5, 34.7);
    ring[1][1] = bad;
    EXPECT_NE(rejection(polygon(json::array({ring}))).find("non-finite"), std::string::npos);
  }
}

TEST(GeoJsonGeometry, RejectsCoordinatesOutOfRange) {
  EXPECT_NE(rejection(polygon(json::array({square(179.5, 10.0)}))).find("outside"), std::string::npos);
  EXPECT_NE(rejection(polygon(json::array({square(10.0, 89.5)}))).find("outside"), std::string::npos);
  EXPECT_NE(rejection(polygon(json::array({square(-181.0, 10.0)}))).find("outside"), std::string::npos);
  // The edges of the ranges are in range.
  EXPECT_NO_THROW(parse_geojson_geometry(polygon(json::array({square(179.0, 89.0)}))));
}

TEST(GeoJsonGeometry, RejectsSelfIntersection) {
  const json bowtie = json::array({json::array({117.5, 34.7}), json::array({117.6, 34.8}),
                                   json::array({117.6, 34.7}), json::array({117.5, 34.8}),
                                   json::array({117.5, 34.7})});
  EXPECT_NE(rejection(polygon(json::array({bowtie}))).find("not a valid shape"), std::string::npos);
}

TEST(GeoJsonGeometry, RejectsZeroArea) {
  const json flat = json::array({json::array({117.5, 34.7}), json::array({117.6, 34.7}),
                                 json::array({117.7, 34.7}), json::array({117.5, 34.7})});
  rejection(polygon(json::array({flat})));
}

TEST(GeoJsonGeometry, RejectsHoleOutsideExterior) {
  json hole = square(120.0, 34.7, 0.5);
  std::reverse(hole.begin(), hole.end());
  rejection(polygon(json::array({square(117.5, 34.7), hole})));
}

TEST(GeoJsonGeometry, RejectsOverlappingMultiPolygonMembers) {
  const json geometry{{"type", "MultiPolygon"},
                      {"coordinates", json::array({json::array({square(117.0, 34.0)}),
                                                   json::array({square(117.5, 34.5)})})}};
  rejection(geometry);
}

TEST(GeoJsonGeometry, NamesThePolygonOfAMultiPolygon) {
  json ring = square(117.5, 34.7);
  ring[3] = json::array({"x", 1});
  const json geometry{{"type", "MultiPolygon"},
                      {"coordinates", json::array({json::array({square(110.0, 30.0)}), json::array({ring})})}};
  EXPECT_NE(rejection(geometry).find("polygon 1 ring 0 position 3"), std::string::npos);
}

}  // namespace
}  // namespace ecity::platform
