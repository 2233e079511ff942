#include "platform/runtime.h"

#include "platform/calendar/store.h"
#include "platform/calendar/working_hours.h"
#include "platform/db/migrations.h"
#include "platform/db/row.h"
#include "platform/error.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <chrono>

namespace ecity::platform {

Runtime::Runtime(Config c)
    : config(std::move(c)),
      db(config.database),
      bus(db, std::chrono::days(config.events.retention_days)),
      auth(db, config.auth),
      users(db, auth, bus),
      org(db, bus),
      static_files(config.server.web_root),
      files(config.files.dir),
      national_(Calendar::load(config.calendar.file)) {
  calendar_ = std::make_shared<const Calendar>(national_);
  metrics.add_sampler("ecity_db_pool_size", "Database sessions in the pool.", "gauge",
                      [this] { return static_cast<double>(db.pool_size()); });
  metrics.add_sampler("ecity_db_pool_in_use", "Database sessions leased now.", "gauge",
                      [this] { return static_cast<double>(db.pool_in_use()); });
  metrics.add_sampler("ecity_db_errors_total", "Database errors (not counting uniqueness conflicts).", "counter",
                      [this] { return static_cast<double>(db.error_count()); });
  metrics.add_sampler("ecity_http_connections", "Open HTTP connections.", "gauge",
                      [this] { return static_cast<double>(open_connections()); });
  metrics.add_sampler("ecity_worker_in_flight", "Requests running on the worker pool.", "gauge",
                      [this] { return static_cast<double>(in_flight()); });
  metrics.add_sampler("ecity_worker_threads", "Worker pool threads.", "gauge",
                      [this] { return static_cast<double>(config.server.workers); });
  metrics.add_sampler("ecity_events_delivered_total", "Outbox events delivered to subscribers.", "counter",
                      [this] { return static_cast<double>(bus.delivered_count()); });
}

Runtime::~Runtime() {
  for (auto& m : modules_) m->stop();
  bus.stop();
}

void Runtime::add_module(std::unique_ptr<Module> m) { modules_.push_back(std::move(m)); }

void Runtime::prepare() {
  migrate(db);
  for (const auto& m : modules_) register_permissions(m->permissions());
  users.ensure_builtin_roles();
  for (const auto& m : modules_) users.apply_role_grants(m->grants_key(), m->role_grants());
  reload_calendar_adjustments();
  org.reload_locator();
  for (const auto& m : modules_) m->prepare(*this);
}

std::shared_ptr<const Calendar> Runtime::calendar() const {
  std::lock_guard lock(calendar_mu_);
  return calendar_;
}

void Runtime::reload_calendar_adjustments() {
  auto adj = db.read([](soci::session& sql) { return load_adjustments(sql); });
  auto fresh = std::make_shared<Calendar>(national_);
  fresh->set_adjustments(std::move(adj));
  std::lock_guard lock(calendar_mu_);
  calendar_ = std::move(fresh);
}

bool Runtime::ready() {
  try {
    int one = 0;
    db.read([&](soci::session& sql) { sql << "SELECT 1", soci::into(one); });
    return one == 1;
  } catch (const std::exception& e) {
    spdlog::warn("event=readiness_failed error=\"{}\"", e.what());
    return false;
  }
}

void Runtime::serve_modules() {
  for (auto& m : modules_) m->serve(*this);
}

void Runtime::register_routes() {
  add_system_routes(*this);
  add_auth_routes(*this);
  add_org_routes(*this);
  add_audit_routes(*this);
  add_calendar_routes(*this);
  for (const auto& m : modules_) m->register_routes(*this);
}

namespace {

// The bearer token of `req`, or empty.
std::string_view bearer_of(const Request& req) {
  auto h = req.header("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (h.size() <= kBearer.size() || h.substr(0, kBearer.size()) != kBearer) return {};
  return h.substr(kBearer.size());
}

}  // namespace

HttpServer::RunOn Runtime::run_on(const Request& req) {
  if (router.is_async(req.method, req.path)) {
    const auto token = bearer_of(req);
    if (token.empty() || auth.answers_from_memory(std::string(token))) return HttpServer::RunOn::kIoThread;
  }
  return router.waits(req.method, req.path) ? HttpServer::RunOn::kWaitingWorkers : HttpServer::RunOn::kWorkers;
}

void Runtime::handle(Request& req, const Reply& reply) {
  const auto start = std::chrono::steady_clock::now();
  // Adds what every answer carries and records it, on the thread that builds the response.
  auto finish = [this, start, &req](Response resp, const std::string& pattern) {
    if (req.path.rfind("/api/", 0) == 0) resp.headers.emplace_back("Cache-Control", "no-store");
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    metrics.observe(pattern, req.method, resp.status, seconds);
    return resp;
  };
  const bool api = req.path.rfind("/api/", 0) == 0 || req.path == "/api" || router.knows(req.path);
  if (!api) {
    std::optional<Response> file;
    try {
      file = static_files.serve(req);
    } catch (const std::exception& e) {
      spdlog::error("event=static_failed error=\"{}\"", e.what());
    }
    if (file) {
      reply([resp = finish(std::move(*file), "static")]() mutable { return std::move(resp); });
      return;
    }
  }
  auto pattern = std::make_shared<std::string>();
  router.dispatch(
      req,
      [this](const Request& r) {
        const auto token = bearer_of(r);
        if (token.empty()) throw Error::unauthorized();
        return auth.authenticate(std::string(token));
      },
      *pattern,
      [reply, finish, pattern](std::function<Response()> make) {
        reply([finish, pattern, make = std::move(make)] { return finish(make(), *pattern); });
      });
}

Actor actor_of(const Request& req, const Principal* who) {
  Actor a;
  a.client_ip = req.client_ip;
  if (who != nullptr) {
    a.user_id = who->user_id;
    a.username = who->username;
  }
  return a;
}

std::optional<std::int64_t> int_query(const Request& req, const std::string& key) {
  auto v = req.q(key);
  if (!v || v->empty()) return std::nullopt;
  std::int64_t x = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), x);
  if (ec != std::errc() || p != v->data() + v->size())
    throw Error::invalid("validation", "参数 " + key + " 应为整数", "query parameter " + key + " must be an integer")
        .on_field(key, "应为整数");
  return x;
}

std::optional<bool> bool_query(const Request& req, const std::string& key) {
  auto v = req.q(key);
  if (!v || v->empty()) return std::nullopt;
  if (*v == "true" || *v == "1") return true;
  if (*v == "false" || *v == "0") return false;
  throw Error::invalid("validation", "参数 " + key + " 应为 true 或 false", "query parameter " + key + " must be true or false")
      .on_field(key, "应为 true 或 false");
}

std::optional<double> real_query(const Request& req, const std::string& key, double min, double max) {
  auto v = req.q(key);
  if (!v || v->empty()) return std::nullopt;
  char* end = nullptr;
  const double x = std::strtod(v->c_str(), &end);
  if (end != v->c_str() + v->size() || !std::isfinite(x) || x < min || x > max)
    throw Error::invalid("validation", fmt::format("参数 {} 应为 {} 到 {} 之间的数", key, min, max),
                         fmt::format("query parameter {} must be a number from {} to {}", key, min, max))
        .on_field(key, "数值无效");
  return x;
}

std::pair<int, int> paging_of(const Request& req) {
  auto page = int_query(req, "page").value_or(1);
  auto size = int_query(req, "size").value_or(20);
  if (page < 1 || page > 1000000 || size < 1 || size > 200)
    throw Error::invalid("validation", "分页参数超出范围（page ≥ 1，1 ≤ size ≤ 200）",
                         "paging out of range (page >= 1, 1 <= size <= 200)");
  return {static_cast<int>(page), static_cast<int>(size)};
}

}  // namespace ecity::platform
