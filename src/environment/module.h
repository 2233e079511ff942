// The environment module (生态环境) as the platform sees it: permissions, roles and routes.
// The station registry, the HJ 212 listener (opened by serve() when hj212.port is set), station
// data and evaluations; surface-water sections and their samples.
#pragma once

#include "environment/air_service.h"
#include "environment/listener.h"
#include "environment/stations.h"
#include "environment/water_service.h"

#include "platform/module.h"

#include <memory>

namespace ecity::environment {

class EnvironmentModule : public platform::Module {
 public:
  std::string name() const override { return "environment"; }
  std::vector<platform::PermissionInfo> permissions() const override;
  std::vector<platform::RoleGrant> role_grants() const override;
  void prepare(platform::Runtime& rt) override;
  void register_routes(platform::Runtime& rt) override;
  void serve(platform::Runtime& rt) override;
  void stop() override;

  StationService& stations() { return *stations_; }
  WaterService& water() { return *water_; }
  // The listener while serving, else nullptr.
  Hj212Listener* listener() { return listener_.get(); }

 private:
  nlohmann::json with_online(const Station& s);
  void register_water_routes(platform::Runtime& rt);
  std::unique_ptr<StationService> stations_;
  std::unique_ptr<AirService> air_;
  std::unique_ptr<WaterService> water_;
  std::unique_ptr<Hj212Listener> listener_;
};

}  // namespace ecity::environment
