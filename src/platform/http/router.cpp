#include "platform/http/router.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>
#include <stdexcept>

namespace ecity::platform {

void Router::add(Route route) {
  if (route.async && (!route.authenticated || route.handler))
    throw std::logic_error("an asynchronous route is authenticated and has no synchronous handler: " + route.pattern);
  routes_.push_back(std::move(route));
}

bool Router::match(const std::string& pattern, const std::string& path, std::map<std::string, std::string>* params) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < pattern.size() && j < path.size()) {
    if (pattern[i] == '{') {
      auto close = pattern.find('}', i);
      std::string name = pattern.substr(i + 1, close - i - 1);
      auto end = path.find('/', j);
      if (end == std::string::npos) end = path.size();
      if (end == j) return false;  // empty segment never binds
      if (params != nullptr) (*params)[name] = path.substr(j, end - j);
      i = close + 1;
      j = end;
    } else {
      if (pattern[i] != path[j]) return false;
      ++i;
      ++j;
    }
  }
  return i == pattern.size() && j == path.size();
}

bool Router::knows(const std::string& path) const {
  for (const auto& r : routes_)
    if (match(r.pattern, path, nullptr)) return true;
  return false;
}

Response problem_response(const Error& e, const Request& req) {
  bool en = req.prefers_english();
  nlohmann::json body = {
      {"type", "urn:ecity:problem:" + e.slug()},
      {"title", e.title()},
      {"status", e.status()},
      {"detail", en ? e.detail_en() : e.detail_zh()},
  };
  for (const auto& [k, v] : e.extra().items()) body[k] = v;
  Response r = Response::json(e.status(), body);
  r.content_type = "application/problem+json; charset=utf-8";
  r.headers.emplace_back("Content-Language", en ? "en" : "zh-CN");
  if (e.kind() == Error::Kind::kUnauthorized) r.headers.emplace_back("WWW-Authenticate", "Bearer");
  if (e.kind() == Error::Kind::kTooManyRequests && e.extra().contains("retry_after"))
    r.headers.emplace_back("Retry-After", e.extra()["retry_after"].dump());
  return r;
}

namespace {

// The exception being handled (call inside a catch block) as problem+json.
Response current_problem(const Request& req, const std::string& pattern) {
  try {
    throw;
  } catch (const Error& e) {
    return problem_response(e, req);
  } catch (const nlohmann::json::exception& e) {
    // A JSON type error surfaced from a handler that read a field with the wrong type.
    return problem_response(Error::invalid("wrong-type", "字段类型错误", std::string("wrong field type: ") + e.what()),
                            req);
  } catch (const std::exception& e) {
    spdlog::error("event=handler_failed route=\"{}\" error=\"{}\"", pattern, e.what());
  } catch (...) {
    spdlog::error("event=handler_failed route=\"{}\" error=unknown", pattern);
  }
  return problem_response(Error::internal(), req);
}

}  // namespace

const Route* Router::find(Request& req, std::optional<Response>& early) const {
  // Of the routes that match, the one with the fewest parameters wins, so that a literal
  // path ("/api/appeals/settings") is never taken for a parameter ("/api/appeals/{id}").
  const Route* found = nullptr;
  std::size_t found_params = 0;
  std::vector<std::string> allowed;
  for (const auto& r : routes_) {
    std::map<std::string, std::string> params;
    if (!match(r.pattern, req.path, &params)) continue;
    if (r.method != req.method) {
      allowed.push_back(r.method);
      continue;
    }
    if (found == nullptr || params.size() < found_params) {
      found = &r;
      found_params = params.size();
      req.params = std::move(params);
    }
  }
  if (found != nullptr) return found;
  if (allowed.empty()) throw Error::not_found("接口不存在", "no such API endpoint");
  Error e(Error::Kind::kMethodNotAllowed, "method-not-allowed", "Method not allowed",
          "此地址不支持 " + req.method + " 方法", "this resource does not support " + req.method);
  early = problem_response(e, req);
  std::string allow;
  for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
  early->headers.emplace_back("Allow", allow);
  return nullptr;
}

void Router::dispatch(Request& req, const Authenticator& auth, std::string& matched_pattern, const Reply& reply) const {
  matched_pattern = "unmatched";
  std::optional<Response> now;
  try {
    const Route* found = find(req, now);
    if (found != nullptr) {
      matched_pattern = found->pattern;
      if (!found->authenticated) {
        now = found->handler(req, nullptr);
      } else {
        auto who = auth(req);
        if (!found->permission.empty() && !who->can(found->permission)) throw Error::forbidden();
        if (found->async) {
          found->async(req, who, [&req, reply, pattern = found->pattern](std::function<Response()> make) {
            reply([&req, pattern, make = std::move(make)] {
              try {
                return make();
              } catch (...) {
                return current_problem(req, pattern);
              }
            });
          });
          return;
        }
        now = found->handler(req, who.get());
      }
    }
  } catch (...) {
    now = current_problem(req, matched_pattern);
  }
  reply([r = std::move(*now)]() mutable { return std::move(r); });
}

Response Router::dispatch(Request& req, const Authenticator& auth, std::string& matched_pattern) const {
  std::mutex mu;
  std::condition_variable cv;
  std::optional<Response> out;
  dispatch(req, auth, matched_pattern, [&](std::function<Response()> make) {
    auto r = make();
    std::lock_guard lock(mu);
    out = std::move(r);
    cv.notify_one();
  });
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return out.has_value(); });
  return std::move(*out);
}

bool Router::waits(const std::string& method, const std::string& path) const {
  for (const auto& r : routes_)
    if (r.waits && r.method == method && match(r.pattern, path, nullptr)) return true;
  return false;
}

bool Router::is_async(std::string_view method, std::string_view path) const {
  const std::string p(path);
  for (const auto& r : routes_)
    if (r.async && r.method == method && match(r.pattern, p, nullptr)) return true;
  return false;
}

std::int64_t Router::body_limit(std::string_view method, std::string_view path) const {
  const std::string p(path);
  for (const auto& r : routes_)
    if (r.body_limit > 0 && r.method == method && match(r.pattern, p, nullptr)) return r.body_limit;
  return 0;
}

}  // namespace ecity::platform
