#include "app/modules.h"

#include "appeals/module.h"
#include "economy/module.h"
#include "environment/module.h"
#include "projects/module.h"

namespace ecity::app {

void add_modules(platform::Runtime& rt) {
  rt.add_module(std::make_unique<appeals::AppealsModule>());
  rt.add_module(std::make_unique<environment::EnvironmentModule>());
  rt.add_module(std::make_unique<projects::ProjectsModule>());
  rt.add_module(std::make_unique<economy::EconomyModule>());
}

}  // namespace ecity::app
