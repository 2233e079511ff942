// Point-in-region lookup: which town, village and grid (镇街、村居、网格) a lng/lat falls in.
// Used to route a located appeal or warning to the grid that owns the spot.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "platform/org/geometry.h"

namespace ecity::platform {

// One region of the org tree with its shape.
struct RegionShape {
  std::int64_t id = 0;         // non-zero, unique
  std::int64_t parent_id = 0;  // 0 for none
  std::string level;           // "district" | "town" | "village" | "grid"
  std::string code;
  std::string name;
  LngLatMultiPolygon shape;    // valid, as parse_geojson_geometry returns it
};

// An immutable index of region shapes (Boost.Geometry R-tree over bounding boxes, then an exact
// planar point-in-multipolygon test; see geometry.h on planar degrees).
//
// Thread-safety: nothing changes after construction, so any number of threads may call the const
// methods concurrently without synchronisation. To reload shapes, build a new locator and swap a
// shared_ptr<const RegionLocator>.
class RegionLocator {
 public:
  struct Hit {
    std::int64_t id = 0;
    std::string code;
    std::string name;

    friend bool operator==(const Hit&, const Hit&) = default;
  };

  struct LocateResult {
    std::optional<Hit> town;
    std::optional<Hit> village;
    std::optional<Hit> grid;
  };

  // Indexes `regions`. Regions of level "district" are accepted (a town's parent may be one)
  // but never reported by locate().
  // Throws Error::invalid (slug "region-tree-invalid") when an id is 0 or repeated, a level is
  // not one of the four, a shape is empty, a village's parent is not a town in `regions`, or a
  // grid's parent is not a village in `regions`. A town's parent is not checked.
  // REQUIRES: every shape is valid (Boost.Geometry is_valid); it is not re-checked here.
  explicit RegionLocator(std::vector<RegionShape> regions);

  // The town, village and grid at (lng, lat), resolved top-down so that they always nest:
  // the village is sought only among the chosen town's villages, the grid only among the chosen
  // village's grids.
  // At each level, the candidates are the regions whose shape covers the point (boundary
  // included). One candidate is chosen: one that holds the point strictly inside if there is
  // any, else (the point is on a shared border or vertex) the one with the smallest code, then
  // the smallest id. So a point on a border gets exactly one answer per level, the same one on
  // every call.
  // A level is empty when no candidate covers the point (outside the district, or a gap in the
  // data); the levels below it are then empty too. Being outside is not an error.
  // Throws Error::invalid (slug "coordinate-invalid") when lng or lat is not finite, or lies
  // outside lng [-180, 180] / lat [-90, 90].
  LocateResult locate(double lng, double lat) const;

  // All regions, in the order given to the constructor.
  const std::vector<RegionShape>& regions() const;

 private:
  struct Index;

  // Regions, R-trees and parent links, kept out of this header. Immutable, so copies of a
  // locator share it.
  std::shared_ptr<const Index> index_;
};

// Reads a GeoJSON FeatureCollection of regions, such as data/demo/yicheng/regions.geojson: each
// Feature has properties {code, name, level, parent_code (string or null)} and a Polygon or
// MultiPolygon geometry. Ids are assigned 1, 2, … in feature order; parent_id is the id of the
// feature whose code equals parent_code (0 when parent_code is null, absent or "").
// Throws Error::invalid (slug "geojson-invalid") when the input is not a FeatureCollection, a
// feature lacks a string code, name or level, two features share a code, a parent_code names no
// feature of the collection, or a geometry fails parse_geojson_geometry (the detail names the
// feature).
std::vector<RegionShape> region_shapes_from_geojson(const nlohmann::json& feature_collection);

}  // namespace ecity::platform
