#include "platform/http/router.h"

#include <spdlog/spdlog.h>

namespace ecity::platform {

void Router::add(Route route) { routes_.push_back(std::move(route)); }

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

Response Router::dispatch(Request& req, const Authenticator& auth, std::string& matched_pattern) const {
  matched_pattern = "unmatched";
  try {
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
    if (found == nullptr) {
      if (!allowed.empty()) {
        Error e(Error::Kind::kMethodNotAllowed, "method-not-allowed", "Method not allowed",
                "此地址不支持 " + req.method + " 方法", "this resource does not support " + req.method);
        Response r = problem_response(e, req);
        std::string allow;
        for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
        r.headers.emplace_back("Allow", allow);
        return r;
      }
      throw Error::not_found("接口不存在", "no such API endpoint");
    }
    matched_pattern = found->pattern;
    if (!found->authenticated) return found->handler(req, nullptr);
    Principal who = auth(req);
    if (!found->permission.empty() && !who.can(found->permission)) throw Error::forbidden();
    return found->handler(req, &who);
  } catch (const Error& e) {
    return problem_response(e, req);
  } catch (const nlohmann::json::exception& e) {
    // A JSON type error surfaced from a handler that read a field with the wrong type.
    return problem_response(Error::invalid("wrong-type", "字段类型错误", std::string("wrong field type: ") + e.what()),
                            req);
  } catch (const std::exception& e) {
    spdlog::error("event=handler_failed route=\"{}\" error=\"{}\"", matched_pattern, e.what());
    return problem_response(Error::internal(), req);
  }
}

bool Router::waits(const std::string& method, const std::string& path) const {
  for (const auto& r : routes_)
    if (r.waits && r.method == method && match(r.pattern, path, nullptr)) return true;
  return false;
}

std::int64_t Router::body_limit(std::string_view method, std::string_view path) const {
  const std::string p(path);
  for (const auto& r : routes_)
    if (r.body_limit > 0 && r.method == method && match(r.pattern, p, nullptr)) return r.body_limit;
  return 0;
}

}  // namespace ecity::platform
