// Durability: a real `ecity serve` process is killed with SIGKILL in the middle of a stream
// of writes. Every write it acknowledged (201) must be in the database afterwards, with its
// operation-log row; nothing half-written may appear.
#include "harness.h"

#include "platform/db/row.h"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

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
  std::vector<std::string> env = {"ECITY_DATABASE_URL=" + runtime().db.url(), "ECITY_SERVER_PORT=0",
                                  "ECITY_LOG_LEVEL=error", "ECITY_AUTH_ARGON2_MEM_KIB=8192", "ECITY_AUTH_ARGON2_OPS=1",
                                  "ECITY_CALENDAR_FILE=" + runtime().config.calendar.file, "PATH=/usr/bin:/bin"};
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
      res = http_to(child.port, "POST", "/api/org/departments", nlohmann::json{{"code", code}, {"name", "断电测试"}}.dump(),
                    bearer(token));
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
      sql << "SELECT COUNT(*) FROM audit_operations WHERE entity = 'department' AND entity_id = :e AND action = 'create'",
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

}  // namespace
}  // namespace ecity::test
