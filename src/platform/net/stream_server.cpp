#include "platform/net/stream_server.h"

#include "platform/error.h"
#include "platform/net/listen.h"

#include <spdlog/spdlog.h>
#include <boost/asio.hpp>

#include <array>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace ecity::platform {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The I/O thread's read buffer, looked up anew after every co_await (with several I/O threads a
// coroutine may resume on another thread; a thread_local's address must not be kept across).
[[gnu::noinline]] std::array<char, 64 * 1024>& read_buffer() {
  thread_local std::array<char, 64 * 1024> buffer;
  return buffer;
}

}  // namespace

struct StreamServer::Impl : std::enable_shared_from_this<StreamServer::Impl> {
  // A connection: its socket lives on its strand; send() and close() post there.
  struct Conn : StreamConnection {
    Conn(tcp::socket s, std::weak_ptr<Impl> owner, std::string ip)
        : socket(std::move(s)), strand(socket.get_executor()), owner(std::move(owner)), ip(std::move(ip)) {}

    void send(std::string bytes) override {
      auto impl = owner.lock();
      if (!impl) return;
      asio::post(strand, [self = self_ptr(), bytes = std::move(bytes)]() mutable { self->queue(std::move(bytes)); });
    }
    void close() override {
      auto impl = owner.lock();
      if (!impl) return;
      asio::post(strand, [self = self_ptr()] {
        self->closing = true;
        if (!self->writing) self->shut("closed_by_protocol");
      });
    }
    const std::string& peer_ip() const override { return ip; }

    std::shared_ptr<Conn> self_ptr() { return std::static_pointer_cast<Conn>(weak_self.lock()); }

    // On the strand.
    void queue(std::string bytes) {
      if (!socket.is_open()) return;
      out.append(bytes);
      auto impl = owner.lock();
      if (impl && out.size() > impl->config.max_output_bytes) {
        impl->limit("slow_reader", ip);
        shut("slow_reader");
        return;
      }
      if (!writing) write_next();
    }
    void write_next() {
      writing = true;
      sending.swap(out);
      out.clear();
      asio::async_write(socket, asio::buffer(sending),
                        [self = self_ptr()](const boost::system::error_code& ec, std::size_t) {
                          self->writing = false;
                          self->sending.clear();
                          if (ec) return self->shut("write_failed");
                          if (!self->out.empty()) return self->write_next();
                          if (self->closing) self->shut("closed_by_protocol");
                        });
    }
    void shut(const char* why) {
      if (!socket.is_open()) return;
      if (reason.empty()) reason = why;
      boost::system::error_code ec;
      socket.shutdown(tcp::socket::shutdown_both, ec);
      socket.close(ec);
    }

    tcp::socket socket;
    asio::any_io_executor strand;
    std::weak_ptr<Impl> owner;
    std::weak_ptr<StreamConnection> weak_self;
    const std::string ip;
    std::string out, sending;  // on the strand
    bool writing = false, closing = false;
    std::string reason;  // why it closed, set on the strand
    // Read by the sweeper: when the connection must be closed, and why.
    std::atomic<std::int64_t> deadline{0};
    std::atomic<const char*> deadline_reason{"idle_timeout"};
  };

  Impl(StreamServerConfig c, Factory f, OnLimit l)
      : config(std::move(c)), factory(std::move(f)), on_limit(std::move(l)), acceptor(io), sweeper(io) {}

  void limit(std::string_view reason, const std::string& ip) {
    if (on_limit) on_limit(reason, ip);
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket =
          co_await acceptor.async_accept(asio::make_strand(io), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
        spdlog::warn("event=stream_accept_failed port={} error=\"{}\"", bound_port, ec.message());
        if (ec == asio::error::no_descriptors) {  // EMFILE: wait for descriptors to come back
          asio::steady_timer pause(io, std::chrono::milliseconds(100));
          co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        continue;
      }
      accepted_total.fetch_add(1);
      std::string ip;
      {
        auto ep = socket.remote_endpoint(ec);
        if (!ec) ip = ep.address().to_string();
      }
      const char* refused = nullptr;
      {
        std::lock_guard lock(mu);
        if (static_cast<int>(conns.size()) >= config.max_connections)
          refused = "refused";
        else if (config.max_per_ip > 0 && per_ip[ip] >= config.max_per_ip)
          refused = "refused_ip";
      }
      if (refused) {
        limit(refused, ip);
        socket.close(ec);
        continue;
      }
      auto ex = socket.get_executor();
      asio::co_spawn(ex, session(std::move(socket), std::move(ip)), asio::detached);
    }
  }

  asio::awaitable<void> session(tcp::socket socket, std::string ip) {
    auto conn = std::make_shared<Conn>(std::move(socket), weak_from_this(), ip);
    conn->weak_self = conn;
    boost::system::error_code ec;
    conn->socket.non_blocking(true, ec);
    conn->socket.set_option(tcp::no_delay(true), ec);
    const std::int64_t opened = now_ms();
    conn->deadline = opened + config.login_timeout_s * 1000LL;
    conn->deadline_reason = "login_timeout";
    {
      std::lock_guard lock(mu);
      conns.insert(conn);
      ++per_ip[ip];
    }
    std::unique_ptr<StreamProtocol> protocol;
    try {
      protocol = factory(conn);
    } catch (const std::exception& e) {
      spdlog::error("event=stream_protocol_failed error=\"{}\"", e.what());
    }
    bool greeted = false;            // a first whole message arrived
    std::int64_t partial_since = 0;  // when the unfinished message began (0: none)
    std::optional<asio::steady_timer> pause;
    while (protocol && conn->socket.is_open() && !stopping.load()) {
      if (protocol->paused()) {
        if (!pause) pause.emplace(conn->strand);
        conn->deadline = now_ms() + config.idle_timeout_s * 1000LL;  // waiting for us is not idling
        pause->expires_after(std::chrono::milliseconds(50));
        co_await pause->async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      co_await conn->socket.async_wait(tcp::socket::wait_read, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      auto& buffer = read_buffer();
      const std::size_t n = conn->socket.read_some(asio::buffer(buffer), ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again) continue;
      if (ec) {
        if (conn->reason.empty()) conn->reason = ec == asio::error::eof ? "peer_closed" : "read_failed";
        break;
      }
      ReadOutcome r;
      try {
        r = protocol->on_read(std::string_view(buffer.data(), n));
      } catch (const std::exception& e) {
        spdlog::error("event=stream_protocol_failed peer={} error=\"{}\"", ip, e.what());
        r.close = true;
      }
      if (r.close) {
        conn->shut("dropped_by_protocol");
        break;
      }
      const std::int64_t now = now_ms();
      if (r.completed) greeted = true;
      if (!r.partial)
        partial_since = 0;
      else if (partial_since == 0 || r.completed)
        partial_since = now;
      std::int64_t deadline = now + config.idle_timeout_s * 1000LL;
      const char* why = "idle_timeout";
      if (!greeted && opened + config.login_timeout_s * 1000LL < deadline) {
        deadline = opened + config.login_timeout_s * 1000LL;
        why = "login_timeout";
      }
      if (partial_since != 0 && partial_since + config.frame_timeout_s * 1000LL < deadline) {
        deadline = partial_since + config.frame_timeout_s * 1000LL;
        why = "frame_timeout";
      }
      conn->deadline_reason = why;
      conn->deadline = deadline;
    }
    if (conn->reason.empty()) conn->reason = stopping.load() ? "server_stopped" : "closed";
    conn->shut(conn->reason.c_str());
    if (protocol) protocol->on_close(conn->reason);
    std::lock_guard lock(mu);
    conns.erase(conn);
    if (--per_ip[ip] <= 0) per_ip.erase(ip);
  }

  // Once a second: close connections whose deadline passed (on their own strand).
  asio::awaitable<void> sweep_loop() {
    for (;;) {
      sweeper.expires_after(std::chrono::seconds(1));
      boost::system::error_code ec;
      co_await sweeper.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (ec || stopping.load()) co_return;
      const auto now = now_ms();
      std::vector<std::shared_ptr<Conn>> late;
      {
        std::lock_guard lock(mu);
        for (const auto& c : conns)
          if (c->deadline.load() < now) late.push_back(c);
      }
      for (auto& c : late) {
        const char* why = c->deadline_reason.load();
        limit(why, c->ip);
        asio::post(c->strand, [c, why] { c->shut(why); });
      }
    }
  }

  const StreamServerConfig config;
  const Factory factory;
  const OnLimit on_limit;
  asio::io_context io;
  tcp::acceptor acceptor;
  asio::steady_timer sweeper;
  std::vector<std::thread> threads;
  std::atomic<bool> stopping{false};
  std::atomic<std::uint64_t> accepted_total{0};
  int bound_port = 0;

  mutable std::mutex mu;
  std::set<std::shared_ptr<Conn>> conns;  // guarded by mu
  std::map<std::string, int> per_ip;      // guarded by mu
};

StreamServer::StreamServer(StreamServerConfig config, Factory factory, OnLimit on_limit)
    : impl_(std::make_shared<Impl>(std::move(config), std::move(factory), std::move(on_limit))) {}

StreamServer::~StreamServer() {
  stop();
  wait();
}

void StreamServer::start() {
  auto& d = *impl_;
  listen_on(d.acceptor, d.config.host, d.config.port, d.config.setting);
  d.bound_port = d.acceptor.local_endpoint().port();
  asio::co_spawn(d.io, d.accept_loop(), asio::detached);
  asio::co_spawn(d.io, d.sweep_loop(), asio::detached);
  for (int i = 0; i < std::max(1, d.config.io_threads); ++i) d.threads.emplace_back([&d] { d.io.run(); });
}

int StreamServer::port() const { return impl_->bound_port; }

void StreamServer::stop() {
  auto& d = *impl_;
  if (d.stopping.exchange(true)) return;
  asio::post(d.io, [&d] {
    boost::system::error_code ec;
    d.acceptor.close(ec);
    d.sweeper.cancel();
  });
  std::vector<std::shared_ptr<Impl::Conn>> snapshot;
  {
    std::lock_guard lock(d.mu);
    snapshot.assign(d.conns.begin(), d.conns.end());
  }
  for (auto& c : snapshot) asio::post(c->strand, [c] { c->shut("server_stopped"); });
}

void StreamServer::wait() {
  auto& d = *impl_;
  for (auto& t : d.threads)
    if (t.joinable()) t.join();
  d.threads.clear();
}

int StreamServer::connections() const {
  std::lock_guard lock(impl_->mu);
  return static_cast<int>(impl_->conns.size());
}

std::uint64_t StreamServer::accepted() const { return impl_->accepted_total.load(); }

}  // namespace ecity::platform
