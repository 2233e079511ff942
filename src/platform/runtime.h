// The running platform: configuration, storage, services and the HTTP router, built once
// by `ecity serve` (and by the integration tests, which run the real thing in-process).
// Scenario modules register their routes and subscribers on it.
//
// Thread-safety: construct and register on one thread; afterwards handle() is safe from
// any worker thread.
#pragma once

#include "platform/auth/auth_service.h"
#include "platform/auth/user_service.h"
#include "platform/calendar/calendar.h"
#include "platform/config/config.h"
#include "platform/db/database.h"
#include "platform/events/event_bus.h"
#include "platform/files/file_store.h"
#include "platform/http/metrics.h"
#include "platform/http/router.h"
#include "platform/http/server.h"
#include "platform/http/static_files.h"
#include "platform/module.h"
#include "platform/org/org_service.h"

#include <functional>
#include <memory>
#include <mutex>

namespace ecity::platform {

class Runtime {
 public:
  // Opens the database and loads the calendar. Does not migrate (see migrate()).
  explicit Runtime(Config config);
  ~Runtime();

  // Adds a scenario module; before prepare(). See platform/module.h for what happens when.
  void add_module(std::unique_ptr<Module> m);
  // The added module of that type, or nullptr (for a module's own routes and tests).
  template <typename M>
  M* module() const {
    for (const auto& m : modules_)
      if (auto* p = dynamic_cast<M*>(m.get())) return p;
    return nullptr;
  }

  // Applies pending migrations, loads calendar adjustments, builds the locator, then sets up
  // the modules (permissions, roles, their own prepare()).
  void prepare();
  // Routes of every platform subsystem, then of every module. Called once.
  void register_routes();
  // Module::serve() of every module (ecity serve, once its HTTP server runs).
  void serve_modules();
  // Static files, then the router; records metrics. Answers through `reply`, exactly once,
  // now or later (asynchronous routes); `req` must outlive the reply. Never throws.
  void handle(Request& req, const Reply& reply);
  // Where the server should run handle() for `req` (HttpServer::Placement): on the I/O thread
  // for an asynchronous route whose bearer token the session cache answers without the
  // database; on the waiting workers for a route that waits; else on the workers.
  HttpServer::RunOn run_on(const Request& req);

  // The calendar with local adjustments applied; swapped on change.
  std::shared_ptr<const Calendar> calendar() const;
  void reload_calendar_adjustments();

  // Whether the database answers (for /readyz).
  bool ready();

  const Config config;
  Database db;
  EventBus bus;
  AuthService auth;
  UserService users;
  OrgService org;
  Metrics metrics;
  Router router;
  StaticFiles static_files;
  FileStore files;
  // Connection gauges supplied by the server once it runs.
  std::function<int()> open_connections = [] { return 0; };
  std::function<int()> in_flight = [] { return 0; };

 private:
  std::vector<std::unique_ptr<Module>> modules_;
  mutable std::mutex calendar_mu_;
  std::shared_ptr<const Calendar> calendar_;  // guarded by calendar_mu_ (the pointer)
  Calendar national_;                         // as shipped, without adjustments
};

// The caller as the audit log records it.
Actor actor_of(const Request& req, const Principal* who);
// page/size query parameters: page ≥ 1, 1 ≤ size ≤ 200. Throws Error (invalid).
std::pair<int, int> paging_of(const Request& req);
// Optional integer / epoch-ms query parameter. Throws Error (invalid) when malformed.
std::optional<std::int64_t> int_query(const Request& req, const std::string& key);
// Optional boolean query parameter: true/1 or false/0. Throws Error (invalid) otherwise.
std::optional<bool> bool_query(const Request& req, const std::string& key);
// Optional finite number in [min, max]. Throws Error (invalid) otherwise.
std::optional<double> real_query(const Request& req, const std::string& key, double min, double max);

void add_system_routes(Runtime& rt);
void add_auth_routes(Runtime& rt);
void add_org_routes(Runtime& rt);
void add_audit_routes(Runtime& rt);
void add_calendar_routes(Runtime& rt);
// The OpenAPI 3.1 document generated from the router's table.
nlohmann::json openapi_document(const Router& router);

}  // namespace ecity::platform
