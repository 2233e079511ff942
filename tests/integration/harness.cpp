#include "harness.h"

#include "app/demo.h"
#include "app/modules.h"
#include "platform/http/server.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <filesystem>
#include <fstream>
#include <memory>

namespace ecity::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using namespace ecity::platform;

namespace {

struct World {
  std::filesystem::path dir;
  std::unique_ptr<Runtime> rt;
  std::unique_ptr<HttpServer> server;
};
World* g_world = nullptr;

std::string source_dir() {
  const char* s = std::getenv("ECITY_SOURCE_DIR");
  return s ? s : ECITY_SOURCE_DIR;
}

class Environment : public ::testing::Environment {
 public:
  void SetUp() override {
    spdlog::set_level(spdlog::level::warn);
    g_world = new World;
    Config c;
    std::string backend = std::getenv("ECITY_TEST_BACKEND") ? std::getenv("ECITY_TEST_BACKEND") : "sqlite";
    g_world->dir = std::filesystem::temp_directory_path() / ("ecity-it-" + std::to_string(::getpid()));
    std::filesystem::create_directories(g_world->dir);
    if (backend == "postgresql") {
      const char* dir = std::getenv("ECITY_TEST_PG_DIR");
      ASSERT_NE(dir, nullptr) << "ECITY_TEST_PG_DIR not set";
      std::ifstream in(std::string(dir) + "/url");
      std::string url;
      std::getline(in, url);
      ASSERT_FALSE(url.empty()) << "no PostgreSQL test cluster (scripts/pg-test-cluster.sh start)";
      c.database.url = url;
      // A clean schema for this run.
      Database fresh(c.database);
      fresh.read([&](soci::session& sql) {
        fresh.exec_script(sql, "DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
      });
    } else {
      c.database.url = "sqlite:" + (g_world->dir / "it.db").string();
    }
    c.calendar.file = source_dir() + "/data/calendar/cn.json";
    c.server.port = 0;
    c.server.web_root = (g_world->dir / "web").string();
    std::filesystem::create_directories(g_world->dir / "web" / "assets");
    std::ofstream(g_world->dir / "web" / "index.html") << "<!doctype html><title>ecity</title>";
    std::ofstream(g_world->dir / "web" / "assets" / "app.js") << "console.log('ecity')";
    c.server.body_limit = 64 * 1024;
    c.files.dir = (g_world->dir / "files").string();
    c.files.max_bytes = 1 << 20;  // attachments over 1 MiB answer 413
    c.server.header_limit = 8 * 1024;
    c.auth.argon2_mem_kib = 8192;  // cheaper hashing keeps the suite fast; the cost is config
    c.auth.argon2_ops = 1;
    g_world->rt = std::make_unique<Runtime>(c);
    app::add_modules(*g_world->rt);
    g_world->rt->prepare();
    g_world->rt->register_routes();
    app::load_demo(*g_world->rt, source_dir() + "/data", std::string(kAdminPassword));
    g_world->rt->bus.start();
    c.server.wait_workers = 8;
    g_world->server = std::make_unique<HttpServer>(
        c.server, HttpServer::AsyncHandle([](Request& r, const Reply& reply) { g_world->rt->handle(r, reply); }),
        [](const Request& r) { return g_world->rt->run_on(r); },
        [](std::string_view method, std::string_view path) { return g_world->rt->router.body_limit(method, path); });
    g_world->server->start();
  }
  void TearDown() override {
    if (g_world == nullptr) return;
    if (g_world->server) {
      g_world->server->stop();
      g_world->server->wait();
      g_world->rt->db.flush_grouped();
    }
    g_world->server.reset();
    g_world->rt.reset();
    std::error_code ec;
    std::filesystem::remove_all(g_world->dir, ec);
    delete g_world;
    g_world = nullptr;
  }
};

[[maybe_unused]] auto* const g_env = ::testing::AddGlobalTestEnvironment(new Environment);

}  // namespace

Runtime& runtime() { return *g_world->rt; }
int port() { return g_world->server->port(); }
bool is_postgresql() { return runtime().db.dialect() == Dialect::kPostgresql; }

HttpResult http(const std::string& method, const std::string& target, const std::string& body,
                const std::map<std::string, std::string>& extra) {
  return http_to(port(), method, target, body, extra);
}

HttpResult http_to(int to_port, const std::string& method, const std::string& target, const std::string& body,
                   const std::map<std::string, std::string>& extra) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  if (auto src = extra.find(kSourceAddress); src != extra.end()) {
    stream.socket().open(asio::ip::tcp::v4());
    stream.socket().bind(asio::ip::tcp::endpoint(asio::ip::make_address(src->second), 0));
  }
  stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(to_port)));
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  for (const auto& [k, v] : extra)
    if (k != kSourceAddress) req.set(k, v);
  if (!body.empty() || method == "POST" || method == "PUT") {
    if (req.find(bhttp::field::content_type) == req.end()) req.set(bhttp::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
  }
  bhttp::write(stream, req);
  beast::flat_buffer buf;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(256 * 1024 * 1024);
  if (method == "HEAD") parser.skip(true);
  bhttp::read(stream, buf, parser);
  auto& res = parser.get();
  HttpResult out;
  out.status = res.result_int();
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out.headers[name] = std::string(f.value());
  }
  out.body = res.body();
  beast::error_code ec;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  return out;
}

std::string raw(const std::string& bytes) {
  asio::io_context io;
  asio::ip::tcp::socket s(io);
  s.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port())));
  boost::system::error_code ec;
  asio::write(s, asio::buffer(bytes), ec);
  std::string out;
  char buf[4096];
  for (;;) {
    auto n = s.read_some(asio::buffer(buf), ec);
    if (ec) break;
    out.append(buf, n);
  }
  return out;
}

std::string login(const std::string& username, const std::string& password) {
  auto r = http("POST", "/api/auth/login", nlohmann::json{{"username", username}, {"password", password}}.dump());
  EXPECT_EQ(r.status, 200) << r.body;
  auto j = r.json();
  return j.is_object() && j.contains("token") ? j["token"].get<std::string>() : "";
}

std::map<std::string, std::string> bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

nlohmann::json items_of(const HttpResult& r) {
  auto j = r.json();
  return j.is_array() ? j : j["items"];
}

std::int64_t id_where(const std::string& target, const std::string& key, const std::string& value) {
  static std::string admin = login("admin");
  for (const auto& x : items_of(http("GET", target, "", bearer(admin))))
    if (x.contains(key) && x[key] == value) return x["id"].get<std::int64_t>();
  ADD_FAILURE() << "nothing in " << target << " with " << key << " = " << value;
  return 0;
}

std::int64_t role_id(const std::string& code) { return id_where("/api/roles", "code", code); }
std::int64_t department(const std::string& code) { return id_where("/api/org/departments", "code", code); }
std::int64_t region(const std::string& code) { return id_where("/api/org/regions", "code", code); }

// A user with one role, created once per run; returns a fresh token.
std::string user(const std::string& username, const std::string& role, std::optional<std::int64_t> dept,
                 std::optional<std::int64_t> reg) {
  static std::string admin = login("admin");
  nlohmann::json body = {{"username", username},
                         {"name", username + "（测试）"},
                         {"password", "Appeal#2026x"},
                         {"role_ids", nlohmann::json::array({role_id(role)})}};
  if (dept) body["department_id"] = *dept;
  if (reg) body["region_id"] = *reg;
  auto r = http("POST", "/api/users", body.dump(), bearer(admin));
  EXPECT_TRUE(r.status == 201 || r.status == 409) << r.body;
  return login(username, "Appeal#2026x");
}

CliResult run_ecity(const std::string& args) {
  const std::string cmd = "ECITY_DATABASE_URL='" + runtime().db.url() + "' ECITY_CALENDAR_FILE='" +
                          runtime().config.calendar.file + "' ECITY_LOG_LEVEL=error '" + std::getenv("ECITY_BIN") +
                          "' " + args + " 2>&1";
  CliResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[512];
  std::size_t n = 0;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

}  // namespace ecity::test
