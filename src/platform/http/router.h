// The router: a declarative table of routes (method, path pattern with {params}, required
// permission, handler). The table is data: the server dispatches from it, /api/openapi.json
// is generated from it, and a test checks the two agree.
//
// Thread-safety: add() before serving; afterwards dispatch() is safe from any thread.
#pragma once

#include "platform/auth/principal.h"
#include "platform/error.h"
#include "platform/http/message.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ecity::platform {

using Handler = std::function<Response(const Request&, const Principal*)>;
// A handler that answers later through `reply` (e.g. when its group commit is done) instead
// of blocking a thread meanwhile. It may throw before it hands its work on (the router answers
// with problem+json); after that, what the response builder throws becomes problem+json. The
// principal is shared so that the answer may still read it.
using AsyncHandler = std::function<void(const Request&, std::shared_ptr<const Principal>, Reply reply)>;
// Resolves the caller from the request (bearer token). Throws Error (unauthorized).
using Authenticator = std::function<std::shared_ptr<const Principal>(const Request&)>;

struct Route {
  std::string method;        // "GET", "POST", "PUT", "DELETE"
  std::string pattern;       // "/api/users/{id}"
  std::string permission;    // required permission; empty: any signed-in user
  bool authenticated = true; // false: public (login, health)
  std::string tag;           // OpenAPI tag, e.g. "auth"
  std::string summary;       // one line, English
  Handler handler{};
  // The handler spends most of its time waiting (on a group commit), not computing: the
  // server runs it on its larger pool of waiting workers, so that many can wait together
  // while the CPU-bound pool stays small (see ServerConfig::wait_workers).
  bool waits = false;
  // Largest body this route takes, if above the server's body_limit (file uploads); 0: the
  // server's limit.
  std::int64_t body_limit = 0;
  // Set instead of `handler` for a route that answers asynchronously (authenticated only).
  AsyncHandler async{};
};

class Router {
 public:
  void add(Route route);
  const std::vector<Route>& routes() const { return routes_; }

  // Finds the route for `req` (binding path params into req.params), checks authentication
  // and permission, and runs the handler. Every failure, including an unexpected exception,
  // becomes a problem+json response; this function does not throw.
  // `matched_pattern` receives the route pattern (for metrics) or "unmatched".
  Response dispatch(Request& req, const Authenticator& auth, std::string& matched_pattern) const;
  // The same for any route, synchronous or not: answers through `reply`, exactly once, before
  // returning or later (Route::async). `matched_pattern` is set before `reply` is called.
  // `req` must outlive the reply.
  void dispatch(Request& req, const Authenticator& auth, std::string& matched_pattern, const Reply& reply) const;

  // True if some route's pattern matches `path` (any method).
  bool knows(const std::string& path) const;
  // True if the route matching `method` and `path` waits (Route::waits). Cheap enough for an
  // I/O thread: no handler runs.
  bool waits(const std::string& method, const std::string& path) const;
  // True if the route matching `method` and `path` answers asynchronously (Route::async).
  bool is_async(std::string_view method, std::string_view path) const;
  // The body limit of the route matching `method` and `path` (Route::body_limit), or 0.
  std::int64_t body_limit(std::string_view method, std::string_view path) const;

 private:
  static bool match(const std::string& pattern, const std::string& path,
                    std::map<std::string, std::string>* params);
  // The route for `req` (path params bound), or throws Error (not found); a method the path
  // does not take answers 405 through `early`.
  const Route* find(Request& req, std::optional<Response>& early) const;
  std::vector<Route> routes_;
};

// Renders `e` as RFC 7807 problem+json in the caller's language.
Response problem_response(const Error& e, const Request& req);

}  // namespace ecity::platform
