#include "app/modules.h"

#include "appeals/module.h"

namespace ecity::app {

void add_modules(platform::Runtime& rt) { rt.add_module(std::make_unique<appeals::AppealsModule>()); }

}  // namespace ecity::app
