// A TCP server for long-lived device connections that speak a framed byte protocol (HJ 212
// monitoring stations): Boost.Asio, one C++20 coroutine per connection on its own strand. The
// protocol itself is a StreamProtocol made per connection; this server owns the sockets, the
// limits and the timeouts:
//   - at most `max_connections` open (and `max_per_ip` per client address); a connection
//     beyond either is accepted and closed at once, and counted as refused;
//   - a new connection must deliver a first message within `login_timeout_s`;
//   - once a message has started, it must complete within `frame_timeout_s` (slow loris);
//   - a connection silent for `idle_timeout_s` is closed;
//   - a peer that does not read its answers (more than `max_output_bytes` queued) is closed;
//   - while the protocol says it is paused (its storage is behind), the connection is not read.
// Reads go through one buffer per I/O thread (wait until readable, then read what is there),
// so an idle connection costs no read buffer: ten thousand stations fit in a few tens of MB.
//
// Thread-safety: start(), stop() and wait() from one controlling thread; the counters from any
// thread. A StreamProtocol is called on its connection's strand only; StreamConnection::send()
// and close() are safe from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace ecity::platform {

struct StreamServerConfig {
  std::string setting = "host";  // the configuration key of `host`, for error messages
  std::string host = "127.0.0.1";
  int port = 0;  // 0 picks a free port (see StreamServer::port())
  int io_threads = 1;
  int max_connections = 12000;
  int max_per_ip = 0;  // 0: no per-address limit
  int login_timeout_s = 120;
  int frame_timeout_s = 30;
  int idle_timeout_s = 3900;
  std::size_t max_output_bytes = 1 << 20;
};

// One open connection, as its protocol and the code answering it later see it.
class StreamConnection {
 public:
  virtual ~StreamConnection() = default;
  // Queues bytes to write; safe from any thread; ignored once the connection has closed.
  virtual void send(std::string bytes) = 0;
  // Closes after what is queued has been written; safe from any thread.
  virtual void close() = 0;
  virtual const std::string& peer_ip() const = 0;
};

// What a read did, as the server's timeouts need to know it.
struct ReadOutcome {
  bool close = false;      // drop the connection now (e.g. garbage past a limit)
  bool completed = false;  // at least one whole message arrived (the connection is alive and well)
  bool partial = false;    // bytes of an unfinished message are waiting for the rest
};

class StreamProtocol {
 public:
  virtual ~StreamProtocol() = default;
  // Bytes arrived (valid during the call only).
  virtual ReadOutcome on_read(std::string_view bytes) = 0;
  // True while the protocol cannot take more (its storage is behind): the server stops reading
  // this connection, so TCP holds the station back, and asks again every 50 ms.
  virtual bool paused() const { return false; }
  // The connection closed (peer, timeout, limit or stop) with this reason; called once.
  virtual void on_close(std::string_view reason) { (void)reason; }
};

class StreamServer {
 public:
  using Factory = std::function<std::unique_ptr<StreamProtocol>(std::shared_ptr<StreamConnection>)>;
  // Called when a connection is closed by a limit or a timeout: reason is one of refused
  // (over max_connections), refused_ip (over max_per_ip), login_timeout, frame_timeout,
  // idle_timeout, slow_reader.
  using OnLimit = std::function<void(std::string_view reason, const std::string& peer_ip)>;

  StreamServer(StreamServerConfig config, Factory factory, OnLimit on_limit = nullptr);
  ~StreamServer();
  StreamServer(const StreamServer&) = delete;
  StreamServer& operator=(const StreamServer&) = delete;

  // Binds and starts the I/O threads. Throws Error (unavailable) if the address cannot be bound.
  void start();
  int port() const;
  // Closes the listener and every connection; returns at once. Idempotent.
  void stop();
  // Blocks until the I/O threads have finished.
  void wait();

  int connections() const;
  std::uint64_t accepted() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace ecity::platform
