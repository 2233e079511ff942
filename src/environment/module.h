// The environment module (生态环境) as the platform sees it: permissions, roles and routes.
// So far: the station registry; the HJ 212 listener, data and evaluations follow (issue 4).
#pragma once

#include "environment/stations.h"

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

  StationService& stations() { return *stations_; }

 private:
  std::unique_ptr<StationService> stations_;
};

}  // namespace ecity::environment
