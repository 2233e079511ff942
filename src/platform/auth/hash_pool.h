// A few low-priority threads that run argon2id. Password hashing is deliberately slow and
// memory-hard: left on the worker pool, 20 clients signing in at once would occupy every
// core and delay unrelated requests. Here at most `threads` hashes run at a time (default:
// one fewer than the cores, at least one), at nice 10, so the I/O thread and the other
// workers keep their share of the CPU. Callers block until their hash is done.
//
// Thread-safety: run() is safe from any thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace ecity::platform {

class HashPool {
 public:
  explicit HashPool(int threads = 0);
  ~HashPool();
  HashPool(const HashPool&) = delete;
  HashPool& operator=(const HashPool&) = delete;

  // Runs `fn` on a hashing thread and returns its result; rethrows its exception.
  template <typename F>
  auto run(F&& fn) -> decltype(fn()) {
    std::packaged_task<decltype(fn())()> task(std::forward<F>(fn));
    auto result = task.get_future();
    submit([&task] { task(); });
    return result.get();
  }

 private:
  void submit(std::function<void()> job);

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;  // guarded by mu_
  bool stop_ = false;                       // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace ecity::platform
