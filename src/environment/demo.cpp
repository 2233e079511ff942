#include "environment/demo.h"

#include "environment/module.h"
#include "environment/readings.h"
#include "environment/simulator.h"

#include "platform/error.h"

#include <fmt/format.h>

#include <map>

namespace ecity::environment {

namespace {

// A point well inside each town: the grid point nearest the middle of the town's grid points.
std::map<std::int64_t, std::pair<std::string, std::pair<double, double>>> town_points(platform::Runtime& rt) {
  struct Acc {
    std::string name;
    std::vector<std::pair<double, double>> points;
  };
  std::map<std::int64_t, Acc> towns;
  for (double lng = 117.30; lng <= 117.90; lng += 0.005)
    for (double lat = 34.55; lat <= 35.00; lat += 0.005) {
      const auto hit = rt.org.locate(lng, lat);
      if (!hit["town"].is_object()) continue;
      auto& t = towns[hit["town"]["id"].get<std::int64_t>()];
      t.name = hit["town"]["name"].get<std::string>();
      t.points.emplace_back(lng, lat);
    }
  std::map<std::int64_t, std::pair<std::string, std::pair<double, double>>> out;
  for (const auto& [id, t] : towns) {
    double mx = 0, my = 0;
    for (const auto& [x, y] : t.points) {
      mx += x;
      my += y;
    }
    mx /= static_cast<double>(t.points.size());
    my /= static_cast<double>(t.points.size());
    auto best = t.points.front();
    for (const auto& p : t.points)
      if (std::hypot(p.first - mx, p.second - my) < std::hypot(best.first - mx, best.second - my)) best = p;
    out[id] = {t.name, best};
  }
  return out;
}

}  // namespace

AirModelParams demo_air_params(int year) {
  AirModelParams p;
  // Tuned with `ecity simulate csv --stations 8 … | ecity air evaluate` (docs/environment.md).
  p.variability = 1.6;
  p.sunshine = 2.4;
  p.particulate = year == 2021 ? 1.1 : 0.8;
  p.ozone = year == 2021 ? 0.7 : 0.66;
  return p;
}

DemoAirResult load_demo_air(platform::Runtime& rt) {
  DemoAirResult result;
  auto* env = rt.module<EnvironmentModule>();
  if (env == nullptr) throw Error::unavailable("环境模块未加载", "the environment module is not loaded");
  const auto towns = town_points(rt);
  if (towns.empty()) return result;  // no map: nothing to place stations on
  std::vector<StationInput> inputs;
  int index = 0;
  auto add = [&](const std::string& name, const std::string& kind, std::pair<double, double> at) {
    StationInput in;
    in.mn = simulated_mn(kDemoStationPrefix, index++);
    in.name = name;
    in.kind = kind;
    in.password = kDemoStationPassword;
    in.lng = at.first;
    in.lat = at.second;
    in.factors = std::vector<std::string>(kAqiCodes.begin(), kAqiCodes.end());
    inputs.push_back(std::move(in));
  };
  const auto first = towns.begin()->second;
  add("峄城区政府站", "provincial", {first.second.first + 0.002, first.second.second + 0.002});
  for (const auto& [id, t] : towns) {
    if (index >= kDemoStations) break;
    add(t.first + "站", "county", t.second);
  }
  const platform::Actor system{std::nullopt, "demo", "127.0.0.1"};
  result.stations = env->stations().add_missing(system, inputs);

  // The history, once: 2021-01-01 00:00 to 2022-12-31 23:00 local.
  std::vector<std::int64_t> ids;
  for (const auto& in : inputs) {
    auto s = env->stations().by_mn(*in.mn);
    if (s) ids.push_back(s->id);
  }
  const bool present = rt.db.read([&](soci::session& sql) {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM env_readings WHERE cn = 2061 AND station_id IN (SELECT id FROM env_stations WHERE mn "
           "LIKE 'YCAQ%')",
        soci::into(n);
    return n > 0;
  });
  if (present) {
    result.skipped = true;
    return result;
  }
  for (int year : {2021, 2022}) {
    const auto params = demo_air_params(year);
    const auto start = *data_time_ms(fmt::format("{}0101000000", year));
    const auto end = *data_time_ms(fmt::format("{}0101000000", year + 1));
    rt.db.write([&](platform::Tx& tx) {
      for (std::size_t i = 0; i < ids.size(); ++i) {
        for (std::int64_t t = start; t < end; t += 3'600'000) {
          const auto m = model_hour(static_cast<int>(i), t, params);
          if (m.missing) continue;
          Reading r;
          r.station_id = ids[i];
          r.cn = kHourly;
          r.data_time = t;
          r.value = m.value;
          r.flag.fill(m.flag);
          r.source = "import";
          put_reading(tx, r);
          ++result.hours;
        }
      }
      platform::audit_operation(tx, system, "env_station", "demo", "import_air", nullptr,
                                {{"year", year}, {"stations", ids.size()}});
    });
  }
  return result;
}

}  // namespace ecity::environment
