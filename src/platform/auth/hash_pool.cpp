#include "platform/auth/hash_pool.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace ecity::platform {

namespace {
// Linux gives each thread its own nice value; 10 keeps hashing behind request handling.
constexpr int kHashNice = 10;
}  // namespace

HashPool::HashPool(int threads) {
  if (threads <= 0) {
    unsigned cores = std::thread::hardware_concurrency();
    threads = cores > 1 ? static_cast<int>(cores) - 1 : 1;
  }
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this] {
      if (setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), kHashNice) != 0)
        spdlog::debug("event=hash_thread_nice_failed");
      for (;;) {
        std::function<void()> job;
        {
          std::unique_lock lock(mu_);
          cv_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
          if (stop_ && jobs_.empty()) return;
          job = std::move(jobs_.front());
          jobs_.pop_front();
        }
        job();
      }
    });
  }
}

HashPool::~HashPool() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void HashPool::submit(std::function<void()> job) {
  {
    std::lock_guard lock(mu_);
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
}

}  // namespace ecity::platform
