#include "platform/db/database.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iterator>
#include <mutex>

#include <pthread.h>

namespace ecity::platform {

namespace {

Dialect dialect_of(const std::string& url) {
  if (url.rfind("sqlite:", 0) == 0) return Dialect::kSqlite;
  if (url.rfind("postgresql:", 0) == 0) return Dialect::kPostgresql;
  throw Error::invalid("database-url", "数据库地址应以 sqlite: 或 postgresql: 开头",
                       "database.url must start with sqlite: or postgresql:");
}

// Each pooled SQLite connection, and every statement prepared on it, is used by one thread
// at a time (the pool leases it), so SQLite's serialized mode, which takes a mutex on every
// API call, buys nothing; nor do its memory statistics, a global mutex on every allocation.
// A statement inside a transaction keeps the pages it changes in a statement journal (so that
// it can fail alone); past 64 KiB SQLite spills that journal to a temporary file, and from then
// until the transaction ends every changed page costs two write system calls. A group commit
// of a few dozen registrations crossed that line (a fifth of intake's CPU went to those
// writes), so statement journals stay in memory up to 8 MiB.
// All must be set before SQLite initialises: if something opened a database first, the
// defaults stay, which is only slower.
void configure_sqlite_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sqlite_api::sqlite3_config(SQLITE_CONFIG_MULTITHREAD) != SQLITE_OK ||
        sqlite_api::sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK ||
        sqlite_api::sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, 8 << 20) != SQLITE_OK)
      spdlog::debug("SQLite was initialised before ecity configured it; keeping its defaults");
  });
}

}  // namespace

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Database::Database(const DatabaseConfig& config)
    : dialect_(dialect_of(config.url)),
      url_(config.url),
      size_(static_cast<std::size_t>(config.pool_size)),
      pool_(std::make_unique<soci::connection_pool>(size_)) {
  try {
    if (dialect_ == Dialect::kSqlite) {
      std::string path = config.url.substr(std::string("sqlite:").size());
      if (path.empty()) throw Error::invalid("database-url", "SQLite 数据库路径为空", "empty SQLite path");
      configure_sqlite_once();
      auto parent = std::filesystem::path(path).parent_path();
      if (!parent.empty()) std::filesystem::create_directories(parent);
      for (std::size_t i = 0; i < size_; ++i) {
        auto& sql = pool_->at(i);
        // SOCI's own "timeout" is in seconds; busy_timeout below is the precise one.
        sql.open(soci::sqlite3, "db=\"" + path + "\" shared_cache=false");
        sql << "PRAGMA busy_timeout = " << config.busy_timeout_ms;
        std::string mode;
        sql << "PRAGMA journal_mode = WAL", soci::into(mode);
        sql << "PRAGMA foreign_keys = ON";
        sql << "PRAGMA synchronous = " << config.sqlite_synchronous;
        sql << "PRAGMA cache_size = -" << config.sqlite_cache_mib * 1024;
      }
    } else {
      std::string conninfo = config.url.substr(std::string("postgresql:").size());
      for (std::size_t i = 0; i < size_; ++i) {
        auto& sql = pool_->at(i);
        sql.open(soci::postgresql, conninfo);
        sql << "SET TIME ZONE 'UTC'";
        sql << "SET client_min_messages = WARNING";
      }
    }
    caches_.resize(size_);
    for (std::size_t i = 0; i < size_; ++i) index_[&pool_->at(i)] = i;
  } catch (const soci::soci_error& e) {
    spdlog::error("event=db_open_failed dialect={} error=\"{}\"",
                  dialect_ == Dialect::kSqlite ? "sqlite" : "postgresql", e.what());
    throw Error::unavailable("无法连接数据库", std::string("cannot open the database: ") + e.what());
  }
}

Database::~Database() {
  {
    std::lock_guard lock(group_mu_);
    stopping_ = true;
    group_cv_.notify_one();
  }
  if (committer_.joinable()) committer_.join();
  // Cached statements must go before the sessions they were prepared on.
  caches_.clear();
}

void Database::finish(soci::statement& st) {
  if (dialect_ != Dialect::kSqlite) return;  // libpq results are complete in memory
  auto* be = static_cast<soci::sqlite3_statement_backend*>(st.get_backend());
  if (be != nullptr && be->stmt_ != nullptr) sqlite_api::sqlite3_reset(be->stmt_);
}

Database::Lease::Lease(Database& db) : db_(db) {
  // Waiting for a session is bounded: a stuck pool must surface as 503, not as a hang.
  if (!db_.pool_->try_lease(pos_, 10000)) {
    throw Error::unavailable("数据库繁忙，请稍后重试", "database pool exhausted, try again");
  }
  db_.in_use_.fetch_add(1);
}

Database::Lease::~Lease() {
  db_.in_use_.fetch_sub(1);
  db_.pool_->give_back(pos_);
}

void serialize_on(Tx& tx, const std::string& key) {
  if (tx.dialect != Dialect::kPostgresql) return;
  std::string k = key;
  tx.sql << "SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))", soci::use(k);
}

void Database::begin(soci::session& sql) {
  try {
    if (dialect_ == Dialect::kSqlite) {
      sql << "BEGIN IMMEDIATE";
    } else {
      sql << "BEGIN";
    }
  } catch (const soci::soci_error& e) {
    throw map_error(e);
  }
}

void Database::commit(Tx& tx) {
  try {
    tx.sql << "COMMIT";
  } catch (const soci::soci_error& e) {
    rollback(tx.sql);
    throw map_error(e);
  }
  for (auto& fn : tx.after_commit_) {
    try {
      fn();
    } catch (const std::exception& e) {
      spdlog::error("event=after_commit_failed error=\"{}\"", e.what());
    }
  }
}

void Database::Waiter::finish(std::exception_ptr e) {
  std::lock_guard lock(mu_);
  error_ = std::move(e);
  done_ = true;
  cv_.notify_one();  // under the lock: the waiter may return and destroy *this at once
}

void Database::Waiter::wait() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return done_; });
  if (error_) std::rethrow_exception(error_);
}

void Database::submit_grouped(std::function<void(Tx&)> run, std::function<void(std::exception_ptr)> done) {
  std::unique_lock lock(group_mu_);
  if (stopping_) {
    lock.unlock();
    done(std::make_exception_ptr(Error::unavailable("服务正在停止", "the database is closing")));
    return;
  }
  if (!committer_.joinable())
    committer_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "ecity-commit");  // for top -H and perf
      commit_loop();
    });
  group_queue_.push_back({std::move(run), std::move(done), nullptr});
  if (committer_idle_) {
    committer_idle_ = false;
    group_cv_.notify_one();
  }
}

void Database::commit_loop() {
  std::vector<GroupItem> batch;
  std::unique_lock lock(group_mu_);
  for (;;) {
    while (group_queue_.empty() && !stopping_) {
      committer_idle_ = true;
      group_cv_.wait(lock);
    }
    committer_idle_ = false;
    if (group_queue_.empty()) return;  // stopping, and everyone queued has been answered
    // One group: everyone queued so far (FIFO, bounded), in one transaction.
    const auto n = std::min(group_queue_.size(), kMaxGroup);
    std::move(group_queue_.begin(), group_queue_.begin() + static_cast<std::ptrdiff_t>(n), std::back_inserter(batch));
    group_queue_.erase(group_queue_.begin(), group_queue_.begin() + static_cast<std::ptrdiff_t>(n));
    lock.unlock();
    run_group(batch);
    for (auto& item : batch) {
      try {
        item.done(item.error);
      } catch (const std::exception& e) {
        spdlog::error("event=group_done_failed error=\"{}\"", e.what());
      } catch (...) {
        spdlog::error("event=group_done_failed error=unknown");
      }
    }
    batch.clear();
    lock.lock();
  }
}

void Database::run_group(std::vector<GroupItem>& batch) {
  // Optimistic first: callers rarely fail, so the group runs without savepoints (two
  // statements per caller saved). If one throws, the whole transaction is rolled back and the
  // group runs again with a savepoint per caller, so that only the failing one loses its work.
  std::exception_ptr shared;
  try {
    Lease lease(*this);
    Tx tx(lease.session(), dialect_, *this);
    bool clean = true;
    if (batch.size() > 1) {
      begin(tx.sql);
      for (auto& item : batch) {
        try {
          item.run(tx);
        } catch (...) {
          clean = false;
          break;
        }
      }
      if (clean) {
        commit(tx);
        return;
      }
      rollback(tx.sql);
      tx.after_commit_.clear();
    }
    run_isolated(tx, batch);
  } catch (...) {
    shared = std::current_exception();
  }
  if (shared)
    for (auto& item : batch)
      if (!item.error) item.error = shared;
}

void Database::run_isolated(Tx& tx, std::vector<GroupItem>& batch) {
  begin(tx.sql);
  const bool alone = batch.size() == 1;
  for (auto& item : batch) {
    const auto hooks = tx.after_commit_.size();
    try {
      if (!alone) tx.sql << "SAVEPOINT ecity_group";
      item.run(tx);
      if (!alone) tx.sql << "RELEASE SAVEPOINT ecity_group";
    } catch (...) {
      item.error = std::current_exception();
      try {
        std::rethrow_exception(item.error);
      } catch (const soci::soci_error& e) {
        item.error = std::make_exception_ptr(map_error(e));
      } catch (...) {
      }
      tx.after_commit_.resize(hooks);
      if (alone) {
        rollback(tx.sql);
        return;
      }
      try {
        tx.sql << "ROLLBACK TO SAVEPOINT ecity_group";
        tx.sql << "RELEASE SAVEPOINT ecity_group";
      } catch (const soci::soci_error& e) {
        // The transaction is unusable: nothing of this group may commit.
        rollback(tx.sql);
        throw map_error(e);
      }
    }
  }
  commit(tx);
}

void Database::rollback(soci::session& sql) noexcept {
  try {
    sql << "ROLLBACK";
  } catch (const std::exception& e) {
    // SQLite may have rolled back already (e.g. after SQLITE_FULL); nothing more to do.
    spdlog::debug("event=rollback_failed error=\"{}\"", e.what());
  }
}

bool Database::is_unique_violation(const std::exception& e) {
  std::string_view m = e.what();
  return m.find("UNIQUE constraint failed") != std::string_view::npos ||
         m.find("duplicate key value") != std::string_view::npos || m.find("23505") != std::string_view::npos;
}

Error Database::map_error(const soci::soci_error& e) {
  if (is_unique_violation(e)) {
    return Error::conflict("duplicate", "数据重复：已存在相同编码或名称的记录",
                           "a record with the same unique key already exists");
  }
  errors_.fetch_add(1);
  spdlog::error("event=db_error error=\"{}\"", e.what());
  if (std::string_view(e.what()).find("database is locked") != std::string_view::npos) {
    return Error::unavailable("数据库繁忙，请稍后重试", "database busy, try again");
  }
  return Error::internal();
}

void Database::exec_script(soci::session& sql, const std::string& script) {
  if (dialect_ == Dialect::kSqlite) {
    auto* be = static_cast<soci::sqlite3_session_backend*>(sql.get_backend());
    char* err = nullptr;
    int rc = sqlite_api::sqlite3_exec(be->conn_, script.c_str(), nullptr, nullptr, &err);
    if (rc != 0) {
      std::string msg = err != nullptr ? err : "unknown error";
      sqlite_api::sqlite3_free(err);
      throw soci::soci_error("script failed: " + msg);
    }
  } else {
    auto* be = static_cast<soci::postgresql_session_backend*>(sql.get_backend());
    PGresult* res = PQexec(be->conn_, script.c_str());
    auto status = PQresultStatus(res);
    std::string msg = PQresultErrorMessage(res);
    PQclear(res);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      throw soci::soci_error("script failed: " + msg);
    }
  }
}

}  // namespace ecity::platform
