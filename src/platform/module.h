// A scenario module (appeals, environment, …) as the platform sees it. The app adds each
// module to the Runtime before prepare(); the Runtime then, in this order: applies every
// migration, registers the modules' permissions, creates or grants their roles (once per
// `grants_key`), calls prepare() on each module, and, in register_routes(), their routes.
// `ecity serve` then calls serve() on each, and the Runtime calls stop() before it goes away.
//
// A module depends on platform/ only and talks to other modules through the event bus.
#pragma once

#include "platform/auth/permissions.h"

#include <string>
#include <vector>

namespace ecity::platform {

class Runtime;

// A role a module needs, or permissions it adds to a platform role. Applied once per
// Module::grants_key(): an administrator who later removes a permission keeps it removed.
struct RoleGrant {
  std::string code;        // e.g. "hotline_agent"; may name a platform role ("leader")
  std::string name;        // used only when the role is created
  std::string data_scope;  // all | department | region | self; used only when created
  std::vector<std::string> permissions;
};

class Module {
 public:
  virtual ~Module() = default;
  virtual std::string name() const = 0;
  virtual std::vector<PermissionInfo> permissions() const { return {}; }
  virtual std::vector<RoleGrant> role_grants() const { return {}; }
  // Changes when role_grants() changes, so that new grants are applied once.
  virtual std::string grants_key() const { return name() + ".1"; }
  // After migrations and roles: load reference data, start jobs.
  virtual void prepare(Runtime&) {}
  virtual void register_routes(Runtime&) {}
  // When the process serves (`ecity serve`), after the HTTP server started: open listeners of
  // the module's own (the HJ 212 port) and start what only a server runs.
  virtual void serve(Runtime&) {}
  // Before the Runtime is destroyed: stop jobs.
  virtual void stop() {}
};

}  // namespace ecity::platform
