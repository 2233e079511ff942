// HTTP request and response as plain values, free of Beast types, so that routes and their
// tests never include Asio. The server (server.cpp) converts at the edge.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ecity::platform {

struct Request {
  std::string method;                                        // upper case: "GET", "POST", …
  std::string target;                                        // as received: path and query
  std::string path;                                          // percent-decoded path, without the query
  std::map<std::string, std::string> query;                  // decoded; the last of repeated keys wins
  std::map<std::string, std::string> params;                 // path parameters bound by the router
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string client_ip;

  // First header named `name` (lower case), or empty.
  std::string_view header(std::string_view name) const;
  // True if Accept-Language prefers English over Chinese (default: Chinese).
  bool prefers_english() const;
  // Parses the body as a JSON object. Throws Error (invalid "malformed-json" or
  // "invalid-utf8") with a clear message; never returns a non-object.
  nlohmann::json json_object() const;
  // Query parameter or nullopt.
  std::optional<std::string> q(const std::string& key) const;
  // Path parameter as a positive integer id. Throws Error (not_found) otherwise, so that a
  // malformed id answers like an absent one.
  std::int64_t id_param(const std::string& key = "id") const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Response json(int status, const nlohmann::json& body);
  // A body already serialised (e.g. by JsonWriter).
  static Response json_text(int status, std::string body) {
    return Response{status, "application/json; charset=utf-8", std::move(body), {}};
  }
  static Response no_content() { return Response{204, "", "", {}}; }
  // A stored file for download: its type, Content-Disposition naming it (RFC 6266, with the
  // UTF-8 name per RFC 5987), nosniff, and its SHA-256 as the ETag.
  static Response file(std::string content_type, std::string bytes, const std::string& name, const std::string& sha256);
};

// How a handler that finishes later answers (Route::async, HttpServer::AsyncHandle): call it
// once, from any thread, with a function that builds the response; the server runs that
// function on the connection's I/O thread, so the thread that finished the work (a database
// commit thread) only hands the result over. `make` must not throw.
using Reply = std::function<void(std::function<Response()> make)>;

// `attachment; filename="…"; filename*=UTF-8''…`: an ASCII fallback and the UTF-8 name,
// percent-encoded (RFC 6266, RFC 5987).
std::string content_disposition(const std::string& name);

// Percent-decoding of a path or query component (`+` is a space only in queries).
// Returns nullopt on a malformed escape or a decoded NUL.
std::optional<std::string> percent_decode(std::string_view in, bool plus_is_space);
// Splits "a=1&b=%E4%B8%AD" into decoded pairs, in order, repeated keys kept (a query string
// or an application/x-www-form-urlencoded body). Throws Error (invalid) on a malformed escape
// or text that is not UTF-8.
std::vector<std::pair<std::string, std::string>> parse_form(std::string_view query);
// The same as a map: the last of repeated keys wins.
std::map<std::string, std::string> parse_query(std::string_view query);
// True if `s` is well-formed UTF-8 (no overlongs, no surrogates).
bool valid_utf8(std::string_view s);
// The length (1–4) of the well-formed UTF-8 sequence that starts `s`; 0 if it is malformed
// (overlong, surrogate, beyond U+10FFFF, truncated) or `s` is empty.
std::size_t utf8_sequence(std::string_view s);

}  // namespace ecity::platform
