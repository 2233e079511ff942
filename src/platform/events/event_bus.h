// The event bus with a transactional outbox. A service publishes inside its own
// transaction (the event row commits or rolls back with the change); after the commit a
// dispatcher thread delivers pending events, in id order, to in-process subscribers and
// marks them delivered. Delivery is at least once: a subscriber that throws sees the event
// again on the next pass, and events pending at a crash are delivered after the restart.
// Subscribers must therefore be idempotent.
//
// Thread-safety: subscribe() before start(); publish() from any worker thread.
#pragma once

#include "platform/db/database.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ecity::platform {

struct Event {
  std::int64_t id = 0;
  std::int64_t at = 0;
  std::string topic;  // "<module>.<entity>.<what>", e.g. "org.department.created"
  nlohmann::json payload;
};

class EventBus {
 public:
  using Subscriber = std::function<void(const Event&)>;

  // Delivered events older than `retention` are deleted, at most once an hour, by the
  // dispatcher; pending events are kept whatever their age.
  EventBus(Database& db, std::chrono::milliseconds retention = std::chrono::days(7));
  ~EventBus();

  // Receives every event whose topic starts with `prefix` ("" for all).
  void subscribe(std::string prefix, Subscriber fn);
  // Records the event in `tx`; the dispatcher is woken after commit.
  void publish(Tx& tx, const std::string& topic, const nlohmann::json& payload);
  // Starts the dispatcher thread; it first delivers whatever is pending from before.
  void start();
  void stop();
  // One synchronous delivery pass; returns the number of events delivered.
  int deliver_pending();
  std::uint64_t delivered_count() const { return delivered_.load(); }
  // Deletes delivered events delivered before `before_ms` (epoch ms); returns how many.
  int prune_delivered(std::int64_t before_ms);

 private:
  void run();
  void wake();

  Database& db_;
  std::chrono::milliseconds retention_;
  std::int64_t last_prune_ms_ = 0;  // dispatcher thread only
  std::vector<std::pair<std::string, Subscriber>> subscribers_;  // fixed after start()
  std::mutex mu_;
  std::condition_variable cv_;
  bool pending_ = false;  // guarded by mu_
  bool stop_ = false;     // guarded by mu_
  std::mutex deliver_mu_;  // one delivery pass at a time
  std::thread thread_;
  std::atomic<std::uint64_t> delivered_{0};
};

}  // namespace ecity::platform
