#include "environment/module.h"

#include "environment/readings.h"

#include "platform/numeric/decimal.h"
#include "platform/runtime.h"

#include <sstream>

namespace ecity::environment {

using platform::Request;
using platform::Response;

std::vector<platform::PermissionInfo> EnvironmentModule::permissions() const {
  return {
      {"environment:read", "查看生态环境监测", "View environmental monitoring"},
      {"environment:config", "管理监测站点", "Manage monitoring stations"},
  };
}

std::vector<platform::RoleGrant> EnvironmentModule::role_grants() const {
  return {
      {"leader", "", "", {"environment:read"}},
      {"dept_admin", "", "", {"environment:read"}},
      {"town_admin", "", "", {"environment:read"}},
      {"env_operator", "环境监测管理员", "all", {"environment:read", "environment:config", "org:read"}},
  };
}

void EnvironmentModule::prepare(platform::Runtime& rt) {
  stations_ = std::make_unique<StationService>(rt);
  air_ = std::make_unique<AirService>(rt, *stations_);
  water_ = std::make_unique<WaterService>(rt);
  stations_->on_change([this] {
    if (listener_) listener_->reload();
  });
}

void EnvironmentModule::serve(platform::Runtime& rt) {
  if (rt.config.hj212.port == 0) return;
  listener_ = std::make_unique<Hj212Listener>(rt, rt.config.hj212);
  listener_->start();
}

void EnvironmentModule::stop() {
  if (listener_) listener_->stop();
}

nlohmann::json EnvironmentModule::with_online(const Station& s) {
  auto j = station_json(s);
  j["online"] = listener_ != nullptr && listener_->online(s.id);
  return j;
}

void EnvironmentModule::register_routes(platform::Runtime& rt) {
  auto& r = rt.router;
  auto& st = *stations_;
  auto& air = *air_;
  r.add({"GET", "/api/environment/stations", "environment:read", true, "environment",
         "Monitoring stations in the caller's scope (a region-scoped user sees those located in their region)",
         [this, &st](const Request&, const platform::Principal* who) {
           nlohmann::json items = nlohmann::json::array();
           for (const auto& s : st.list(*who)) items.push_back(with_online(s));
           return Response::json(200, {{"items", items}});
         }});
  r.add({"GET", "/api/environment/stations/{id}", "environment:read", true, "environment", "One monitoring station",
         [this, &st](const Request& req, const platform::Principal* who) {
           return Response::json(200, with_online(st.get(*who, req.id_param())));
         }});
  r.add({"GET", "/api/environment/stations/{id}/readings", "environment:read", true, "environment",
         "A station's data as stored: cn (2061 hourly by default; 2011, 2051, 2031), from and to in epoch ms "
         "(default: the last 48 hours), values in µg/m³ (CO mg/m³) with their HJ 212 flags",
         [&air](const Request& req, const platform::Principal* who) {
           const auto now = platform::now_ms();
           const auto to = platform::int_query(req, "to").value_or(now);
           const auto from = platform::int_query(req, "from").value_or(to - 48 * 3'600'000LL);
           const auto cn = platform::int_query(req, "cn").value_or(kHourly);
           return Response::json(200, air.readings(*who, req.id_param(), static_cast<int>(cn), from, to));
         }});
  auto scope_of = [](const Request& req) {
    return air_scope(req.q("from"), req.q("to"), req.q("standard"), platform::int_query(req, "station"),
                     platform::int_query(req, "town"), platform::now_ms());
  };
  r.add({"GET", "/api/environment/air/daily", "environment:read", true, "environment",
         "Daily AQI of the district (reference stations), a town (town=) or a station (station=) from hourly data: "
         "from, to (YYYY-MM-DD, 366 days at most; default this year), standard (auto, 2012, 2026)",
         [&air, scope_of](const Request& req, const platform::Principal* who) {
           const auto scope = scope_of(req);
           nlohmann::json items = nlohmann::json::array();
           for (const auto& d : air.daily(*who, scope)) items.push_back(daily_json(d));
           return Response::json(200, {{"from", scope.from}, {"to", scope.to}, {"items", items}});
         }});
  r.add({"GET", "/api/environment/air/evaluation", "environment:read", true, "environment",
         "Evaluation of a period (good days and rate, means, percentiles, composite index), the same dates a year "
         "earlier, year on year, and the rankings of stations and towns; same parameters as /air/daily",
         [&air, scope_of](const Request& req, const platform::Principal* who) {
           return Response::json(200, air.evaluation(*who, scope_of(req)));
         }});
  r.add({"GET", "/api/environment/air/latest", "environment:read", true, "environment",
         "Each station in scope with its latest hourly AQI (HJ 633 real-time rules) from data of the last 7 days",
         [this, &air](const Request&, const platform::Principal* who) {
           auto out = air.latest(*who);
           for (auto& j : out["items"])
             j["online"] = listener_ != nullptr && listener_->online(j["station_id"].get<std::int64_t>());
           return Response::json(200, out);
         }});
  r.add({"GET", "/api/environment/quality", "environment:read", true, "environment",
         "Data quality per station over a date range (from, to: hourly rows received, missing, flagged, usable) and "
         "the listener's refusals of the range by reason",
         [&air, scope_of](const Request& req, const platform::Principal* who) {
           return Response::json(200, air.quality(*who, scope_of(req)));
         }});
  r.add({"GET", "/api/environment/rejections", "environment:read", true, "environment",
         "Packets and connections the HJ 212 listener refused (a sample; /metrics counts all): page, size, reason",
         [&air](const Request& req, const platform::Principal* who) {
           const auto [page, size] = platform::paging_of(req);
           return Response::json(200, air.rejections(*who, page, size, req.q("reason").value_or("")));
         }});
  r.add({"POST", "/api/environment/stations", "environment:config", true, "environment",
         "Register a station (mn, name, password; kind, protocol, lng, lat, factors, enabled)",
         [&st](const Request& req, const platform::Principal* who) {
           auto in = parse_station(req.json_object(), true);
           return Response::json(201, station_json(st.create(*who, platform::actor_of(req, who), in)));
         }});
  r.add({"PUT", "/api/environment/stations/{id}", "environment:config", true, "environment",
         "Change a station (any field; version required; a password replaces the old one)",
         [&st](const Request& req, const platform::Principal* who) {
           auto in = parse_station(req.json_object(), false);
           return Response::json(200, station_json(st.update(*who, platform::actor_of(req, who), req.id_param(), in)));
         }});
  register_water_routes(rt);
}

void EnvironmentModule::register_water_routes(platform::Runtime& rt) {
  auto& r = rt.router;
  auto& water = *water_;
  r.add({"GET", "/api/environment/water/indicators", "environment:read", true, "environment",
         "The 21 indicators of GB 3838-2002 that classify a section: code, name, unit and the class III limit",
         [](const Request&, const platform::Principal*) {
           nlohmann::json items = nlohmann::json::array();
           const auto& all = water_indicators();
           for (std::size_t i = 0; i < all.size(); ++i) {
             nlohmann::json j = {{"code", all[i].code}, {"name", all[i].name}, {"unit", i == 0 ? "无量纲" : "mg/L"}};
             if (i == 0) {
               j["class_iii"] = "6-9";
               j["lower_is_better"] = nullptr;
             } else {
               j["class_iii"] = water_value_text(class_limit(WaterBody::kRiver, i, 3));
               j["lower_is_better"] = i != 1;
               if (all[i].code == "tp") j["class_iii_lake"] = water_value_text(class_limit(WaterBody::kLake, i, 3));
             }
             items.push_back(j);
           }
           return Response::json(200, {{"items", items}});
         }});
  r.add({"GET", "/api/environment/water/sections", "environment:read", true, "environment",
         "Surface-water sections in the caller's scope with their class (GB 3838-2002) over a period (from, to: "
         "YYYY-MM-DD, default this year), by month and of the latest sample, and the share meeting their targets",
         [&water](const Request& req, const platform::Principal* who) {
           const auto [from, to] = water_period(req.q("from"), req.q("to"), platform::now_ms());
           return Response::json(200, water.sections(*who, from, to));
         }});
  r.add({"GET", "/api/environment/water/sections/{id}", "environment:read", true, "environment",
         "One section as in the list and its samples of the period (from, to), newest first",
         [&water](const Request& req, const platform::Principal* who) {
           const auto [from, to] = water_period(req.q("from"), req.q("to"), platform::now_ms());
           return Response::json(200, water.section(*who, req.id_param(), from, to));
         }});
  r.add({"POST", "/api/environment/water/sections", "environment:config", true, "environment",
         "Register a section (code, name, kind river|lake, control national|provincial|city|county, target_class 1-5; "
         "river, lng, lat, enabled)",
         [&water](const Request& req, const platform::Principal* who) {
           const auto in = parse_water_section(req.json_object(), true);
           return Response::json(201, water_section_json(water.create_section(*who, platform::actor_of(req, who), in)));
         }});
  r.add({"PUT", "/api/environment/water/sections/{id}", "environment:config", true, "environment",
         "Change a section (any field; version required)",
         [&water](const Request& req, const platform::Principal* who) {
           const auto in = parse_water_section(req.json_object(), false);
           return Response::json(
               200, water_section_json(water.update_section(*who, platform::actor_of(req, who), req.id_param(), in)));
         }});
  r.add({"POST", "/api/environment/water/sections/{id}/samples", "environment:config", true, "environment",
         "Enter a sample: sampled_on (YYYY-MM-DD, not in the future), values {indicator code: number or decimal "
         "text, mg/L; pH dimensionless}, note; one per section and day",
         [&water](const Request& req, const platform::Principal* who) {
           const auto in = parse_water_sample(req.json_object(), true);
           return Response::json(201, water.add_sample(*who, platform::actor_of(req, who), req.id_param(), in));
         }});
  r.add({"PUT", "/api/environment/water/samples/{id}", "environment:config", true, "environment",
         "Correct a sample (values replace all values; note; version required); the operation log keeps the old ones",
         [&water](const Request& req, const platform::Principal* who) {
           const auto in = parse_water_sample(req.json_object(), false);
           return Response::json(200, water.correct_sample(*who, platform::actor_of(req, who), req.id_param(), in));
         }});
  r.add({"POST", "/api/environment/water/import", "environment:config", true, "environment",
         "Import samples from CSV (text/csv): header section,date,<indicator codes>; all or nothing; samples stored "
         "already with the same values are counted unchanged",
         [&water](const Request& req, const platform::Principal* who) {
           std::istringstream in(req.body);
           const auto samples = read_water_samples_csv(in);
           const auto res = water.import_samples(who, platform::actor_of(req, who), samples);
           return Response::json(200, {{"lines", res.lines}, {"added", res.added}, {"unchanged", res.unchanged}});
         }});
}

}  // namespace ecity::environment
