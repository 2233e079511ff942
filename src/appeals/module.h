// The appeals module (诉求办理) as the platform sees it: permissions, roles, routes and the
// periodic warning job.
#pragma once

#include "appeals/open_access.h"
#include "appeals/service.h"

#include "platform/module.h"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace ecity::appeals {

class AppealsModule : public platform::Module {
 public:
  std::string name() const override { return "appeals"; }
  std::vector<platform::PermissionInfo> permissions() const override;
  std::vector<platform::RoleGrant> role_grants() const override;
  // .2: appeals:stats for the centre, leaders and unit administrators; .3: open311_client.
  std::string grants_key() const override { return "appeals.3"; }
  void prepare(platform::Runtime& rt) override;
  void register_routes(platform::Runtime& rt) override;
  void stop() override;

  AppealService& service() { return *service_; }

 private:
  void run_jobs();

  std::unique_ptr<AppealService> service_;
  std::unique_ptr<OpenAccess> open_;
  std::thread job_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
};

// Registers the module's HTTP routes (routes.cpp).
void add_appeal_routes(platform::Runtime& rt, AppealService& service);
// The citizens' page, Open311 and its clients (open_routes.cpp).
void add_open_routes(platform::Runtime& rt, OpenAccess& open);

}  // namespace ecity::appeals
