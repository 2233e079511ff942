// Durability: a real `ecity serve` process is killed with SIGKILL in the middle of a stream
// of writes. Every write it acknowledged (201) must be in the database afterwards, with its
// operation-log row; nothing half-written may appear.
#include "harness.h"

#include "platform/db/row.h"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace ecity::test {
namespace {

struct Child {
  pid_t pid = -1;
  int port = 0;
};

// Starts `ecity serve` on a free port over the harness's database and reads the port from
// its first line of output ("ecity serving http://127.0.0.1:PORT/").
Child start_server() {
  const char* bin = std::getenv("ECITY_BIN");
  Child c;
  if (bin == nullptr) return c;
  // Everything the child needs is prepared before fork(): between fork and exec a child of
  // a multi-threaded process may only call async-signal-safe functions.
  std::vector<std::string> env = {"ECITY_DATABASE_URL=" + runtime().db.url(),
                                  "ECITY_SERVER_PORT=0",
                                  "ECITY_LOG_LEVEL=error",
                                  "ECITY_AUTH_ARGON2_MEM_KIB=8192",
                                  "ECITY_AUTH_ARGON2_OPS=1",
                                  "ECITY_CALENDAR_FILE=" + runtime().config.calendar.file,
                                  "PATH=/usr/bin:/bin"};
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string serve = "serve";
  std::string path = bin;
  char* argv[] = {path.data(), serve.data(), nullptr};
  int fds[2];
  if (pipe(fds) != 0) return c;
  c.pid = fork();
  if (c.pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    execve(path.c_str(), argv, envp.data());
    _exit(127);
  }
  close(fds[1]);
  FILE* out = fdopen(fds[0], "r");
  char line[256] = {0};
  if (fgets(line, sizeof line, out) != nullptr) {
    std::string s(line);
    auto colon = s.rfind(':');
    if (colon != std::string::npos) c.port = std::atoi(s.c_str() + colon + 1);
  }
  fclose(out);
  return c;
}

TEST(Durability, AcknowledgedWritesSurviveSigkill) {
  if (std::getenv("ECITY_BIN") == nullptr) GTEST_SKIP() << "ECITY_BIN not set (ctest sets it)";
  auto child = start_server();
  ASSERT_GT(child.pid, 0);
  ASSERT_GT(child.port, 0);
  auto r = http_to(child.port, "POST", "/api/auth/login", R"({"username":"admin","password":"Ecity@2026demo"})");
  ASSERT_EQ(r.status, 200) << r.body;
  std::string token = r.json()["token"];
  std::vector<std::string> acknowledged;
  std::thread killer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    kill(child.pid, SIGKILL);
  });
  for (int i = 0; i < 100000; ++i) {
    std::string code = "CRASH-" + std::to_string(i);
    HttpResult res;
    try {
      res = http_to(child.port, "POST", "/api/org/departments",
                    nlohmann::json{{"code", code}, {"name", "断电测试"}}.dump(), bearer(token));
    } catch (const std::exception&) {
      break;  // the server is gone
    }
    if (res.status == 201) acknowledged.push_back(code);
  }
  killer.join();
  int status = 0;
  waitpid(child.pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status));
  ASSERT_GT(acknowledged.size(), 5u) << "the server was killed before it acknowledged anything";
  runtime().db.read([&](soci::session& sql) {
    for (const auto& code : acknowledged) {
      long long id = 0;
      soci::indicator ind = soci::i_null;
      sql << "SELECT id FROM departments WHERE code = :c", soci::use(code), soci::into(id, ind);
      ASSERT_EQ(ind, soci::i_ok) << code << " was acknowledged but is lost";
      std::string eid = std::to_string(id);
      int audits = 0;
      sql << "SELECT COUNT(*) FROM audit_operations WHERE entity = 'department' AND entity_id = :e AND action = "
             "'create'",
          soci::use(eid), soci::into(audits);
      EXPECT_EQ(audits, 1) << code;
    }
    // Nothing half-written: every crash department has its audit row, acknowledged or not.
    int orphans = 0;
    sql << "SELECT COUNT(*) FROM departments d WHERE d.code LIKE 'CRASH-%' AND NOT EXISTS (SELECT 1 FROM "
           "audit_operations a WHERE a.entity = 'department' AND a.entity_id = CAST(d.id AS TEXT))",
        soci::into(orphans);
    EXPECT_EQ(orphans, 0);
  });
}

// 50 clients register appeals and walk them on (dispatch, sign, reply) while the server is
// killed: every acknowledged action is on its case's timeline and in the operation log, and no
// case is half-advanced (its state, timeline and log agree).
TEST(Durability, AppealActionsSurviveSigkillUnderFiftyClients) {
  if (std::getenv("ECITY_BIN") == nullptr) GTEST_SKIP() << "ECITY_BIN not set (ctest sets it)";
  auto child = start_server();
  ASSERT_GT(child.pid, 0);
  // Whatever fails below, the server does not outlive the test.
  std::unique_ptr<Child, void (*)(Child*)> reaper(&child, [](Child* c) {
    if (kill(c->pid, SIGKILL) == 0) waitpid(c->pid, nullptr, 0);
  });
  ASSERT_GT(child.port, 0);
  auto r = http_to(child.port, "POST", "/api/auth/login", R"({"username":"admin","password":"Ecity@2026demo"})");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string token = r.json()["token"];
  const auto me = http_to(child.port, "GET", "/api/auth/me", "", bearer(token)).json();
  ASSERT_TRUE(me["user"]["department_id"].is_number_integer()) << me.dump();
  const auto dept = me["user"]["department_id"].get<std::int64_t>();  // admin handles its own unit's cases
  std::int64_t category = 0;
  const auto cats = http_to(child.port, "GET", "/api/appeals/categories", "", bearer(token)).json();
  for (const auto& c : cats["items"])
    if (c["name"] == "路灯不亮") category = c["id"].get<std::int64_t>();
  ASSERT_GT(category, 0);
  const std::string body = nlohmann::json{{"channel", "phone"},
                                          {"type", "help"},
                                          {"category_id", category},
                                          {"caller_name", "断电测试"},
                                          {"caller_phone", "13900009999"},
                                          {"content", "断电测试诉求：路灯不亮，请维修。"}}
                               .dump();
  std::mutex mu;
  std::vector<std::pair<std::int64_t, std::string>> acknowledged;  // (appeal, action)
  std::atomic<bool> gone{false};
  auto client = [&] {
    while (!gone) {
      try {
        auto c = http_to(child.port, "POST", "/api/appeals", body, bearer(token));
        if (c.status != 201) continue;
        const auto id = c.json()["id"].get<std::int64_t>();
        {
          std::lock_guard lock(mu);
          acknowledged.emplace_back(id, "register");
        }
        const std::pair<const char*, std::string> steps[] = {
            {"dispatch", nlohmann::json{{"lead_department_id", dept}}.dump()},
            {"sign", "{}"},
            {"reply", R"({"text":"已修复。","result":"solved"})"}};
        for (const auto& [action, payload] : steps) {
          auto a = http_to(child.port, "POST", "/api/appeals/" + std::to_string(id) + "/actions/" + action, payload,
                           bearer(token));
          if (a.status != 200) break;
          std::lock_guard lock(mu);
          acknowledged.emplace_back(id, action);
        }
      } catch (const std::exception&) {
        gone = true;  // the server is gone
      }
    }
  };
  std::vector<std::thread> clients;
  for (int i = 0; i < 50; ++i) clients.emplace_back(client);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  kill(child.pid, SIGKILL);
  gone = true;
  for (auto& t : clients) t.join();
  int status = 0;
  waitpid(child.pid, &status, 0);
  reaper.release();
  EXPECT_TRUE(WIFSIGNALED(status));
  ASSERT_GT(acknowledged.size(), 50u) << "the server was killed before it acknowledged much";
  runtime().db.read([&](soci::session& sql) {
    for (const auto& [id, action] : acknowledged) {
      long long aid = id;
      std::string act = action;
      int n = 0;
      sql << "SELECT COUNT(*) FROM appeal_timeline WHERE appeal_id = :a AND action = :x", soci::use(aid),
          soci::use(act), soci::into(n);
      ASSERT_EQ(n, 1) << "appeal " << id << ": acknowledged " << action << " is lost";
    }
    // Every crash-test case: state, timeline length and operation-log entries agree.
    soci::rowset<soci::row> rows = sql.prepare
                                   << "SELECT a.id, a.state, (SELECT COUNT(*) FROM appeal_timeline t WHERE "
                                      "t.appeal_id = a.id), (SELECT COUNT(*) FROM audit_operations o WHERE "
                                      "o.entity = 'appeal' AND o.entity_id = CAST(a.id AS TEXT)) FROM appeals a "
                                      "WHERE a.caller_name = '断电测试'";
    const std::map<std::string, long long> lines{{"registered", 1}, {"dispatched", 2}, {"handling", 3}, {"replied", 4}};
    int cases = 0;
    for (const auto& row : rows) {
      ++cases;
      const auto state = platform::get_str(row, 1);
      ASSERT_TRUE(lines.count(state)) << state;
      EXPECT_EQ(platform::get_i64(row, 2), lines.at(state)) << "appeal " << platform::get_i64(row, 0);
      EXPECT_EQ(platform::get_i64(row, 3), lines.at(state)) << "appeal " << platform::get_i64(row, 0);
    }
    EXPECT_GT(cases, 0);
  });
}

}  // namespace
}  // namespace ecity::test
