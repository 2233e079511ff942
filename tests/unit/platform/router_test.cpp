#include "platform/http/router.h"

#include "platform/audit/export.h"
#include "platform/config/config.h"
#include "platform/error.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace ecity::platform {
namespace {

Principal reader() {
  Principal p;
  p.user_id = 7;
  p.username = "reader";
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
    return std::make_shared<const Principal>(reader());
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

TEST(Router, AsynchronousRoutesAnswerLaterFromAnotherThread) {
  Router r;
  std::vector<std::thread> finishers;
  Route later{"POST", "/api/later/{id}", "thing:read", true, "t", "answers from another thread"};
  later.async = [&finishers](const Request& req, std::shared_ptr<const Principal> who, Reply reply) {
    const auto id = req.params.at("id");
    if (id == "early") throw Error::invalid("validation", "早失败", "fails before handing on");
    finishers.emplace_back([id, who, reply] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      reply([id, who]() -> Response {
        if (id == "late") throw Error::conflict("busy", "晚失败", "fails when building the answer");
        if (id == "crash") throw std::runtime_error("secret internals");
        return Response::json(201, {{"id", id}, {"by", who->username}});
      });
    });
  };
  r.add(later);
  auto auth = [](const Request&) { return std::make_shared<const Principal>(reader()); };
  auto run = [&](const std::string& path, const Authenticator& a) {
    Request req;
    req.method = "POST";
    req.path = path;
    std::string pattern;
    auto res = r.dispatch(req, a, pattern);
    EXPECT_EQ(pattern, "/api/later/{id}");
    return res;
  };
  auto ok = run("/api/later/7", auth);
  EXPECT_EQ(ok.status, 201);
  EXPECT_EQ(nlohmann::json::parse(ok.body)["by"], "reader");
  EXPECT_EQ(run("/api/later/early", auth).status, 400);
  auto late = run("/api/later/late", auth);
  EXPECT_EQ(late.status, 409);
  EXPECT_EQ(late.content_type.rfind("application/problem+json", 0), 0u);
  auto crash = run("/api/later/crash", auth);
  EXPECT_EQ(crash.status, 500);
  EXPECT_EQ(crash.body.find("secret"), std::string::npos);
  const auto before = finishers.size();
  auto writer = [](const Request&) {
    auto p = reader();
    p.permissions.clear();
    return std::make_shared<const Principal>(p);
  };
  EXPECT_EQ(run("/api/later/8", writer).status, 403);
  EXPECT_EQ(run("/api/later/9", [](const Request&) -> std::shared_ptr<const Principal> { throw Error::unauthorized(); })
                .status,
            401);
  EXPECT_EQ(finishers.size(), before);  // denied callers never reach the handler
  for (auto& t : finishers) t.join();
}

TEST(Router, AnAsynchronousRouteMustBeAuthenticatedAndHaveNoSynchronousHandler) {
  Router r;
  Route open{"POST", "/api/x", "", false, "t", "s"};
  open.async = [](const Request&, std::shared_ptr<const Principal>, Reply) {};
  EXPECT_THROW(r.add(open), std::logic_error);
  Route both{
      "POST", "/api/y", "", true, "t", "s", [](const Request&, const Principal*) { return Response::no_content(); }};
  both.async = open.async;
  EXPECT_THROW(r.add(both), std::logic_error);
  EXPECT_TRUE(r.routes().empty());
}

}  // namespace
}  // namespace ecity::platform
