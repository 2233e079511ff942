// The HTTP server on its own (no database): graceful shutdown, keep-alive, timeouts.
#include "platform/http/server.h"

#include <boost/asio.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

namespace ecity::platform {
namespace {

namespace asio = boost::asio;

std::string exchange(int port, const std::string& bytes, bool read_all = true) {
  asio::io_context io;
  asio::ip::tcp::socket s(io);
  s.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  asio::write(s, asio::buffer(bytes));
  std::string out;
  char buf[4096];
  boost::system::error_code ec;
  do {
    auto n = s.read_some(asio::buffer(buf), ec);
    out.append(buf, n);
  } while (!ec && read_all);
  return out;
}

ServerConfig quick() {
  ServerConfig c;
  c.port = 0;
  c.workers = 2;
  c.idle_timeout_s = 1;
  c.read_timeout_s = 1;
  c.shutdown_grace_s = 5;
  return c;
}

TEST(Server, StopFinishesInFlightRequestsAndRefusesNewOnes) {
  HttpServer server(quick(), [](Request&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    return Response::json(200, {{"done", true}});
  });
  server.start();
  int port = server.port();
  auto slow = std::async(std::launch::async, [port] {
    return exchange(port, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  server.stop();
  auto answer = slow.get();
  EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer;
  EXPECT_NE(answer.find("Connection: close"), std::string::npos);
  EXPECT_NE(answer.find("{\"done\":true}"), std::string::npos);
  server.wait();
  asio::io_context io;
  asio::ip::tcp::socket s(io);
  boost::system::error_code ec;
  s.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)}, ec);
  EXPECT_TRUE(ec) << "a stopped server must refuse connections";
}

TEST(Server, KeepAliveServesSeveralRequestsOnOneConnection) {
  HttpServer server(quick(), [](Request& r) { return Response::json(200, {{"path", r.path}}); });
  server.start();
  auto out = exchange(server.port(),
                      "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(out.find("{\"path\":\"/a\"}"), std::string::npos);
  EXPECT_NE(out.find("{\"path\":\"/b\"}"), std::string::npos);
  server.stop();
  server.wait();
}

TEST(Server, IdleAndSlowClientsAreDisconnected) {
  HttpServer server(quick(), [](Request&) { return Response::json(200, {}); });
  server.start();
  auto start = std::chrono::steady_clock::now();
  // Half a request, then silence: closed after read_timeout without an answer.
  auto out = exchange(server.port(), "GET /x HTTP/1.1\r\nHo");
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(out, "");
  EXPECT_LT(waited, std::chrono::seconds(4));
  EXPECT_GE(waited, std::chrono::milliseconds(900));
  server.stop();
  server.wait();
}

TEST(Server, HealthzIsAnsweredWithoutTheWorkers) {
  std::promise<void> release;
  auto gate = release.get_future().share();
  auto config = quick();
  config.workers = 1;
  HttpServer server(config, [gate](Request&) {
    gate.wait();  // the only worker is busy until released
    return Response::json(200, {});
  });
  server.start();
  int port = server.port();
  auto blocked = std::async(std::launch::async, [port] { return exchange(port, "GET /busy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto health = exchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(health.rfind("HTTP/1.1 200", 0), 0u);
  release.set_value();
  EXPECT_EQ(blocked.get().rfind("HTTP/1.1 200", 0), 0u);
  server.stop();
  server.wait();
}

}  // namespace
}  // namespace ecity::platform
