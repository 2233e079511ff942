#include "platform/org/locator.h"

// Boost 1.74's R-tree (used by is_valid, overlay and index) includes a header that Boost itself
// deprecated, which only prints a "#pragma message" note; silence it for this file.
#define BOOST_ALLOW_DEPRECATED_HEADERS

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/geometry/algorithms/area.hpp>
#include <boost/geometry/algorithms/covered_by.hpp>
#include <boost/geometry/algorithms/envelope.hpp>
#include <boost/geometry/algorithms/intersection.hpp>
#include <boost/geometry/algorithms/point_on_surface.hpp>
#include <boost/geometry/algorithms/within.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "platform/error.h"

namespace ecity::platform {
namespace {

namespace bg = boost::geometry;
using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// A small hand-made district on exact binary coordinates: x = 117.5 + 0.25·u, y = 34.5 + 0.25·v.
//
//   v=2 +---------+---------+        towns:    W 370404102000 (u 0–1)   E 370404101000 (u 1–2)
//       |   WN    |         |        villages: WS, WN in W;  E1 in E
//       |   Gc    |   Ge    |        grids:    Ga (u 0–0.5), Gb (u 0.5–1) in WS;  Gc in WN;
//   v=1 +----+----+   E1    |                  Gd (v 0–1), Ge (v 1–2) in E1
//       | Ga | Gb |   Gd    |
//   v=0 +----+----+---------+        E has the smaller code, so a point on the W|E border is E's.
//      u=0  0.5   1         2

double lng(double u) { return 117.5 + 0.25 * u; }
double lat(double v) { return 34.5 + 0.25 * v; }

LngLatMultiPolygon rect(double u0, double v0, double u1, double v1) {
  LngLatPolygon polygon;
  polygon.outer() = {{lng(u0), lat(v0)}, {lng(u1), lat(v0)}, {lng(u1), lat(v1)}, {lng(u0), lat(v1)},
                     {lng(u0), lat(v0)}};
  return LngLatMultiPolygon{polygon};
}

RegionShape region(std::int64_t id, std::int64_t parent_id, std::string level, std::string code,
                   LngLatMultiPolygon shape) {
  return RegionShape{id, parent_id, std::move(level), code, "区域" + code, std::move(shape)};
}

enum : std::int64_t { kD = 1, kW = 10, kWS = 11, kWN = 12, kE = 20, kE1 = 21,
                      kGa = 111, kGb = 112, kGc = 121, kGd = 211, kGe = 212 };

std::vector<RegionShape> small_district() {
  return {
      region(kD, 0, "district", "370404000000", rect(0, 0, 2, 2)),
      region(kW, kD, "town", "370404102000", rect(0, 0, 1, 2)),
      region(kE, kD, "town", "370404101000", rect(1, 0, 2, 2)),
      region(kWS, kW, "village", "370404102001", rect(0, 0, 1, 1)),
      region(kWN, kW, "village", "370404102002", rect(0, 1, 1, 2)),
      region(kE1, kE, "village", "370404101001", rect(1, 0, 2, 2)),
      // Listed before Gb, with the larger code: order of the list must not matter.
      region(kGa, kWS, "grid", "370404102001002", rect(0, 0, 0.5, 1)),
      region(kGb, kWS, "grid", "370404102001001", rect(0.5, 0, 1, 1)),
      region(kGc, kWN, "grid", "370404102002001", rect(0, 1, 1, 2)),
      region(kGd, kE1, "grid", "370404101001001", rect(1, 0, 2, 1)),
      region(kGe, kE1, "grid", "370404101001002", rect(1, 1, 2, 2)),
  };
}

std::int64_t id_of(const std::optional<RegionLocator::Hit>& hit) { return hit ? hit->id : 0; }

struct Ids {
  std::int64_t town, village, grid;
};

Ids at(const RegionLocator& locator, double u, double v) {
  const auto result = locator.locate(lng(u), lat(v));
  return {id_of(result.town), id_of(result.village), id_of(result.grid)};
}

#define EXPECT_IDS(locator, u, v, t, vi, g)            \
  do {                                                 \
    const Ids ids = at(locator, u, v);                 \
    EXPECT_EQ(ids.town, t) << "at " << u << "," << v;    \
    EXPECT_EQ(ids.village, vi) << "at " << u << "," << v; \
    EXPECT_EQ(ids.grid, g) << "at " << u << "," << v;    \
  } while (false)

TEST(RegionLocator, FindsInteriorPoints) {
  const RegionLocator locator(small_district());
  EXPECT_IDS(locator, 0.25, 0.5, kW, kWS, kGa);
  EXPECT_IDS(locator, 0.75, 0.5, kW, kWS, kGb);
  EXPECT_IDS(locator, 0.5, 1.5, kW, kWN, kGc);
  EXPECT_IDS(locator, 1.5, 0.5, kE, kE1, kGd);
  EXPECT_IDS(locator, 1.5, 1.5, kE, kE1, kGe);
}

TEST(RegionLocator, ReturnsCodeAndName) {
  const RegionLocator locator(small_district());
  const auto result = locator.locate(lng(0.25), lat(0.5));
  ASSERT_TRUE(result.grid.has_value());
  EXPECT_EQ(*result.grid, (RegionLocator::Hit{kGa, "370404102001002", "区域370404102001002"}));
  EXPECT_EQ(result.town->code, "370404102000");
  EXPECT_EQ(result.village->name, "区域370404102001");
}

TEST(RegionLocator, TownBorderGoesToSmallestCodeAndLevelsFollow) {
  const RegionLocator locator(small_district());
  EXPECT_IDS(locator, 1, 0.5, kE, kE1, kGd);
  EXPECT_IDS(locator, 1, 1.5, kE, kE1, kGe);
  // A vertex shared by both towns, three villages and four grids.
  EXPECT_IDS(locator, 1, 1, kE, kE1, kGd);
  // On the outer border a single town covers the point.
  EXPECT_IDS(locator, 1, 0, kE, kE1, kGd);
}

TEST(RegionLocator, VillageBorderInsideATown) {
  const RegionLocator locator(small_district());
  EXPECT_IDS(locator, 0.25, 1, kW, kWS, kGa);
  EXPECT_IDS(locator, 0.5, 1, kW, kWS, kGb);  // vertex shared by WS, WN, Ga, Gb, Gc
}

TEST(RegionLocator, GridBorderInsideAVillage) {
  const RegionLocator locator(small_district());
  EXPECT_IDS(locator, 0.5, 0.5, kW, kWS, kGb);
  EXPECT_IDS(locator, 0.5, 0, kW, kWS, kGb);
  EXPECT_IDS(locator, 1.5, 1, kE, kE1, kGd);
}

TEST(RegionLocator, OuterBorderIsInside) {
  const RegionLocator locator(small_district());
  EXPECT_IDS(locator, 0, 0.5, kW, kWS, kGa);
  EXPECT_IDS(locator, 0, 0, kW, kWS, kGa);
  EXPECT_IDS(locator, 2, 2, kE, kE1, kGe);
}

TEST(RegionLocator, OutsideIsAllEmpty) {
  const RegionLocator locator(small_district());
  EXPECT_IDS(locator, -0.01, 0.5, 0, 0, 0);
  EXPECT_IDS(locator, 2.5, 2.5, 0, 0, 0);
  EXPECT_IDS(locator, 1, 2.0001, 0, 0, 0);
  const auto far = locator.locate(0.0, 0.0);
  EXPECT_FALSE(far.town || far.village || far.grid);
}

TEST(RegionLocator, StrictlyInsideBeatsSmallerCode) {
  // Overlapping towns (bad data, but the rule must still give one answer): the point is on A's
  // border and strictly inside B, so B wins although A's code is smaller.
  const RegionLocator locator({region(1, 0, "town", "A", rect(0, 0, 1, 1)),
                               region(2, 0, "town", "B", rect(0.5, 0, 1.5, 1))});
  EXPECT_EQ(at(locator, 1, 0.5).town, 2);
  EXPECT_EQ(at(locator, 0.75, 0.5).town, 1);  // inside both: smallest code
  EXPECT_EQ(at(locator, 0.5, 0).town, 1);     // on both borders: smallest code
}

TEST(RegionLocator, EqualCodesFallBackToSmallestId) {
  const RegionLocator locator({region(7, 0, "town", "X", rect(1, 0, 2, 1)),
                               region(5, 0, "town", "X", rect(0, 0, 1, 1))});
  EXPECT_EQ(at(locator, 1, 0.5).town, 5);
}

TEST(RegionLocator, OnlyChildrenOfTheChosenParentAreConsidered) {
  std::vector<RegionShape> regions = small_district();
  // A grid of WN whose shape wrongly spills over WS, with the smallest code of all.
  regions.push_back(region(999, kWN, "grid", "000", rect(0, 0, 1, 2)));
  const RegionLocator locator(std::move(regions));
  EXPECT_IDS(locator, 0.25, 0.5, kW, kWS, kGa);
  EXPECT_IDS(locator, 0.25, 1.5, kW, kWN, 999);
}

TEST(RegionLocator, GapInChildrenLeavesLowerLevelsEmpty) {
  const RegionLocator locator({region(1, 0, "town", "T", rect(0, 0, 2, 1)),
                               region(2, 1, "village", "V", rect(0, 0, 1, 1)),
                               region(3, 2, "grid", "G", rect(0, 0, 0.5, 1))});
  EXPECT_IDS(locator, 0.25, 0.5, 1, 2, 3);
  EXPECT_IDS(locator, 0.75, 0.5, 1, 2, 0);
  EXPECT_IDS(locator, 1.5, 0.5, 1, 0, 0);
}

TEST(RegionLocator, MultiPolygonRegions) {
  LngLatMultiPolygon two = rect(0, 0, 1, 1);
  two.push_back(rect(3, 0, 4, 1).front());
  const RegionLocator locator({region(1, 0, "town", "T", two), region(2, 0, "town", "U", rect(1, 0, 3, 1))});
  EXPECT_EQ(at(locator, 3.5, 0.5).town, 1);
  EXPECT_EQ(at(locator, 2, 0.5).town, 2);
  EXPECT_EQ(at(locator, 3, 0.5).town, 1);  // border: "T" < "U"
}

TEST(RegionLocator, RejectsBadCoordinates) {
  const RegionLocator locator(small_district());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (auto [x, y] : {std::pair{nan, 34.7}, std::pair{117.5, nan}, std::pair{inf, 34.7},
                      std::pair{117.5, -inf}, std::pair{180.5, 34.7}, std::pair{117.5, 90.5}}) {
    try {
      locator.locate(x, y);
      ADD_FAILURE() << "accepted " << x << "," << y;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), Error::Kind::kInvalid);
      EXPECT_EQ(e.slug(), "coordinate-invalid");
    }
  }
}

void expect_tree_invalid(std::vector<RegionShape> regions) {
  try {
    RegionLocator locator(std::move(regions));
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), Error::Kind::kInvalid);
    EXPECT_EQ(e.slug(), "region-tree-invalid");
  }
}

TEST(RegionLocator, RejectsBadTrees) {
  expect_tree_invalid({region(0, 0, "town", "T", rect(0, 0, 1, 1))});
  expect_tree_invalid({region(1, 0, "town", "T", rect(0, 0, 1, 1)), region(1, 0, "town", "U", rect(1, 0, 2, 1))});
  expect_tree_invalid({region(1, 0, "county", "T", rect(0, 0, 1, 1))});
  expect_tree_invalid({region(1, 0, "town", "T", LngLatMultiPolygon{})});
  expect_tree_invalid({region(1, 0, "village", "V", rect(0, 0, 1, 1))});           // no parent
  expect_tree_invalid({region(1, 0, "village", "V", rect(0, 0, 1, 1)),
                       region(2, 1, "grid", "G", rect(0, 0, 1, 1))});               // parent of V missing
  expect_tree_invalid({region(1, 0, "town", "T", rect(0, 0, 1, 1)),
                       region(2, 1, "grid", "G", rect(0, 0, 1, 1))});               // grid under a town
  expect_tree_invalid({region(1, 0, "town", "T", rect(0, 0, 1, 1)),
                       region(2, 1, "village", "V", rect(0, 0, 1, 1)),
                       region(3, 99, "grid", "G", rect(0, 0, 1, 1))});              // unknown parent
}

TEST(RegionLocator, AcceptsTownWithoutParentAndEmptyInput) {
  EXPECT_EQ(at(RegionLocator({region(3, 0, "town", "T", rect(0, 0, 1, 1))}), 0.5, 0.5).town, 3);
  EXPECT_EQ(at(RegionLocator({region(3, 42, "town", "T", rect(0, 0, 1, 1))}), 0.5, 0.5).town, 3);
  EXPECT_EQ(at(RegionLocator(std::vector<RegionShape>{}), 0.5, 0.5).town, 0);
}

TEST(RegionLocator, ConcurrentLocateAgreesWithSequential) {
  const RegionLocator locator(small_district());
  std::vector<std::pair<double, double>> points;
  std::mt19937_64 random(7);
  std::uniform_int_distribution<int> step(-2, 18);  // multiples of 0.125 hit borders and vertices
  for (int i = 0; i < 2000; ++i) points.emplace_back(step(random) * 0.125, step(random) * 0.125);
  std::vector<std::int64_t> expected;
  for (auto [u, v] : points) expected.push_back(at(locator, u, v).grid);
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        for (std::size_t i = 0; i < points.size(); ++i) {
          if (at(locator, points[i].first, points[i].second).grid != expected[i]) ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

// ---------------------------------------------------------------------------------------------
// region_shapes_from_geojson

json feature(const std::string& code, const std::string& level, json parent, json geometry) {
  return json{{"type", "Feature"},
              {"properties", {{"code", code}, {"name", "名" + code}, {"level", level}, {"parent_code", parent}}},
              {"geometry", std::move(geometry)}};
}

json square_geometry(double u0, double v0) {
  return json{{"type", "Polygon"},
              {"coordinates", json::array({json::array({json::array({lng(u0), lat(v0)}),
                                                        json::array({lng(u0 + 1), lat(v0)}),
                                                        json::array({lng(u0 + 1), lat(v0 + 1)}),
                                                        json::array({lng(u0), lat(v0 + 1)}),
                                                        json::array({lng(u0), lat(v0)})})})}};
}

json collection(json features) {
  return json{{"type", "FeatureCollection"}, {"features", std::move(features)}};
}

std::string geojson_rejection(const json& input) {
  try {
    region_shapes_from_geojson(input);
  } catch (const Error& e) {
    EXPECT_EQ(e.slug(), "geojson-invalid");
    return e.detail_en();
  }
  ADD_FAILURE() << "accepted";
  return {};
}

TEST(RegionShapesFromGeoJson, AssignsIdsAndParents) {
  // The child comes before its parent: parents are resolved after all codes are read.
  const auto regions = region_shapes_from_geojson(collection(json::array({
      feature("V1", "village", "T1", square_geometry(0, 0)),
      feature("T1", "town", nullptr, square_geometry(0, 0)),
      feature("T2", "town", "", square_geometry(1, 0)),
  })));
  ASSERT_EQ(regions.size(), 3u);
  EXPECT_EQ(regions[0].id, 1);
  EXPECT_EQ(regions[0].parent_id, 2);
  EXPECT_EQ(regions[0].name, "名V1");
  EXPECT_EQ(regions[0].level, "village");
  EXPECT_EQ(regions[1].parent_id, 0);
  EXPECT_EQ(regions[2].parent_id, 0);
  EXPECT_NEAR(bg::area(regions[2].shape), 0.0625, 1e-12);
  EXPECT_EQ(at(RegionLocator(regions), 0.5, 0.5).village, 1);
}

TEST(RegionShapesFromGeoJson, RejectsMalformedCollections) {
  geojson_rejection(json::array());
  geojson_rejection(json{{"type", "Feature"}});
  geojson_rejection(json{{"type", "FeatureCollection"}});
  geojson_rejection(collection(json::array({json{{"type", "Polygon"}}})));
  json no_code = feature("T", "town", nullptr, square_geometry(0, 0));
  no_code["properties"].erase("code");
  EXPECT_NE(geojson_rejection(collection(json::array({no_code}))).find("\"code\""), std::string::npos);
  json numeric_name = feature("T", "town", nullptr, square_geometry(0, 0));
  numeric_name["properties"]["name"] = 5;
  geojson_rejection(collection(json::array({numeric_name})));
  json bad_parent = feature("T", "town", nullptr, square_geometry(0, 0));
  bad_parent["properties"]["parent_code"] = 3;
  geojson_rejection(collection(json::array({bad_parent})));
  EXPECT_NE(geojson_rejection(collection(json::array({feature("T", "town", nullptr, square_geometry(0, 0)),
                                                      feature("T", "town", nullptr, square_geometry(1, 0))})))
                .find("repeats code T"),
            std::string::npos);
  EXPECT_NE(geojson_rejection(collection(json::array({feature("V", "village", "T9", square_geometry(0, 0))})))
                .find("unknown parent_code T9"),
            std::string::npos);
  json point = feature("P", "town", nullptr, json{{"type", "Point"}, {"coordinates", {117.5, 34.7}}});
  const std::string detail = geojson_rejection(collection(json::array({feature("T", "town", nullptr,
                                                                               square_geometry(0, 0)),
                                                                       point})));
  EXPECT_NE(detail.find("feature 1 (P)"), std::string::npos) << detail;
  json no_geometry = feature("T", "town", nullptr, nullptr);
  no_geometry.erase("geometry");
  geojson_rejection(collection(json::array({no_geometry})));
}

// ---------------------------------------------------------------------------------------------
// The demo district, data/demo/yicheng/regions.geojson (scripts/gen-demo-district.mjs).

std::string source_dir() {
  if (const char* env = std::getenv("ECITY_SOURCE_DIR"); env != nullptr && *env != '\0') return env;
#ifdef ECITY_SOURCE_DIR
  return ECITY_SOURCE_DIR;
#else
  return ".";
#endif
}

struct Demo {
  json raw;
  std::vector<RegionShape> regions;
  std::map<std::int64_t, const RegionShape*> by_id;
  std::map<std::int64_t, std::vector<const RegionShape*>> children;
  RegionLocator locator{std::vector<RegionShape>{}};
};

const Demo& demo() {
  // Loaded once for all tests; regions never move after by_id and children point into them.
  static const std::unique_ptr<const Demo> loaded = [] {
    auto d = std::make_unique<Demo>();
    const std::string path = source_dir() + "/data/demo/yicheng/regions.geojson";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    d->raw = json::parse(in);
    d->regions = region_shapes_from_geojson(d->raw);
    for (const RegionShape& r : d->regions) {
      d->by_id[r.id] = &r;
      if (r.parent_id != 0) d->children[r.parent_id].push_back(&r);
    }
    d->locator = RegionLocator(d->regions);
    return std::unique_ptr<const Demo>(std::move(d));
  }();
  return *loaded;
}

// Checks that a locate() answer is complete and nested: grid in village in town, each covering p.
void expect_nested_answer(const RegionLocator::LocateResult& result, const LngLatPoint& p) {
  const Demo& d = demo();
  ASSERT_TRUE(result.town && result.village && result.grid)
      << "at " << p.x() << "," << p.y() << ": " << id_of(result.town) << "/" << id_of(result.village) << "/"
      << id_of(result.grid);
  const RegionShape& grid = *d.by_id.at(result.grid->id);
  const RegionShape& village = *d.by_id.at(result.village->id);
  EXPECT_EQ(grid.level, "grid");
  EXPECT_EQ(grid.parent_id, village.id);
  EXPECT_EQ(village.parent_id, result.town->id);
  EXPECT_EQ(d.by_id.at(result.town->id)->level, "town");
  EXPECT_TRUE(bg::covered_by(p, grid.shape));
  EXPECT_TRUE(bg::covered_by(p, village.shape));
  EXPECT_TRUE(bg::covered_by(p, d.by_id.at(result.town->id)->shape));
}

TEST(DemoDistrict, HasTheSevenTownsAndItsLevels) {
  const Demo& d = demo();
  EXPECT_TRUE(d.raw.at("note").get<std::string>().find("SYNTHETIC") != std::string::npos);
  std::map<std::string, int> per_level;
  std::map<std::string, std::string> towns;
  for (const RegionShape& r : d.regions) {
    ++per_level[r.level];
    if (r.level == "town") towns[r.code] = r.name;
  }
  EXPECT_EQ(per_level["district"], 1);
  EXPECT_EQ(per_level["town"], 7);
  EXPECT_GE(per_level["village"], 7 * 4);
  EXPECT_LE(per_level["village"], 7 * 8);
  EXPECT_GE(per_level["grid"], per_level["village"] * 2);
  EXPECT_LE(per_level["grid"], per_level["village"] * 4);
  const std::map<std::string, std::string> expected{
      {"370404001000", "坛山街道"}, {"370404002000", "吴林街道"}, {"370404100000", "古邵镇"},
      {"370404101000", "阴平镇"},   {"370404102000", "底阁镇"},   {"370404103000", "榴园镇"},
      {"370404104000", "峨山镇"}};
  EXPECT_EQ(towns, expected);
  for (const RegionShape& r : d.regions) {
    if (r.level == "village") {
      EXPECT_EQ(d.by_id.at(r.parent_id)->level, "town") << r.code;
    }
    if (r.level == "grid") {
      EXPECT_EQ(d.by_id.at(r.parent_id)->level, "village") << r.code;
    }
  }
}

TEST(DemoDistrict, ExteriorRingsAreCounterClockwiseAndInTheDistrictBox) {
  for (const json& f : demo().raw.at("features")) {
    const json& ring = f.at("geometry").at("coordinates").at(0);
    double twice_area = 0;
    for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
      twice_area += ring[i][0].get<double>() * ring[i + 1][1].get<double>() -
                    ring[i + 1][0].get<double>() * ring[i][1].get<double>();
      EXPECT_GE(ring[i][0].get<double>(), 117.44);
      EXPECT_LE(ring[i][0].get<double>(), 117.76);
      EXPECT_GE(ring[i][1].get<double>(), 34.69);
      EXPECT_LE(ring[i][1].get<double>(), 34.86);
    }
    EXPECT_GT(twice_area, 0) << f.at("properties").at("code");
  }
}

TEST(DemoDistrict, ChildrenLieInParentDoNotOverlapAndCoverIt) {
  const Demo& d = demo();
  int parents = 0;
  for (const auto& [parent_id, kids] : d.children) {
    const RegionShape& parent = *d.by_id.at(parent_id);
    const double parent_area = bg::area(parent.shape);
    double sum = 0;
    for (std::size_t i = 0; i < kids.size(); ++i) {
      EXPECT_TRUE(bg::covered_by(kids[i]->shape, parent.shape)) << kids[i]->code << " in " << parent.code;
      sum += bg::area(kids[i]->shape);
      for (std::size_t j = i + 1; j < kids.size(); ++j) {
        LngLatMultiPolygon overlap;
        bg::intersection(kids[i]->shape, kids[j]->shape, overlap);
        EXPECT_LE(bg::area(overlap), 1e-12 * parent_area) << kids[i]->code << " ∩ " << kids[j]->code;
      }
    }
    EXPECT_NEAR(sum, parent_area, 1e-9 * parent_area) << parent.code;
    ++parents;
  }
  int non_grids = 0;
  for (const RegionShape& r : d.regions) non_grids += r.level != "grid";
  EXPECT_EQ(parents, non_grids);
}

TEST(DemoDistrict, InteriorPointOfEachGridFindsItsChain) {
  const Demo& d = demo();
  for (const RegionShape& r : d.regions) {
    if (r.level != "grid") continue;
    LngLatPoint p;
    bg::point_on_surface(r.shape, p);
    ASSERT_TRUE(bg::within(p, r.shape)) << r.code;
    const auto result = d.locator.locate(p.x(), p.y());
    EXPECT_EQ(id_of(result.grid), r.id) << r.code;
    EXPECT_EQ(id_of(result.village), r.parent_id) << r.code;
    EXPECT_EQ(id_of(result.town), d.by_id.at(r.parent_id)->parent_id) << r.code;
  }
}

// Every vertex of every grid is shared by up to four grids, villages and towns (or lies on the
// district's border): each must get exactly one, nested, answer.
TEST(DemoDistrict, EveryGridVertexGetsOneNestedAnswer) {
  const Demo& d = demo();
  std::set<std::pair<double, double>> seen;
  for (const RegionShape& r : d.regions) {
    if (r.level != "grid") continue;
    for (const LngLatPoint& p : r.shape.front().outer()) {
      if (!seen.emplace(p.x(), p.y()).second) continue;
      expect_nested_answer(d.locator.locate(p.x(), p.y()), p);
    }
  }
  EXPECT_GT(seen.size(), 3000u);
}

// The midpoint of an edge shared by two grids is on that border up to rounding, so it may fall
// on either side, but never into a crack between them.
TEST(DemoDistrict, MidpointOfEverySharedEdgeGetsOneNestedAnswer) {
  const Demo& d = demo();
  std::set<std::pair<std::pair<double, double>, std::pair<double, double>>> edges;
  for (const RegionShape& r : d.regions) {
    if (r.level != "grid") continue;
    const auto& ring = r.shape.front().outer();
    for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
      edges.insert({{ring[i].x(), ring[i].y()}, {ring[i + 1].x(), ring[i + 1].y()}});
    }
  }
  int shared = 0;
  for (const auto& [a, b] : edges) {
    if (!edges.count({b, a}) || a > b) continue;  // the district's border, or seen from the other side
    ++shared;
    const LngLatPoint p((a.first + b.first) / 2, (a.second + b.second) / 2);
    expect_nested_answer(d.locator.locate(p.x(), p.y()), p);
  }
  EXPECT_GT(shared, 3000);
}

// The R-tree must not change the answer: compare with applying the documented rule by brute force.
TEST(DemoDistrict, RandomPointsAgreeWithBruteForce) {
  const Demo& d = demo();
  LngLatBox box;
  bg::envelope(d.regions.front().shape, box);
  ASSERT_EQ(d.regions.front().level, "district");
  auto choose = [&](const std::string& level, std::int64_t parent, const LngLatPoint& p) -> std::int64_t {
    const RegionShape* best = nullptr;
    bool best_within = false;
    for (const RegionShape& r : d.regions) {
      if (r.level != level || (parent != 0 && r.parent_id != parent) || !bg::covered_by(p, r.shape)) continue;
      const bool within = bg::within(p, r.shape);
      if (!best || (within && !best_within) ||
          (within == best_within && std::pair(r.code, r.id) < std::pair(best->code, best->id))) {
        best = &r;
        best_within = within;
      }
    }
    return best ? best->id : 0;
  };
  std::mt19937_64 random(20240601);
  std::uniform_real_distribution<double> x(box.min_corner().x() - 0.01, box.max_corner().x() + 0.01);
  std::uniform_real_distribution<double> y(box.min_corner().y() - 0.01, box.max_corner().y() + 0.01);
  int inside = 0;
  for (int i = 0; i < 3000; ++i) {
    const LngLatPoint p(x(random), y(random));
    const auto result = d.locator.locate(p.x(), p.y());
    const std::int64_t town = choose("town", 0, p);
    ASSERT_EQ(id_of(result.town), town);
    if (town == 0) {
      EXPECT_FALSE(result.village || result.grid);
      EXPECT_FALSE(bg::covered_by(p, d.regions.front().shape));
      continue;
    }
    ++inside;
    const std::int64_t village = choose("village", town, p);
    ASSERT_EQ(id_of(result.village), village);
    ASSERT_EQ(id_of(result.grid), choose("grid", village, p));
    expect_nested_answer(result, p);
  }
  EXPECT_GT(inside, 1500);
}

}  // namespace
}  // namespace ecity::platform
