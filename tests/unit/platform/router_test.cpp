#include "platform/http/router.h"

#include "platform/audit/export.h"
#include "platform/config/config.h"
#include "platform/error.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace ecity::platform {
namespace {

Principal reader() {
  Principal p;
  p.user_id = 7;
  p.permissions = {"thing:read"};
  return p;
}

Router sample() {
  Router r;
  r.add({"GET", "/api/things/{id}", "thing:read", true, "t", "one",
         [](const Request& req, const Principal* who) {
           return Response::json(200, {{"id", req.params.at("id")}, {"who", who->user_id}});
         }});
  r.add({"PUT", "/api/things/{id}", "thing:write", true, "t", "update",
         [](const Request&, const Principal*) { return Response::no_content(); }});
  r.add({"GET", "/api/open", "", false, "t", "public",
         [](const Request&, const Principal* who) { return Response::json(200, {{"anon", who == nullptr}}); }});
  r.add({"GET", "/api/boom", "", false, "t", "bug",
         [](const Request&, const Principal*) -> Response { throw std::runtime_error("secret internals"); }});
  return r;
}

Response call(const Router& r, const std::string& method, const std::string& path, bool signed_in = true) {
  Request req;
  req.method = method;
  req.path = path;
  std::string pattern;
  return r.dispatch(req, [&](const Request&) {
    if (!signed_in) throw Error::unauthorized();
    return reader();
  }, pattern);
}

TEST(Router, BindsPathParametersAndChecksPermission) {
  auto r = sample();
  auto ok = call(r, "GET", "/api/things/12");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(nlohmann::json::parse(ok.body)["id"], "12");
  EXPECT_EQ(call(r, "PUT", "/api/things/12").status, 403);
  EXPECT_EQ(call(r, "GET", "/api/things/12", false).status, 401);
  EXPECT_EQ(call(r, "GET", "/api/open", false).status, 200);
}

TEST(Router, UnknownPathsMethodsAndEmptySegments) {
  auto r = sample();
  EXPECT_EQ(call(r, "GET", "/api/things/").status, 404);
  EXPECT_EQ(call(r, "GET", "/api/things/1/more").status, 404);
  auto m = call(r, "DELETE", "/api/things/1");
  EXPECT_EQ(m.status, 405);
  EXPECT_EQ(m.content_type.rfind("application/problem+json", 0), 0u);
}

TEST(Router, ALiteralSegmentBeatsAParameterWhateverTheOrder) {
  Router r;
  auto named = [](const char* name) {
    return [name](const Request&, const Principal*) { return Response::json(200, {{"route", name}}); };
  };
  r.add({"GET", "/api/things/{id}", "", false, "t", "one", named("param")});
  r.add({"GET", "/api/things/settings", "", false, "t", "settings", named("literal")});
  r.add({"GET", "/api/things/{id}.{format}", "", false, "t", "formatted", named("formatted")});
  EXPECT_EQ(nlohmann::json::parse(call(r, "GET", "/api/things/settings").body)["route"], "literal");
  EXPECT_EQ(nlohmann::json::parse(call(r, "GET", "/api/things/12").body)["route"], "param");
  // "{id}" takes the whole segment, dot included: the formatted pattern never matches it.
  EXPECT_EQ(nlohmann::json::parse(call(r, "GET", "/api/things/12.json").body)["route"], "param");
}

TEST(Router, TooManyRequestsCarriesRetryAfter) {
  Router r;
  r.add({"GET", "/api/busy", "", false, "t", "busy",
         [](const Request&, const Principal*) -> Response { throw Error::too_many_requests(42); }});
  auto res = call(r, "GET", "/api/busy", false);
  EXPECT_EQ(res.status, 429);
  bool found = false;
  for (const auto& [k, v] : res.headers) found = found || (k == "Retry-After" && v == "42");
  EXPECT_TRUE(found);
  EXPECT_EQ(nlohmann::json::parse(res.body)["retry_after"], 42);
}

TEST(Router, UnexpectedExceptionsBecomeGeneric500) {
  auto r = sample();
  auto res = call(r, "GET", "/api/boom");
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(res.body.find("secret"), std::string::npos);
}

TEST(Csv, BomQuotingAndFormulaInjection) {
  Table t{{"名称", "值"}, {{"a,b", "=1+1"}, {"say \"hi\"", "@SUM(A1)"}, {"峄城", "-3"}}};
  auto csv = to_csv(t);
  EXPECT_EQ(csv, "\xEF\xBB\xBF名称,值\r\n\"a,b\",'=1+1\r\n\"say \"\"hi\"\"\",'@SUM(A1)\r\n峄城,'-3\r\n");
}

TEST(Xlsx, WritesAZipWorkbook) {
  Table t{{"名称"}, {{"峄城区"}}};
  auto x = to_xlsx(t, "sheet");
  EXPECT_EQ(x.rfind("PK", 0), 0u);
  EXPECT_GT(x.size(), 1000u);
}

TEST(Config, DefaultsFileAndEnvironment) {
  auto dir = std::filesystem::temp_directory_path() / "ecity-config-test";
  std::filesystem::create_directories(dir);
  auto file = dir / "ecity.toml";
  std::ofstream(file) << "[server]\nport = 9001\n[database]\nurl = \"sqlite:/tmp/x.db\"\n";
  ::setenv("ECITY_SERVER_WORKERS", "3", 1);
  auto c = Config::load(file.string(), true);
  EXPECT_EQ(c.server.port, 9001);
  EXPECT_EQ(c.server.workers, 3);
  EXPECT_EQ(c.database.url, "sqlite:/tmp/x.db");
  EXPECT_EQ(c.auth.lockout_threshold, 5);
  ::setenv("ECITY_SERVER_WORKERS", "three", 1);
  EXPECT_THROW(Config::load(file.string(), true), Error);
  ::unsetenv("ECITY_SERVER_WORKERS");
  std::ofstream(file) << "[server]\nprot = 9001\n";
  EXPECT_THROW(Config::load(file.string(), true), Error);  // a typo is an error, not a default
  std::ofstream(file) << "[server]\nport = \"9001\"\n";
  EXPECT_THROW(Config::load(file.string(), true), Error);
  std::ofstream(file) << "[server\n";
  EXPECT_THROW(Config::load(file.string(), true), Error);
  EXPECT_THROW(Config::load((dir / "missing.toml").string(), true), Error);
  EXPECT_NO_THROW(Config::load((dir / "missing.toml").string(), false));
  std::filesystem::remove_all(dir);
}

TEST(Router, WaitingRoutesAreKnownWithoutRunningThem) {
  Router r;
  int ran = 0;
  auto h = [&ran](const Request&, const Principal*) {
    ++ran;
    return Response::no_content();
  };
  r.add({"POST", "/api/appeals", "", true, "t", "s", h, /*waits=*/true});
  r.add({"GET", "/api/appeals/{id}", "", true, "t", "s", h});
  EXPECT_TRUE(r.waits("POST", "/api/appeals"));
  EXPECT_FALSE(r.waits("GET", "/api/appeals"));
  EXPECT_FALSE(r.waits("GET", "/api/appeals/7"));
  EXPECT_FALSE(r.waits("POST", "/api/appeals/7"));
  EXPECT_FALSE(r.waits("POST", "/nowhere"));
  EXPECT_EQ(ran, 0);
}

}  // namespace
}  // namespace ecity::platform
