// The HTTP server: Boost.Beast over Boost.Asio with one C++20 coroutine per connection on
// its own strand. I/O threads parse and write; handlers run on the worker pool, so
// database work and password hashing never block I/O (an asynchronous handler that does
// neither may run on the I/O thread, see Placement). /healthz is answered on the I/O
// thread itself (it touches nothing).
//
// Limits at the edge: header block (431), body (413), read and idle timeouts, keep-alive.
// Shutdown (stop()): stop accepting (new connections are refused), close idle keep-alive
// connections, let in-flight requests finish and answer with Connection: close, then stop
// after at most shutdown_grace_s.
//
// Thread-safety: start(), stop() and wait() from one controlling thread.
#pragma once

#include "platform/config/config.h"
#include "platform/http/message.h"

#include <functional>
#include <memory>

namespace ecity::platform {

class HttpServer {
 public:
  // Turns a request into a response on a worker thread; must not throw.
  using Handle = std::function<Response(Request&)>;
  // The same, answering through `reply` (exactly once, from any thread, now or later): a
  // handler that waits for a group commit returns at once and frees its worker. `req` stays
  // valid until the reply's response has been built.
  using AsyncHandle = std::function<void(Request&, const Reply&)>;

  // Where a parsed request's handler runs: on the small pool of workers (the default), on
  // the larger pool of waiting workers (Route::waits), or on the connection's I/O thread
  // itself, for a handler that neither computes much nor blocks (an asynchronous route whose
  // caller is known without the database): no thread switch on the way in. Called on an I/O
  // thread.
  enum class RunOn { kWorkers, kWaitingWorkers, kIoThread };
  using Placement = std::function<RunOn(const Request&)>;

  // The largest body a request may carry when its route allows more than config.body_limit
  // (Route::body_limit; 0: the server's limit). Called on an I/O thread with the method and
  // the raw path, after the header has arrived.
  using BodyLimit = std::function<std::int64_t(std::string_view method, std::string_view path)>;

  HttpServer(const ServerConfig& config, Handle handle, Placement placement = nullptr, BodyLimit body_limit = nullptr);
  HttpServer(const ServerConfig& config, AsyncHandle handle, Placement placement = nullptr,
             BodyLimit body_limit = nullptr);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts the I/O and worker threads. Port 0 picks a free port (see port()).
  // Throws Error (unavailable) if the address cannot be bound.
  void start();
  int port() const;
  // Stops on SIGTERM or SIGINT as well as on stop().
  void stop_on_signals();
  // Begins a graceful stop; returns at once. Idempotent.
  void stop();
  // Blocks until the server has stopped.
  void wait();
  // Number of open connections (for /metrics).
  int connections() const;
  // Number of requests being handled on the worker pool now.
  int in_flight() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ecity::platform
