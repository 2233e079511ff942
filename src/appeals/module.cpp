#include "appeals/module.h"

#include "platform/runtime.h"

#include <spdlog/spdlog.h>

#include <filesystem>

namespace ecity::appeals {

std::vector<platform::PermissionInfo> AppealsModule::permissions() const {
  return {
      {"appeals:read", "查看诉求", "View appeals"},
      {"appeals:intake", "受理诉求", "Register appeals"},
      {"appeals:dispatch", "派单、审核、办结诉求", "Dispatch, review and close appeals"},
      {"appeals:handle", "承办诉求（签收、回复）", "Handle appeals for one's unit"},
      {"appeals:callback", "回访", "Call back callers"},
      {"appeals:supervise", "督办、催办", "Supervise and remind"},
      {"appeals:config", "管理诉求分类、时限和派单目录", "Manage the appeal catalogue, time limits and routing"},
      {"appeals:stats", "查看诉求统计、排名与导出", "View appeal statistics, rankings and exports"},
  };
}

std::vector<platform::RoleGrant> AppealsModule::role_grants() const {
  return {
      {"hotline_agent", "话务员", "all", {"appeals:read", "appeals:intake", "appeals:callback", "org:read"}},
      {"dispatcher",
       "派单审核员",
       "all",
       {"appeals:read", "appeals:intake", "appeals:dispatch", "appeals:callback", "appeals:supervise", "appeals:stats",
        "org:read"}},
      {"leader", "", "", {"appeals:read", "appeals:supervise", "appeals:stats"}},
      {"dept_admin", "", "", {"appeals:read", "appeals:handle", "appeals:stats"}},
      {"town_admin", "", "", {"appeals:read", "appeals:handle", "appeals:stats"}},
      {"staff", "", "", {"appeals:read", "appeals:handle"}},
      {"grid_worker", "", "", {"appeals:read", "appeals:handle"}},
      // The service account of an Open311 application (a WeChat mini-program, a town's app).
      {"open311_client", "开放接口应用", "all", {"appeals:read", "appeals:intake"}},
  };
}

void AppealsModule::prepare(platform::Runtime& rt) {
  service_ = std::make_unique<AppealService>(rt);
  open_ = std::make_unique<OpenAccess>(rt, *service_);
  // data/ sits beside the calendar (data/calendar/cn.json → data/appeals/catalogue.json).
  auto data = std::filesystem::path(rt.config.calendar.file).parent_path().parent_path();
  service_->ensure_catalogue((data / "appeals" / "catalogue.json").string());
}

void AppealsModule::register_routes(platform::Runtime& rt) {
  add_appeal_routes(rt, *service_);
  add_open_routes(rt, *open_);
  // The jobs run with the server: text indexing every second, warnings every minute.
  job_ = std::thread([this] { run_jobs(); });
}

void AppealsModule::run_jobs() {
  // Every second: index new cases' text; every 10 s: the statistics roll-up; every minute:
  // re-colour open cases.
  for (int tick = 1;; ++tick) {
    {
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; })) return;
    }
    try {
      service_->index_text();
    } catch (const std::exception& e) {
      spdlog::warn("event=appeal_text_index_failed error=\"{}\"", e.what());
    }
    // Statistics reads bring the roll-up up to date themselves; the job keeps the backlog short.
    if (tick % 10 == 0) {
      try {
        service_->refresh_stats();
      } catch (const std::exception& e) {
        spdlog::warn("event=appeal_stats_rollup_failed error=\"{}\"", e.what());
      }
    }
    if (tick % 60 != 0) continue;
    try {
      int n = service_->refresh_warnings(platform::now_ms());
      if (n > 0) spdlog::info("event=appeal_warnings_changed count={}", n);
    } catch (const std::exception& e) {
      spdlog::warn("event=appeal_warning_job_failed error=\"{}\"", e.what());
    }
  }
}

void AppealsModule::stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (job_.joinable()) job_.join();
}

}  // namespace ecity::appeals
