// The key-projects module (重点项目调度) as the platform sees it: permissions, roles, routes, and
// the monthly colour job (ecity serve). The registry and plans (registry.h), monthly reports
// (reports.h), red/yellow/green colours (colours.h, rule sets in warning_rules.h) and the
// supervision figures (overview.h, progress.h); issue lists and joint meetings (issues.h);
// investment attraction (attraction.h).
#pragma once

#include "projects/attraction.h"
#include "projects/colours.h"
#include "projects/dispatch.h"
#include "projects/issues.h"
#include "projects/overview.h"
#include "projects/registry.h"
#include "projects/reports.h"

#include "platform/module.h"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace ecity::projects {

class ProjectsModule : public platform::Module {
 public:
  ~ProjectsModule() override;
  std::string name() const override { return "projects"; }
  std::vector<platform::PermissionInfo> permissions() const override;
  std::vector<platform::RoleGrant> role_grants() const override;
  void prepare(platform::Runtime& rt) override;
  void register_routes(platform::Runtime& rt) override;
  void serve(platform::Runtime& rt) override;
  void stop() override;

  ProjectService& projects() { return *projects_; }
  ReportService& reports() { return *reports_; }
  ColourService& colours() { return *colours_; }
  OverviewService& overview() { return *overview_; }
  IssueService& issues() { return *issues_; }
  AttractionService& attraction() { return *attraction_; }
  DispatchService& dispatch() { return *dispatch_; }

 private:
  std::unique_ptr<ProjectService> projects_;
  std::unique_ptr<ReportService> reports_;
  std::unique_ptr<ColourService> colours_;
  std::unique_ptr<OverviewService> overview_;
  std::unique_ptr<IssueService> issues_;
  std::unique_ptr<AttractionService> attraction_;
  std::unique_ptr<DispatchService> dispatch_;
  std::thread job_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
};

}  // namespace ecity::projects
