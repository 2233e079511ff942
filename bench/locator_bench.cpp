// RegionLocator on the demo district (data/demo/yicheng/regions.geojson: 7 towns, 44 villages,
// 143 grids): locate() at random points of the district's bounding box, about two thirds of which
// fall inside; and building the locator from parsed shapes.

// Boost 1.74's R-tree (used by is_valid, overlay and index) includes a header that Boost itself
// deprecated, which only prints a "#pragma message" note; silence it for this file.
#define BOOST_ALLOW_DEPRECATED_HEADERS
#include <cstdlib>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <boost/geometry/algorithms/envelope.hpp>
#include <nlohmann/json.hpp>

#include "platform/org/locator.h"

namespace {

using ecity::platform::LngLatBox;
using ecity::platform::LngLatPoint;
using ecity::platform::RegionLocator;
using ecity::platform::RegionShape;

const std::vector<RegionShape>& demo_regions() {
  static const std::vector<RegionShape> regions = [] {
    const char* env = std::getenv("ECITY_SOURCE_DIR");
    const std::string dir = env != nullptr && *env != '\0' ? env : ECITY_SOURCE_DIR;
    std::ifstream in(dir + "/data/demo/yicheng/regions.geojson");
    if (!in) throw std::runtime_error("cannot open the demo district under " + dir);
    return ecity::platform::region_shapes_from_geojson(nlohmann::json::parse(in));
  }();
  return regions;
}

// Fixed-seed points in the district's bounding box (the district is the first feature).
std::vector<LngLatPoint> random_points(std::size_t n) {
  LngLatBox box;
  boost::geometry::envelope(demo_regions().front().shape, box);
  std::mt19937_64 random(42);
  std::uniform_real_distribution<double> x(box.min_corner().x(), box.max_corner().x());
  std::uniform_real_distribution<double> y(box.min_corner().y(), box.max_corner().y());
  std::vector<LngLatPoint> points;
  points.reserve(n);
  for (std::size_t i = 0; i < n; ++i) points.emplace_back(x(random), y(random));
  return points;
}

void BM_LocateRandomPointInBox(benchmark::State& state) {
  const RegionLocator locator(demo_regions());
  const std::vector<LngLatPoint> points = random_points(4096);
  std::size_t i = 0;
  std::int64_t found = 0;
  for (auto _ : state) {
    const LngLatPoint& p = points[i++ & 4095];
    const auto result = locator.locate(p.x(), p.y());
    found += result.grid.has_value();
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(state.iterations());
  // Share of points that found a grid (averaged over threads).
  state.counters["inside"] = benchmark::Counter(static_cast<double>(found) / static_cast<double>(state.iterations()),
                                                benchmark::Counter::kAvgThreads);
}
BENCHMARK(BM_LocateRandomPointInBox);
BENCHMARK(BM_LocateRandomPointInBox)->Threads(2)->UseRealTime();

void BM_BuildLocator(benchmark::State& state) {
  const std::vector<RegionShape>& regions = demo_regions();
  for (auto _ : state) {
    RegionLocator locator(regions);
    benchmark::DoNotOptimize(locator);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(regions.size()));
}
BENCHMARK(BM_BuildLocator)->Unit(benchmark::kMicrosecond);

}  // namespace
