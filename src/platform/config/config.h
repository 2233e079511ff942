// ecity's configuration: one TOML file (ecity.toml), every key defaulted here, every key
// overridable by an environment variable ECITY_<SECTION>_<KEY> (e.g. ECITY_SERVER_PORT).
// Precedence: defaults < file < environment. Unknown keys in the file are an error (a typo
// must not silently fall back to a default).
#pragma once

#include <cstdint>
#include <string>

namespace ecity::platform {

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;
  // I/O threads run Asio and never block; 1 is enough for thousands of connections on 2 cores.
  int io_threads = 1;
  // Worker threads run handlers (database, argon2id). More workers admit more concurrent
  // password hashes, each costing auth.argon2_mem_kib of memory.
  int workers = 4;
  // Workers for handlers that mostly wait on a shared commit (the citizens' and Open311 intake): many wait
  // together so that one fsync serves them all, without adding CPU-bound threads.
  int wait_workers = 48;
  std::string web_root = "web/dist";
  // Bodies above this answer 413; the console never sends more than a few KiB.
  std::int64_t body_limit = 1 << 20;
  // Request line + headers above this answer 431.
  std::int64_t header_limit = 16 << 10;
  int read_timeout_s = 30;   // a request must arrive completely within this
  int idle_timeout_s = 60;   // keep-alive connections idle longer are closed
  int shutdown_grace_s = 10; // SIGTERM: in-flight requests get this long to finish
};

struct DatabaseConfig {
  // "sqlite:PATH" or "postgresql:<libpq conninfo>" (e.g. "postgresql:host=127.0.0.1 dbname=ecity").
  std::string url = "sqlite:var/ecity.db";
  int pool_size = 8;
  // FULL survives power loss at the cost of one fsync per commit; NORMAL is faster in WAL
  // mode but can lose the last commits on power failure.
  std::string sqlite_synchronous = "FULL";
  int busy_timeout_ms = 5000;
  // SQLite page cache per pooled connection (MiB; pages are allocated as used). Bigger helps
  // long scans but costs every write transaction (a connection drops its cache when another
  // one wrote): 64 MiB made intake 10-15 % slower than 8. Bulk loads raise it for themselves.
  int sqlite_cache_mib = 8;
};

struct AuthConfig {
  int session_idle_minutes = 30;
  int session_absolute_hours = 12;
  int lockout_threshold = 5;  // failed logins in a row before the account locks
  int lockout_minutes = 15;
  // argon2id cost. Raising either slows every login and (memory) limits concurrent logins.
  int argon2_ops = 2;
  int argon2_mem_kib = 19456;  // 19 MiB, the OWASP minimum for argon2id with t=2
};

struct CalendarConfig {
  std::string file = "data/calendar/cn.json";
  std::string office_hours = "09:00-12:00,13:30-17:30";
};

struct EventsConfig {
  // Delivered outbox events are deleted after this many days (pending ones never are).
  int retention_days = 7;
};

// Rate limits of the doors open without a session (citizens' page, Open311), per client IP
// or API key. Token buckets: a burst of this many, refilled evenly over the period.
struct LimitsConfig {
  int public_reads_per_minute = 30;  // citizens' progress look-ups (a wrong code costs 3)
  int public_writes_per_hour = 10;   // appeals filed from the citizens' page
  int open311_per_minute = 600;      // per API key
};

// Uploaded files (appeal attachments, photos): where their bytes live and how big one may be.
struct FilesConfig {
  std::string dir = "var/files";
  std::int64_t max_bytes = 20 << 20;  // 20 MiB; larger uploads answer 413
};

// The HJ 212 listener of the environment module (monitoring stations connect here). Off
// unless a port is given (here or by `ecity serve --hj212-port`).
struct Hj212Config {
  std::string host = "127.0.0.1";  // 0.0.0.0 to take stations from other machines
  int port = 0;                    // 0: no listener
  int io_threads = 1;
  int max_connections = 12000;       // the process raises its descriptor limit to fit
  int max_per_ip = 0;                // 0: none (stations behind one carrier NAT share an address)
  int login_timeout_s = 120;         // a new connection must deliver a first packet within this
  int frame_timeout_s = 30;          // a started frame must complete within this (slow loris)
  int idle_timeout_s = 3900;         // hourly-only stations speak once an hour
  int garbage_limit_bytes = 65536;   // refused bytes since the last good packet before a connection is dropped
  int max_frame_bytes = 9999;        // data-segment length; the 2017 text says 1024, the field exceeds it
  int clock_skew_s = 600;            // DataTime later than now by more than this is refused
  int max_age_days = 400;            // DataTime older than this is refused (import history with `ecity import air`)
  int realtime_retention_days = 30;  // real-time (2011) and minute (2051) rows older than this are pruned
};

struct LogConfig {
  std::string level = "info";  // trace, debug, info, warn, error
};

struct Config {
  ServerConfig server;
  DatabaseConfig database;
  AuthConfig auth;
  CalendarConfig calendar;
  EventsConfig events;
  LimitsConfig limits;
  FilesConfig files;
  Hj212Config hj212;
  LogConfig log;

  // Loads `path` (missing file is not an error when `required` is false) and applies the
  // environment. Throws ecity::Error (invalid) on a malformed file, an unknown key or a
  // value of the wrong type.
  static Config load(const std::string& path, bool required);
};

}  // namespace ecity::platform
