// The HJ 212 listener: monitoring stations connect over TCP and upload their data. Per
// connection, a FrameReader cuts frames by their length field and the parser reads them; the
// station is checked (known MN, enabled, password), data uploads (2011/2051/2061/2031) are
// decoded into readings and written through the database's group commit, and the 9014 answer a
// packet asks for (Flag bit 0) is sent once its data is on disk, so a station whose packet was
// not stored sends it again. A time-calibration request (1013) gets its 9013 and the time
// (1012); other uploads and heartbeats are answered when they ask and not stored.
//
// Refusals never close a healthy connection: a bad frame costs a re-sync on the next `##`, a bad
// packet is refused alone. A connection whose refused bytes since its last good packet exceed
// hj212.garbage_limit_bytes is dropped. Every refusal is counted by reason
// (hj212_rejected_total in /metrics) and a sample of them is kept in env_rejections.
//
// Thread-safety: start()/stop() from one thread; stats() and reload() from any thread.
#pragma once

#include "platform/config/config.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace ecity::platform {
class Runtime;
}

namespace ecity::environment {

class Hj212Listener {
 public:
  Hj212Listener(platform::Runtime& rt, platform::Hj212Config config);
  ~Hj212Listener();
  Hj212Listener(const Hj212Listener&) = delete;
  Hj212Listener& operator=(const Hj212Listener&) = delete;

  // Loads the stations, binds and starts. Throws Error (unavailable) if the port cannot be bound.
  void start();
  int port() const;
  // Closes every connection, then writes what is pending (last-seen times, refusals). Answers
  // of packets still in the commit queue go nowhere: their stations send them again.
  void stop();
  // Re-reads the stations (after one was added or changed).
  void reload();

  struct Stats {
    std::uint64_t packets = 0;     // good packets from known stations
    std::uint64_t stored = 0;      // readings written
    std::uint64_t duplicates = 0;  // readings already stored (re-sent)
    std::uint64_t answers = 0;     // answers sent
    std::uint64_t rejected = 0;    // refusals of every reason
    std::uint64_t store_failed = 0;
    int connections = 0;
  };
  Stats stats() const;
  // Whether a station (by id) has an open connection that delivered a good packet.
  bool online(std::int64_t station_id) const;

  struct Impl;  // shared with the connections, which may outlive a call

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace ecity::environment
