// The reference for appeal intake throughput (issue 3): the rows one registration writes
// (the case, its numbering, its first timeline line, its operation-log entry and its outbox
// event), inserted with the sqlite3 C API directly, one transaction per appeal, on the same
// database file and settings as the server (WAL, synchronous=FULL), with every statement
// prepared once. What a straightforward server would do without group commit.
//
//   appeal_insert_baseline DB_FILE SECONDS CATEGORY_ID   → prints "baseline: N appeals/s"
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
    std::exit(1);
  }
}

sqlite3_stmt* prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* st = nullptr;
  check(sqlite3_prepare_v2(db, sql, -1, &st, nullptr), db, sql);
  return st;
}

void run(sqlite3* db, sqlite3_stmt* st) {
  check(sqlite3_step(st), db, "step");
  sqlite3_reset(st);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s DB_FILE SECONDS CATEGORY_ID\n", argv[0]);
    return 2;
  }
  sqlite3* db = nullptr;
  check(sqlite3_open(argv[1], &db), db, "open");
  check(sqlite3_exec(db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
                     "PRAGMA busy_timeout=5000",
                     nullptr, nullptr, nullptr),
        db, "pragmas");
  const double seconds = std::atof(argv[2]);
  const long long category = std::atoll(argv[3]);
  auto* begin = prepare(db, "BEGIN IMMEDIATE");
  auto* commit = prepare(db, "COMMIT");
  auto* number = prepare(db,
                         "INSERT INTO appeal_numbers (day, last) VALUES ('19990101', 1) "
                         "ON CONFLICT(day) DO UPDATE SET last = last + 1 RETURNING last");
  auto* appeal = prepare(db,
                         "INSERT INTO appeals (number, channel, type, category_id, urgency, caller_name, caller_phone, "
                         "anonymous, confidential, content, address, lng, lat, region_id, tags, state, created_at, "
                         "created_by, warning) VALUES (?, 'phone', 'help', ?, 'normal', '张先生', '13806321234', 0, 0, "
                         "?, '坛山街道青檀路 88 号附近', NULL, NULL, NULL, '', 'registered', ?, 1, 'green')");
  auto* timeline = prepare(db,
                           "INSERT INTO appeal_timeline (appeal_id, at, user_id, user_name, action, from_state, "
                           "to_state, note, data) VALUES (?, ?, 1, '系统管理员', 'register', 'registered', "
                           "'registered', '', '')");
  auto* audit = prepare(db,
                        "INSERT INTO audit_operations (at, user_id, username, client_ip, entity, entity_id, action, "
                        "before_json, after_json) VALUES (?, 1, 'admin', '127.0.0.1', 'appeal', ?, 'create', NULL, ?)");
  auto* outbox = prepare(db, "INSERT INTO outbox (at, topic, payload) VALUES (?, 'appeals.case.created', ?)");
  const std::string content = "峄城区坛山街道青檀路路灯连续三晚不亮，夜间出行不便，请尽快维修。";
  long long done = 0;
  const auto start = std::chrono::steady_clock::now();
  const auto until = start + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < until) {
    const long long now =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    run(db, begin);
    check(sqlite3_step(number), db, "number");
    const long long seq = sqlite3_column_int64(number, 0);
    sqlite3_reset(number);
    const std::string no = "BL19990101" + std::to_string(1000000 + seq).substr(1);
    sqlite3_bind_text(appeal, 1, no.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(appeal, 2, category);
    sqlite3_bind_text(appeal, 3, content.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(appeal, 4, now);
    run(db, appeal);
    const long long id = sqlite3_last_insert_rowid(db);
    sqlite3_bind_int64(timeline, 1, id);
    sqlite3_bind_int64(timeline, 2, now);
    run(db, timeline);
    const std::string ids = std::to_string(id);
    const std::string after = "{\"number\":\"" + no + "\",\"state\":\"registered\",\"version\":1}";
    sqlite3_bind_int64(audit, 1, now);
    sqlite3_bind_text(audit, 2, ids.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(audit, 3, after.c_str(), -1, SQLITE_TRANSIENT);
    run(db, audit);
    const std::string payload = "{\"id\":" + ids + ",\"number\":\"" + no + "\"}";
    sqlite3_bind_int64(outbox, 1, now);
    sqlite3_bind_text(outbox, 2, payload.c_str(), -1, SQLITE_TRANSIENT);
    run(db, outbox);
    run(db, commit);
    ++done;
  }
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("baseline: %.0f appeals/s (%lld in %.1f s, one transaction each, sqlite3 C API)\n", done / elapsed, done,
              elapsed);
  for (auto* st : {begin, commit, number, appeal, timeline, audit, outbox}) sqlite3_finalize(st);
  sqlite3_close(db);
  return 0;
}
