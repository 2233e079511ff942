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
#include <string>
#include <vector>

namespace ecity::platform {

using Handler = std::function<Response(const Request&, const Principal*)>;
// Resolves the caller from the request (bearer token). Throws Error (unauthorized).
using Authenticator = std::function<Principal(const Request&)>;

struct Route {
  std::string method;        // "GET", "POST", "PUT", "DELETE"
  std::string pattern;       // "/api/users/{id}"
  std::string permission;    // required permission; empty: any signed-in user
  bool authenticated = true; // false: public (login, health)
  std::string tag;           // OpenAPI tag, e.g. "auth"
  std::string summary;       // one line, English
  Handler handler;
  // The handler spends most of its time waiting (on a group commit), not computing: the
  // server runs it on its larger pool of waiting workers, so that many can wait together
  // while the CPU-bound pool stays small (see ServerConfig::wait_workers).
  bool waits = false;
  // Largest body this route takes, if above the server's body_limit (file uploads); 0: the
  // server's limit.
  std::int64_t body_limit = 0;
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

  // True if some route's pattern matches `path` (any method).
  bool knows(const std::string& path) const;
  // True if the route matching `method` and `path` waits (Route::waits). Cheap enough for an
  // I/O thread: no handler runs.
  bool waits(const std::string& method, const std::string& path) const;
  // The body limit of the route matching `method` and `path` (Route::body_limit), or 0.
  std::int64_t body_limit(std::string_view method, std::string_view path) const;

 private:
  static bool match(const std::string& pattern, const std::string& path,
                    std::map<std::string, std::string>* params);
  std::vector<Route> routes_;
};

// Renders `e` as RFC 7807 problem+json in the caller's language.
Response problem_response(const Error& e, const Request& req);

}  // namespace ecity::platform
