#include "platform/http/server.h"

#include "platform/error.h"
#include "platform/net/listen.h"

#include <spdlog/spdlog.h>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <set>
#include <thread>

namespace ecity::platform {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

// A live connection, as seen by stop(): closed at once when idle between requests.
struct Conn {
  asio::any_io_executor executor;       // the connection's strand
  beast::tcp_stream* stream = nullptr;  // valid while `alive` (touched only on the strand)
  bool alive = true;
  bool idle = true;
};

Request to_request(http::request<http::string_body>& in, const std::string& client_ip) {
  Request r;
  r.method = std::string(in.method_string());
  r.target = std::string(in.target());
  std::string_view target = in.target();
  auto qpos = target.find('?');
  auto raw_path = target.substr(0, qpos);
  auto decoded = percent_decode(raw_path, false);
  if (!decoded || !valid_utf8(*decoded))
    throw Error::invalid("malformed-path", "请求路径编码错误", "malformed request path");
  r.path = std::move(*decoded);
  if (qpos != std::string_view::npos) r.query = parse_query(target.substr(qpos + 1));
  for (const auto& f : in) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers.emplace_back(std::move(name), std::string(f.value()));
  }
  r.body = std::move(in.body());
  r.client_ip = client_ip;
  return r;
}

http::response<http::string_body> to_beast(Response&& resp, unsigned version, bool keep_alive, bool head) {
  http::response<http::string_body> out{static_cast<http::status>(resp.status), version};
  out.set(http::field::server, "ecity");
  if (!resp.content_type.empty()) out.set(http::field::content_type, resp.content_type);
  for (auto& [k, v] : resp.headers) out.insert(k, v);
  out.keep_alive(keep_alive);
  if (head) {
    out.content_length(resp.body.size());
  } else {
    out.body() = std::move(resp.body);
    out.prepare_payload();
  }
  return out;
}

Response simple_problem(int status, const char* slug, const char* title, const char* zh) {
  nlohmann::json body = {
      {"type", std::string("urn:ecity:problem:") + slug}, {"title", title}, {"status", status}, {"detail", zh}};
  Response r = Response::json(status, body);
  r.content_type = "application/problem+json; charset=utf-8";
  return r;
}

}  // namespace

struct HttpServer::Impl {
  Impl(const ServerConfig& c, AsyncHandle h, Placement w, BodyLimit b)
      : config(c),
        handle(std::move(h)),
        placement(std::move(w)),
        body_limit(std::move(b)),
        workers(static_cast<std::size_t>(c.workers)),
        waiters(static_cast<std::size_t>(c.wait_workers)),
        acceptor(io) {}

  const ServerConfig config;
  const AsyncHandle handle;
  const Placement placement;
  const BodyLimit body_limit;
  asio::io_context io;
  asio::thread_pool workers;
  asio::thread_pool waiters;
  tcp::acceptor acceptor;
  std::optional<asio::signal_set> signals;
  std::vector<std::thread> threads;
  std::thread stopper;  // waits for connections to drain, then stops the io_context
  std::atomic<bool> draining{false};
  std::atomic<int> in_flight{0};
  int bound_port = 0;

  mutable std::mutex mu;
  std::condition_variable cv;
  std::set<std::shared_ptr<Conn>> conns;  // guarded by mu
  bool stopped = false;                   // guarded by mu

  asio::awaitable<void> accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket =
          co_await acceptor.async_accept(asio::make_strand(io), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
        spdlog::warn("event=accept_failed error=\"{}\"", ec.message());
        continue;
      }
      auto ex = socket.get_executor();
      asio::co_spawn(ex, session(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> session(tcp::socket socket) {
    auto conn = std::make_shared<Conn>();
    conn->executor = socket.get_executor();
    boost::system::error_code ec;
    std::string client_ip;
    {
      auto ep = socket.remote_endpoint(ec);
      if (!ec) client_ip = ep.address().to_string();
    }
    beast::tcp_stream stream(std::move(socket));
    conn->stream = &stream;
    {
      std::lock_guard lock(mu);
      conns.insert(conn);
    }
    beast::flat_buffer buffer;
    try {
      while (!draining.load()) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(config.header_limit));
        // The limit is decided once the header names the route (below); until then a
        // Content-Length must not fail the header read.
        parser.body_limit(std::numeric_limits<std::uint64_t>::max());
        // Idle keep-alive connections wait idle_timeout for the next request; once bytes
        // have arrived, the whole request must arrive within read_timeout.
        conn->idle = buffer.size() == 0;
        stream.expires_after(std::chrono::seconds(conn->idle ? config.idle_timeout_s : config.read_timeout_s));
        co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
        conn->idle = false;
        if (!ec && !parser.is_done()) {
          std::int64_t limit = config.body_limit;
          if (body_limit) {
            const auto& h = parser.get();
            const auto target = std::string_view(h.target());
            limit = std::max(limit, body_limit(std::string_view(h.method_string()), target.substr(0, target.find('?'))));
          }
          parser.body_limit(static_cast<std::uint64_t>(limit));
          if (parser.content_length() && *parser.content_length() > static_cast<std::uint64_t>(limit))
            ec = http::error::body_limit;
        }
        if (!ec && !parser.is_done()) {
          stream.expires_after(std::chrono::seconds(config.read_timeout_s));
          co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
        }
        if (ec) {
          std::optional<Response> reject;
          if (ec == http::error::header_limit)
            reject = simple_problem(431, "headers-too-large", "Request header fields too large", "请求头过大");
          else if (ec == http::error::body_limit)
            reject = simple_problem(413, "body-too-large", "Payload too large", "请求体过大");
          else if (ec != http::error::end_of_stream && ec != beast::error::timeout &&
                   ec != asio::error::operation_aborted && ec != asio::error::connection_reset &&
                   ec != asio::error::eof && buffer.size() > 0)
            reject = simple_problem(400, "bad-request", "Bad request", "请求格式错误");
          if (reject) {
            auto out = to_beast(std::move(*reject), 11, false, false);
            stream.expires_after(std::chrono::seconds(config.read_timeout_s));
            co_await http::async_write(stream, out, asio::redirect_error(asio::use_awaitable, ec));
          }
          break;
        }
        auto& breq = parser.get();
        bool keep_alive = breq.keep_alive();
        bool head = breq.method() == http::verb::head;
        unsigned version = breq.version();
        Response resp;
        if (breq.target() == "/healthz" && (breq.method() == http::verb::get || head)) {
          resp = Response::json(200, {{"status", "ok"}});
        } else {
          Request req;
          bool parsed = true;
          try {
            req = to_request(breq, client_ip);
          } catch (const Error& e) {
            resp = simple_problem(400, "malformed-path", "Invalid request", "请求地址编码错误");
            parsed = false;
          }
          if (parsed) {
            in_flight.fetch_add(1);
            const auto where = placement ? placement(req) : RunOn::kWorkers;
            resp = co_await asio::async_initiate<decltype(asio::use_awaitable), void(Response)>(
                [this, &req, where](auto done) {
                  // The handler runs where it was placed; its reply, from whichever thread
                  // finishes the work, builds the response back on this connection's strand.
                  auto shared = std::make_shared<decltype(done)>(std::move(done));
                  auto run = [this, &req, shared] {
                    handle(req, [shared](std::function<Response()> make) {
                      auto ex = asio::get_associated_executor(*shared);
                      asio::post(ex, [shared, make = std::move(make)] { (*shared)(make()); });
                    });
                  };
                  if (where == RunOn::kIoThread)
                    run();
                  else
                    asio::post(where == RunOn::kWaitingWorkers ? waiters : workers, std::move(run));
                },
                asio::use_awaitable);
            in_flight.fetch_sub(1);
          }
        }
        keep_alive = keep_alive && !draining.load();
        auto out = to_beast(std::move(resp), version, keep_alive, head);
        stream.expires_after(std::chrono::seconds(config.read_timeout_s));
        co_await http::async_write(stream, out, asio::redirect_error(asio::use_awaitable, ec));
        if (ec || !keep_alive) break;
      }
    } catch (const std::exception& e) {
      spdlog::warn("event=session_failed error=\"{}\"", e.what());
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream.close();
    conn->alive = false;
    conn->stream = nullptr;
    std::lock_guard lock(mu);
    conns.erase(conn);
    cv.notify_all();
  }
};

HttpServer::HttpServer(const ServerConfig& config, AsyncHandle handle, Placement placement, BodyLimit body_limit)
    : impl_(std::make_unique<Impl>(config, std::move(handle), std::move(placement), std::move(body_limit))) {}

HttpServer::HttpServer(const ServerConfig& config, Handle handle, Placement placement, BodyLimit body_limit)
    : HttpServer(config, AsyncHandle([handle = std::move(handle)](Request& req, const Reply& reply) {
                   reply([resp = handle(req)]() mutable { return std::move(resp); });
                 }),
                 std::move(placement), std::move(body_limit)) {}

HttpServer::~HttpServer() {
  stop();
  wait();
}

void HttpServer::start() {
  auto& d = *impl_;
  listen_on(d.acceptor, d.config.host, d.config.port, "server.host");
  d.bound_port = d.acceptor.local_endpoint().port();
  asio::co_spawn(d.io, d.accept_loop(), asio::detached);
  for (int i = 0; i < d.config.io_threads; ++i) d.threads.emplace_back([&d] { d.io.run(); });
}

int HttpServer::port() const { return impl_->bound_port; }

void HttpServer::stop_on_signals() {
  auto& d = *impl_;
  d.signals.emplace(d.io, SIGTERM, SIGINT);
  d.signals->async_wait([this](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    spdlog::info("event=signal signal={} action=graceful_stop", sig);
    stop();
  });
}

void HttpServer::stop() {
  auto& d = *impl_;
  if (d.draining.exchange(true)) return;
  asio::post(d.io, [&d] {
    boost::system::error_code ec;
    d.acceptor.close(ec);
    if (d.signals) d.signals->cancel(ec);
  });
  std::vector<std::shared_ptr<Conn>> snapshot;
  {
    std::lock_guard lock(d.mu);
    snapshot.assign(d.conns.begin(), d.conns.end());
  }
  for (auto& c : snapshot) {
    asio::post(c->executor, [c] {
      if (c->alive && c->idle && c->stream != nullptr) c->stream->cancel();
    });
  }
  d.stopper = std::thread([&d] {
    std::unique_lock lock(d.mu);
    d.cv.wait_for(lock, std::chrono::seconds(d.config.shutdown_grace_s), [&d] { return d.conns.empty(); });
    if (!d.conns.empty()) spdlog::warn("event=shutdown_forced open_connections={}", d.conns.size());
    lock.unlock();
    d.io.stop();
  });
}

void HttpServer::wait() {
  auto& d = *impl_;
  for (auto& t : d.threads)
    if (t.joinable()) t.join();
  d.threads.clear();
  if (d.stopper.joinable()) d.stopper.join();
  d.workers.join();
  d.waiters.join();
}

int HttpServer::connections() const {
  std::lock_guard lock(impl_->mu);
  return static_cast<int>(impl_->conns.size());
}

int HttpServer::in_flight() const { return impl_->in_flight.load(); }

}  // namespace ecity::platform
