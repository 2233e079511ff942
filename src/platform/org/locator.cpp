#include "platform/org/locator.h"

// Boost 1.74's R-tree (used by is_valid, overlay and index) includes a header that Boost itself
// deprecated, which only prints a "#pragma message" note; silence it for this file.
#define BOOST_ALLOW_DEPRECATED_HEADERS

#include <cmath>
#include <cstddef>
#include <limits>
#include <unordered_map>
#include <utility>

#include <boost/container/small_vector.hpp>
#include <boost/geometry/algorithms/covered_by.hpp>
#include <boost/geometry/algorithms/envelope.hpp>
#include <boost/geometry/algorithms/within.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <boost/iterator/function_output_iterator.hpp>

#include "platform/error.h"

namespace ecity::platform {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

namespace {

constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();

enum class Level { kDistrict, kTown, kVillage, kGrid };

Level parse_level(const std::string& level, const RegionShape& region) {
  if (level == "district") return Level::kDistrict;
  if (level == "town") return Level::kTown;
  if (level == "village") return Level::kVillage;
  if (level == "grid") return Level::kGrid;
  throw Error::invalid("region-tree-invalid",
                       "区域 " + region.code + " 的层级无效：" + level,
                       "region " + region.code + " has an unknown level: " + level);
}

[[noreturn]] void fail(const std::string& zh, const std::string& en) {
  throw Error::invalid("geojson-invalid", "区域数据（GeoJSON）无效：" + zh, "Invalid region GeoJSON: " + en);
}

[[noreturn]] void tree_invalid(const RegionShape& region, const std::string& zh, const std::string& en) {
  throw Error::invalid("region-tree-invalid", "区域 " + region.code + "（" + region.name + "）" + zh,
                       "region " + region.code + " (id " + std::to_string(region.id) + ") " + en);
}

}  // namespace

struct RegionLocator::Index {
  // A box per region; bulk-loaded (packed) once, which gives a better tree than inserting.
  using Entry = std::pair<LngLatBox, std::size_t>;
  using Tree = bgi::rtree<Entry, bgi::rstar<16>>;

  std::vector<RegionShape> regions;
  std::vector<std::size_t> parent;  // index into regions, kNone for none
  Tree towns;
  Tree villages;
  Tree grids;

  // The chosen region of `tree` covering `point` among the children of `parent_index` (any
  // region when kNone); kNone when none covers it. The rule is documented at locate().
  std::size_t pick(const Tree& tree, const LngLatPoint& point, std::size_t parent_index) const {
    // Regions partition their parent, so more than a few candidates only happen at a vertex
    // shared by many regions; the small buffer keeps locate() free of allocation.
    boost::container::small_vector<std::size_t, 8> candidates;
    auto keep = [&](const Entry& entry) {
      const std::size_t i = entry.second;
      if (parent_index != kNone && parent[i] != parent_index) return;
      if (bg::covered_by(point, regions[i].shape)) candidates.push_back(i);
    };
    tree.query(bgi::intersects(point), boost::make_function_output_iterator(keep));
    if (candidates.empty()) return kNone;
    if (candidates.size() == 1) return candidates.front();

    std::size_t best = kNone;
    bool best_within = false;
    for (std::size_t i : candidates) {
      const bool within = bg::within(point, regions[i].shape);
      if (best == kNone || (within && !best_within) ||
          (within == best_within && precedes(i, best))) {
        best = i;
        best_within = within;
      }
    }
    return best;
  }

  bool precedes(std::size_t a, std::size_t b) const {
    const RegionShape& x = regions[a];
    const RegionShape& y = regions[b];
    return x.code != y.code ? x.code < y.code : x.id < y.id;
  }

  std::optional<Hit> hit(std::size_t i) const {
    if (i == kNone) return std::nullopt;
    return Hit{regions[i].id, regions[i].code, regions[i].name};
  }
};

RegionLocator::RegionLocator(std::vector<RegionShape> regions) {
  auto index = std::make_shared<Index>();
  index->regions = std::move(regions);
  const std::vector<RegionShape>& all = index->regions;

  std::unordered_map<std::int64_t, std::size_t> by_id;
  std::vector<Level> levels;
  levels.reserve(all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    const RegionShape& region = all[i];
    if (region.id == 0) tree_invalid(region, "的 id 不能为 0", "has id 0");
    if (!by_id.emplace(region.id, i).second) tree_invalid(region, "的 id 重复", "repeats an id");
    levels.push_back(parse_level(region.level, region));
    if (region.shape.empty()) tree_invalid(region, "没有边界图形", "has an empty shape");
  }

  std::vector<Index::Entry> towns, villages, grids;
  index->parent.assign(all.size(), kNone);
  for (std::size_t i = 0; i < all.size(); ++i) {
    const RegionShape& region = all[i];
    const auto parent = region.parent_id == 0 ? by_id.end() : by_id.find(region.parent_id);
    if (parent != by_id.end()) index->parent[i] = parent->second;
    const Level parent_level = parent != by_id.end() ? levels[parent->second] : Level::kDistrict;
    const bool has_parent = parent != by_id.end();
    Index::Entry entry{bg::return_envelope<LngLatBox>(region.shape), i};
    switch (levels[i]) {
      case Level::kDistrict:
        break;
      case Level::kTown:
        towns.push_back(entry);
        break;
      case Level::kVillage:
        if (!has_parent || parent_level != Level::kTown) {
          tree_invalid(region, "的上级不是镇（街道）", "is a village whose parent is not a town");
        }
        villages.push_back(entry);
        break;
      case Level::kGrid:
        if (!has_parent || parent_level != Level::kVillage) {
          tree_invalid(region, "的上级不是村（社区）", "is a grid whose parent is not a village");
        }
        grids.push_back(entry);
        break;
    }
  }
  index->towns = Index::Tree(towns);
  index->villages = Index::Tree(villages);
  index->grids = Index::Tree(grids);
  index_ = std::move(index);
}

RegionLocator::LocateResult RegionLocator::locate(double lng, double lat) const {
  if (!std::isfinite(lng) || !std::isfinite(lat) || lng < -180.0 || lng > 180.0 || lat < -90.0 ||
      lat > 90.0) {
    throw Error::invalid("coordinate-invalid", "经纬度无效（须为有限数，经度 -180~180，纬度 -90~90）",
                         "lng/lat must be finite, lng in [-180, 180] and lat in [-90, 90]");
  }
  const LngLatPoint point(lng, lat);
  const Index& index = *index_;
  LocateResult result;
  const std::size_t town = index.pick(index.towns, point, kNone);
  if (town == kNone) return result;
  result.town = index.hit(town);
  const std::size_t village = index.pick(index.villages, point, town);
  if (village == kNone) return result;
  result.village = index.hit(village);
  result.grid = index.hit(index.pick(index.grids, point, village));
  return result;
}

const std::vector<RegionShape>& RegionLocator::regions() const { return index_->regions; }

std::vector<RegionShape> region_shapes_from_geojson(const nlohmann::json& feature_collection) {
  using nlohmann::json;
  if (!feature_collection.is_object() || feature_collection.value("type", json()) != "FeatureCollection") {
    fail("不是 FeatureCollection", "not a FeatureCollection");
  }
  const auto features = feature_collection.find("features");
  if (features == feature_collection.end() || !features->is_array()) {
    fail("缺少 features 数组", "missing or non-array \"features\"");
  }

  std::vector<RegionShape> regions;
  std::vector<std::string> parent_codes;
  std::unordered_map<std::string, std::int64_t> id_by_code;
  regions.reserve(features->size());
  for (std::size_t i = 0; i < features->size(); ++i) {
    const json& feature = (*features)[i];
    const std::string at_zh = "第" + std::to_string(i) + "个要素";
    const std::string at_en = "feature " + std::to_string(i);
    if (!feature.is_object() || feature.value("type", json()) != "Feature") {
      fail(at_zh + "不是 Feature", at_en + " is not a Feature");
    }
    const auto properties = feature.find("properties");
    if (properties == feature.end() || !properties->is_object()) {
      fail(at_zh + "缺少 properties", at_en + " has no properties");
    }
    RegionShape region;
    region.id = static_cast<std::int64_t>(i + 1);
    for (auto [key, field] : {std::pair{"code", &region.code}, std::pair{"name", &region.name},
                              std::pair{"level", &region.level}}) {
      const auto value = properties->find(key);
      if (value == properties->end() || !value->is_string() || value->get_ref<const std::string&>().empty()) {
        fail(at_zh + "缺少字符串属性 " + key, at_en + " has no string property \"" + key + "\"");
      }
      *field = value->get<std::string>();
    }
    const auto parent = properties->find("parent_code");
    if (parent != properties->end() && !parent->is_null() && !parent->is_string()) {
      fail(at_zh + "的 parent_code 须为字符串或 null", at_en + " has a parent_code that is neither string nor null");
    }
    parent_codes.push_back(parent != properties->end() && parent->is_string() ? parent->get<std::string>() : "");
    if (!id_by_code.emplace(region.code, region.id).second) {
      fail(at_zh + "的编码重复：" + region.code, at_en + " repeats code " + region.code);
    }
    const auto geometry = feature.find("geometry");
    try {
      region.shape = parse_geojson_geometry(geometry == feature.end() ? json() : *geometry);
    } catch (const Error& e) {
      fail(at_zh + "（" + region.code + "）：" + e.detail_zh(), at_en + " (" + region.code + "): " + e.detail_en());
    }
    regions.push_back(std::move(region));
  }
  for (std::size_t i = 0; i < regions.size(); ++i) {
    if (parent_codes[i].empty()) continue;
    const auto parent = id_by_code.find(parent_codes[i]);
    if (parent == id_by_code.end()) {
      fail("区域 " + regions[i].code + " 的上级编码 " + parent_codes[i] + " 不存在",
           "region " + regions[i].code + " names an unknown parent_code " + parent_codes[i]);
    }
    regions[i].parent_id = parent->second;
  }
  return regions;
}

}  // namespace ecity::platform
