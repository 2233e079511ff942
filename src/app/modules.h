// The scenario modules this build of ecity runs. `serve`, `demo` and the integration tests
// add them to the Runtime before prepare().
#pragma once

#include "platform/runtime.h"

namespace ecity::app {

void add_modules(platform::Runtime& rt);

}  // namespace ecity::app
