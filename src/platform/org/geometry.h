// Region shapes: GeoJSON (RFC 7946) Polygon and MultiPolygon geometries read into Boost.Geometry.
//
// Coordinates are WGS84 degrees with x = longitude and y = latitude, and all computations on them
// are PLANAR (cartesian on degrees). At district scale (tens of kilometres) that is exact enough
// for point-in-region and for comparing areas between regions; an area in degrees² is not a
// surface area, so never report it as km².
#pragma once

#include <boost/geometry/geometries/box.hpp>
#include <boost/geometry/geometries/multi_polygon.hpp>
#include <boost/geometry/geometries/point_xy.hpp>
#include <boost/geometry/geometries/polygon.hpp>
#include <nlohmann/json.hpp>

namespace ecity::platform {

// x = longitude, y = latitude, degrees.
using LngLatPoint = boost::geometry::model::d2::point_xy<double>;
// Counter-clockwise exterior, clockwise holes, closed rings: the same conventions as RFC 7946, so
// a ring reads and writes in GeoJSON order.
using LngLatPolygon = boost::geometry::model::polygon<LngLatPoint, /*ClockWise=*/false,
                                                      /*Closed=*/true>;
using LngLatMultiPolygon = boost::geometry::model::multi_polygon<LngLatPolygon>;
using LngLatBox = boost::geometry::model::box<LngLatPoint>;

// Reads a GeoJSON geometry object ({"type": "Polygon" | "MultiPolygon", "coordinates": …}) into a
// valid multipolygon (a Polygon becomes a multipolygon of one).
//
// Accepted: positions of 2 numbers, or 3 (the altitude is ignored); holes; rings of either
// orientation (RFC 7946 §3.1.6 says parsers should not reject a ring against the right-hand rule,
// so orientation is corrected, not judged).
// Throws Error::invalid (slug "geojson-invalid", the detail names the offending ring or position) on:
// a non-object or a type other than Polygon/MultiPolygon (Point, GeometryCollection, Feature, …);
// missing or non-array "coordinates"; no polygon or a polygon without an exterior ring; a ring with
// fewer than 4 positions or whose last position differs from its first; a position that is not 2–3
// numbers, is not finite, or lies outside lng [-180, 180] / lat [-90, 90]; and a geometry that
// Boost.Geometry's is_valid rejects (self-intersection, spikes, zero area, a hole outside its
// exterior, overlapping polygons of a multipolygon, …).
LngLatMultiPolygon parse_geojson_geometry(const nlohmann::json& geometry);

// Writes a multipolygon as a GeoJSON geometry: "Polygon" when it has exactly one polygon,
// otherwise "MultiPolygon". Rings are written closed and in the orientation of LngLatPolygon
// (counter-clockwise exterior) provided `shape` is valid, as parse_geojson_geometry returns it.
nlohmann::json to_geojson_geometry(const LngLatMultiPolygon& shape);

}  // namespace ecity::platform
