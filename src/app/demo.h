// Loads the demo district (峄城区: regions, departments, positions, sample users) into the
// configured database. Idempotent: a second run keeps existing data.
#pragma once

#include "platform/runtime.h"

#include <optional>
#include <string>

namespace ecity::app {

struct DemoLogin {
  std::string username;
  std::string password;  // empty when the admin existed already and its password is unknown
};

// `data_dir` holds demo/yicheng/{regions.geojson,departments.json}.
DemoLogin load_demo(platform::Runtime& rt, const std::string& data_dir, const std::optional<std::string>& admin_password);

}  // namespace ecity::app
