// The integration harness: the real ecity runtime and HTTP server, in-process, on a free
// loopback port, over SQLite (a temp file) or PostgreSQL (the throwaway cluster that
// scripts/pg-test-cluster.sh started), chosen by ECITY_TEST_BACKEND. The demo district is
// loaded once; tests talk HTTP to it like any client would.
#pragma once

#include "platform/runtime.h"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>

namespace ecity::test {

inline constexpr const char* kAdminPassword = "Ecity@2026demo";

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// In `extra`: not a header but the loopback address (127.0.0.x) to connect from, so that a
// test of per-address rate limits has an address of its own.
inline constexpr const char* kSourceAddress = "@source";

// One HTTP/1.1 request on a fresh connection. `extra` headers are added verbatim.
HttpResult http(const std::string& method, const std::string& target, const std::string& body = "",
                const std::map<std::string, std::string>& extra = {});
// The same, to another server on 127.0.0.1:`port` (e.g. a child `ecity serve`).
HttpResult http_to(int port, const std::string& method, const std::string& target, const std::string& body = "",
                   const std::map<std::string, std::string>& extra = {});
// Sends raw bytes and returns whatever the server answers before closing (for limits).
std::string raw(const std::string& bytes);

platform::Runtime& runtime();
int port();
bool is_postgresql();

// Logs in and returns the bearer token; fails the test on error.
std::string login(const std::string& username, const std::string& password = kAdminPassword);
std::map<std::string, std::string> bearer(const std::string& token);

// `ecity ARGS` (ECITY_BIN) against this test run's database and calendar, stderr merged into
// the output. REQUIRES: ECITY_BIN is set.
struct CliResult {
  std::string out;
  int status = -1;
};
CliResult run_ecity(const std::string& args);

// The items of a list answer (an array, or an object's "items").
nlohmann::json items_of(const HttpResult& r);
// The id of the entry of GET `target` (as admin) whose `key` equals `value`; fails the test if none.
std::int64_t id_where(const std::string& target, const std::string& key, const std::string& value);
std::int64_t role_id(const std::string& code);
std::int64_t department(const std::string& code);
std::int64_t region(const std::string& code);
// A user with one role, created once per run (later calls find it); returns a fresh token.
std::string user(const std::string& username, const std::string& role, std::optional<std::int64_t> dept,
                 std::optional<std::int64_t> reg);

}  // namespace ecity::test
