#include "environment/module.h"

#include "environment/readings.h"

#include "platform/runtime.h"

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
}

}  // namespace ecity::environment
