#include "environment/module.h"

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

void EnvironmentModule::register_routes(platform::Runtime& rt) {
  auto& r = rt.router;
  auto& st = *stations_;
  r.add({"GET", "/api/environment/stations", "environment:read", true, "environment",
         "Monitoring stations in the caller's scope (a region-scoped user sees those located in their region)",
         [&st](const Request&, const platform::Principal* who) {
           nlohmann::json items = nlohmann::json::array();
           for (const auto& s : st.list(*who)) items.push_back(station_json(s));
           return Response::json(200, {{"items", items}});
         }});
  r.add({"GET", "/api/environment/stations/{id}", "environment:read", true, "environment", "One monitoring station",
         [&st](const Request& req, const platform::Principal* who) {
           return Response::json(200, station_json(st.get(*who, req.id_param())));
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
