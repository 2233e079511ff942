#include "app/process.h"

#include <spdlog/spdlog.h>

#include <sys/resource.h>

namespace ecity::app {

void raise_descriptor_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur >= lim.rlim_max) return;
  const auto before = lim.rlim_cur;
  lim.rlim_cur = lim.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &lim) != 0) spdlog::warn("event=descriptor_limit_unchanged soft={}", before);
}

}  // namespace ecity::app
