#include "environment/demo.h"

#include "environment/module.h"
#include "environment/readings.h"
#include "environment/simulator.h"

#include "platform/error.h"
#include "platform/numeric/decimal.h"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <numbers>

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

namespace {

// A section of the demo and its model: mean, seasonal amplitude (positive: higher in winter) and
// noise of the six indicators that decide classes; the rest are the low values of clean water.
struct DemoSection {
  const char* code;
  const char* name;
  const char* river;
  WaterBody kind;
  const char* control;
  int target;
  struct Term {
    double mean, winter, noise;
  };
  Term dissolved_o2, codmn, cod, bod5, nh3n, tp;
};

constexpr DemoSection kDemoSections[] = {
    {"YC-W01",
     "贾庄闸",
     "峄城大沙河",
     WaterBody::kRiver,
     "national",
     3,
     {8.2, 1.6, 0.4},
     {4.4, -0.5, 0.4},
     {16.5, -1.2, 1.2},
     {3.0, -0.3, 0.3},
     {0.45, 0.15, 0.1},
     {0.12, -0.03, 0.02}},
    {"YC-W02",
     "古邵桥",
     "峄城大沙河",
     WaterBody::kRiver,
     "provincial",
     3,
     {7.8, 1.5, 0.4},
     {4.8, -0.6, 0.4},
     {17.0, -1.5, 1.0},
     {3.1, -0.3, 0.3},
     {0.55, 0.2, 0.1},
     {0.15, -0.05, 0.02}},
    {"YC-W03",
     "阴平桥",
     "新沟河",
     WaterBody::kRiver,
     "county",
     4,
     {6.5, 1.5, 0.4},
     {6.8, -0.8, 0.5},
     {23.0, -2.0, 1.5},
     {4.6, -0.4, 0.3},
     {1.15, 0.35, 0.1},
     {0.22, -0.04, 0.02}},
    {"YC-W04",
     "榴园水库",
     "",
     WaterBody::kLake,
     "county",
     3,
     {8.5, 1.2, 0.3},
     {3.5, -0.4, 0.3},
     {13.0, -1.0, 0.8},
     {2.4, -0.2, 0.2},
     {0.25, 0.1, 0.05},
     {0.038, -0.016, 0.004}},
};

// A number in [-1, 1) from a key (splitmix64).
double noise(std::uint64_t key) {
  key += 0x9E3779B97F4A7C15ULL;
  key = (key ^ (key >> 30)) * 0xBF58476D1CE4E5B9ULL;
  key = (key ^ (key >> 27)) * 0x94D049BB133111EBULL;
  key ^= key >> 31;
  return static_cast<double>(key >> 11) / static_cast<double>(1ULL << 52) - 1.0;
}

// A value rounded to the decimals a laboratory reports, in millionths.
std::int64_t reported(double v, int decimals) {
  const auto unit = platform::pow10(kWaterScale - decimals);
  return std::llround(std::max(v, 0.0) * static_cast<double>(platform::pow10(decimals))) * unit;
}

WaterSample demo_sample(std::size_t section, int year, int month) {
  const auto& d = kDemoSections[section];
  const double winter = std::cos(2 * std::numbers::pi * (month - 1) / 12.0);
  std::uint64_t key = section * 1'000'000 + static_cast<std::uint64_t>(year) * 100 + static_cast<std::uint64_t>(month);
  auto term = [&](const DemoSection::Term& t) { return t.mean + t.winter * winter + t.noise * noise(key++ * 31); };
  auto low = [&](double mean) { return mean * (1 + 0.3 * noise(key++ * 31)); };
  WaterSample s{};
  s[0] = reported(7.6 + 0.3 * noise(key++ * 31), 2);  // ph
  s[1] = reported(term(d.dissolved_o2), 1);
  s[2] = reported(term(d.codmn), 1);
  s[3] = reported(term(d.cod), 0);
  s[4] = reported(term(d.bod5), 1);
  s[5] = reported(term(d.nh3n), 3);
  s[6] = reported(term(d.tp), 3);
  s[7] = reported(low(0.003), 4);     // cu
  s[8] = reported(low(0.02), 3);      // zn
  s[9] = reported(low(0.45), 2);      // f
  s[10] = reported(low(0.0004), 5);   // se
  s[11] = reported(low(0.0012), 5);   // as
  s[12] = reported(low(0.00002), 6);  // hg
  s[13] = reported(low(0.0003), 5);   // cd
  s[14] = reported(low(0.004), 3);    // cr6
  s[15] = reported(low(0.002), 4);    // pb
  s[16] = reported(low(0.002), 3);    // cn
  s[17] = reported(low(0.0008), 4);   // phenol
  s[18] = reported(low(0.02), 2);     // oil
  s[19] = reported(low(0.05), 2);     // las
  s[20] = reported(low(0.01), 3);     // sulfide
  return s;
}

}  // namespace

DemoWaterResult load_demo_water(platform::Runtime& rt) {
  DemoWaterResult result;
  auto* env = rt.module<EnvironmentModule>();
  if (env == nullptr) throw Error::unavailable("环境模块未加载", "the environment module is not loaded");
  const auto towns = town_points(rt);
  if (towns.empty()) return result;
  const platform::Actor system{std::nullopt, "demo", "127.0.0.1"};
  auto town = towns.begin();
  std::vector<WaterCsvSample> samples;
  for (std::size_t i = 0; i < std::size(kDemoSections); ++i) {
    const auto& d = kDemoSections[i];
    if (!env->water().by_code(d.code)) {
      WaterSectionInput in;
      in.code = d.code;
      in.name = d.name;
      in.river = d.river;
      in.kind = d.kind;
      in.control = d.control;
      in.target_class = d.target;
      in.lng = town->second.second.first - 0.004;
      in.lat = town->second.second.second - 0.003;
      env->water().add_section(system, in);
      ++result.sections;
    }
    if (std::next(town) != towns.end()) ++town;
    for (int year : {2021, 2022})
      for (int month = 1; month <= 12; ++month) {
        WaterCsvSample s;
        s.line = samples.size() + 2;
        s.section = d.code;
        s.date = fmt::format("{}-{:02}-{:02}", year, month, 8 + static_cast<int>(i) * 2);
        s.values = demo_sample(i, year, month);
        samples.push_back(std::move(s));
      }
  }
  const auto imported = env->water().import_samples(nullptr, system, samples);
  result.samples = imported.added;
  result.unchanged = imported.unchanged;
  return result;
}

}  // namespace ecity::environment
