// Database: a pool of SOCI sessions on SQLite (embedded default) or PostgreSQL (scale-out),
// and the one way to run a transaction.
//
// Thread-safety: all methods are safe to call from any number of worker threads; a session
// lent to a callback belongs to that callback alone until it returns. Never call from an I/O
// thread: leasing blocks while the pool is exhausted.
#pragma once

#include "platform/config/config.h"
#include "platform/error.h"

#include <soci/soci.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <variant>
#include <vector>

namespace ecity::platform {

enum class Dialect { kSqlite, kPostgresql };

class Database;

// A statement prepared once per pooled session and run again with new values (see
// Database::cached). It owns the variables its statement is bound to.
class CachedQuery {
 public:
  virtual ~CachedQuery() = default;
};

// A transaction in progress. Services pass it to stores, to the audit log and to the event
// outbox, so that the write, its audit rows and its events commit or roll back together.
class Tx {
 public:
  Tx(soci::session& sql, Dialect dialect, Database& db) : sql(sql), dialect(dialect), db(db) {}
  soci::session& sql;
  const Dialect dialect;
  Database& db;  // for statements cached on this session (Database::cached)
  // Runs after a successful commit (e.g. wake the event dispatcher, refresh a cache).
  void after_commit(std::function<void()> fn) { after_commit_.push_back(std::move(fn)); }

 private:
  friend class Database;
  std::vector<std::function<void()>> after_commit_;
};

// Makes concurrent transactions that touch the thing named `key` (e.g. "eco_figure:gdp/…")
// take turns until they end: one that reads and then writes it sees the other's committed write.
// PostgreSQL: a transaction-scoped advisory lock on the key's hash; SQLite: nothing to do, its
// write transactions (BEGIN IMMEDIATE) already take turns.
void serialize_on(Tx& tx, const std::string& key);

class Database {
 public:
  // Opens `config.pool_size` sessions. Throws ecity::Error (unavailable) if the database
  // cannot be opened, (invalid) if the URL is malformed. SQLite gets WAL, foreign keys,
  // busy_timeout and the configured synchronous mode on every session.
  explicit Database(const DatabaseConfig& config);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Dialect dialect() const { return dialect_; }
  const std::string& url() const { return url_; }

  // Runs `fn` with a leased session outside any explicit transaction (reads).
  template <typename F>
  auto read(F&& fn) {
    Lease lease(*this);
    return run_mapped([&] { return fn(lease.session()); });
  }

  // Runs `fn` in one transaction (SQLite: BEGIN IMMEDIATE, so writers queue on the busy
  // timeout instead of failing at upgrade). Commits when `fn` returns, rolls back when it
  // throws and rethrows. after_commit hooks run after the commit, outside the transaction.
  template <typename F>
  auto write(F&& fn) {
    Lease lease(*this);
    Tx tx(lease.session(), dialect_, *this);
    begin(tx.sql);
    if constexpr (std::is_void_v<decltype(fn(tx))>) {
      run_mapped_tx(tx, [&] { fn(tx); });
      commit(tx);
    } else {
      auto result = run_mapped_tx(tx, [&] { return fn(tx); });
      commit(tx);
      return result;
    }
  }

  // Like write(), but concurrent callers share one transaction and one commit (group
  // commit), run by the database's commit thread. A caller that throws is rolled back alone
  // and gets its own error, while the others commit together: the group then runs again with
  // a savepoint per caller, so `fn` may run twice and must have no effect outside `tx` (use
  // tx.after_commit for those). With synchronous=FULL one fsync then serves every request
  // that arrived while the previous commit was on disk. For small, independent, high-rate
  // writes (appeal intake). after_commit hooks of a rolled-back caller are dropped. If the
  // shared COMMIT itself fails, every caller of that group gets the error. Blocks the calling
  // thread until its group has committed; see submit_grouped() for the form that does not.
  template <typename F>
  auto write_grouped(F&& fn) {
    using R = decltype(fn(std::declval<Tx&>()));
    std::optional<R_or_void<R>> out;
    Waiter w;
    submit_grouped(
        [&](Tx& tx) {
          if constexpr (std::is_void_v<R>) {
            fn(tx);
            out.emplace();
          } else {
            out.emplace(fn(tx));
          }
        },
        [&w](std::exception_ptr e) { w.finish(std::move(e)); });
    w.wait();
    if constexpr (!std::is_void_v<R>) return std::move(*out);
  }

  // The asynchronous form of write_grouped(): queues `run` for the next group and returns at
  // once. On the commit thread, `run(tx)` runs inside the group's transaction (possibly twice,
  // as above), then `done` runs once: with nullptr after the group committed (after its
  // after_commit hooks), or with this caller's error. `done` must be quick and must not throw
  // (hand the result to another thread: it delays the next group). Callers queued when the
  // database is destroyed are still run first.
  void submit_grouped(std::function<void(Tx&)> run, std::function<void(std::exception_ptr)> done);
  // Returns once everyone queued before the call has been answered (their `done` has run).
  // A server calls it after its last connection closed and before it goes away, so that no
  // `done` hands a result to a server that no longer exists.
  void flush_grouped() {
    write_grouped([](Tx&) {});
  }

  // The statement cached under `key` for this session, made by `make(sql)` on first use.
  // Hot reads use it to skip parsing and planning the same SQL on every call (SQLite spends
  // a third of a 50-row page there). At most kMaxCachedPerSession per session; the cache is
  // cleared when full. REQUIRES: `sql` is a session leased from this database, held by the
  // calling thread (so no lock is needed).
  template <typename T, typename Make>
  T& cached(soci::session& sql, const std::string& key, Make&& make) {
    auto& cache = caches_.at(index_.at(&sql));
    auto it = cache.find(key);
    if (it == cache.end()) {
      if (cache.size() >= kMaxCachedPerSession) cache.clear();
      it = cache.emplace(key, make(sql)).first;
    }
    return static_cast<T&>(*it->second);
  }
  // Ends a cached statement's run, so that an unfinished SQLite statement does not keep its
  // read snapshot (and block checkpoints, or show stale data) until its next use.
  void finish(soci::statement& st);

  // Executes a multi-statement SQL script natively (migrations). REQUIRES: trusted text.
  void exec_script(soci::session& sql, const std::string& script);

  // True if `e` reports a UNIQUE / primary-key violation on either backend.
  static bool is_unique_violation(const std::exception& e);

  // For /metrics.
  int pool_size() const { return static_cast<int>(size_); }
  int pool_in_use() const { return in_use_.load(); }
  std::uint64_t error_count() const { return errors_.load(); }
  void count_error() { errors_.fetch_add(1); }

 private:
  struct GroupItem {
    std::function<void(Tx&)> run;
    std::function<void(std::exception_ptr)> done;
    std::exception_ptr error;
  };
  // write_grouped()'s wait for its own group.
  class Waiter {
   public:
    void finish(std::exception_ptr e);
    void wait();  // rethrows the caller's error

   private:
    std::mutex mu_;
    std::condition_variable cv_;
    bool done_ = false;
    std::exception_ptr error_;
  };
  template <typename R>
  using R_or_void = std::conditional_t<std::is_void_v<R>, std::monostate, R>;
  void commit_loop();
  void run_group(std::vector<GroupItem>& batch);
  void run_isolated(Tx& tx, std::vector<GroupItem>& batch);

  class Lease {
   public:
    explicit Lease(Database& db);
    ~Lease();
    soci::session& session() { return db_.pool_->at(pos_); }

   private:
    Database& db_;
    std::size_t pos_ = 0;
  };

  template <typename F>
  auto run_mapped(F&& fn) {
    try {
      return fn();
    } catch (const soci::soci_error& e) {
      throw map_error(e);
    }
  }
  template <typename F>
  auto run_mapped_tx(Tx& tx, F&& fn) {
    try {
      return fn();
    } catch (const soci::soci_error& e) {
      rollback(tx.sql);
      throw map_error(e);
    } catch (...) {
      rollback(tx.sql);
      throw;
    }
  }
  void begin(soci::session& sql);
  void commit(Tx& tx);
  void rollback(soci::session& sql) noexcept;
  // Logs a database error, counts it and converts it to ecity::Error (internal, or
  // conflict for a uniqueness violation). Returned, not thrown, so callers `throw`.
  Error map_error(const soci::soci_error& e);

  static constexpr std::size_t kMaxCachedPerSession = 64;

  const Dialect dialect_;
  const std::string url_;
  const std::size_t size_;
  std::unique_ptr<soci::connection_pool> pool_;
  // Per pooled session: its cached statements. Fixed size after construction; an entry is
  // touched only by the thread holding that session.
  std::vector<std::unordered_map<std::string, std::unique_ptr<CachedQuery>>> caches_;
  std::unordered_map<const soci::session*, std::size_t> index_;
  std::atomic<int> in_use_{0};
  std::atomic<std::uint64_t> errors_{0};
  // Group commit: callers queue here; the commit thread (started with the first caller)
  // takes everyone queued, up to kMaxGroup, into one transaction, commits, answers them and
  // takes the next group. Queuing wakes it only when it sleeps on an empty queue, so under load
  // a request costs no thread switch of its own.
  static constexpr std::size_t kMaxGroup = 512;
  std::mutex group_mu_;
  std::condition_variable group_cv_;
  std::vector<GroupItem> group_queue_;  // guarded by group_mu_
  bool committer_idle_ = false;         // guarded by group_mu_
  bool stopping_ = false;               // guarded by group_mu_
  std::thread committer_;               // started under group_mu_
};

// Current time as UTC epoch milliseconds (the storage convention, see DESIGN.md).
std::int64_t now_ms();

}  // namespace ecity::platform
