#include "platform/config/config.h"

#include "platform/error.h"

#include <toml++/toml.h>

#include <cstdlib>
#include <filesystem>
#include <variant>
#include <vector>

namespace ecity::platform {
namespace {

// One row per key: the single list that the file reader, the environment reader and the
// unknown-key check share, so a key cannot be known to one and not the others.
struct Binding {
  const char* section;
  const char* key;
  std::variant<std::string*, int*, std::int64_t*> target;
};

std::vector<Binding> bindings(Config& c) {
  return {
      {"server", "host", &c.server.host},
      {"server", "port", &c.server.port},
      {"server", "io_threads", &c.server.io_threads},
      {"server", "workers", &c.server.workers},
      {"server", "wait_workers", &c.server.wait_workers},
      {"server", "web_root", &c.server.web_root},
      {"server", "body_limit", &c.server.body_limit},
      {"server", "header_limit", &c.server.header_limit},
      {"server", "read_timeout_s", &c.server.read_timeout_s},
      {"server", "idle_timeout_s", &c.server.idle_timeout_s},
      {"server", "shutdown_grace_s", &c.server.shutdown_grace_s},
      {"database", "url", &c.database.url},
      {"database", "pool_size", &c.database.pool_size},
      {"database", "sqlite_synchronous", &c.database.sqlite_synchronous},
      {"database", "busy_timeout_ms", &c.database.busy_timeout_ms},
      {"database", "sqlite_cache_mib", &c.database.sqlite_cache_mib},
      {"auth", "session_idle_minutes", &c.auth.session_idle_minutes},
      {"auth", "session_absolute_hours", &c.auth.session_absolute_hours},
      {"auth", "lockout_threshold", &c.auth.lockout_threshold},
      {"auth", "lockout_minutes", &c.auth.lockout_minutes},
      {"auth", "argon2_ops", &c.auth.argon2_ops},
      {"auth", "argon2_mem_kib", &c.auth.argon2_mem_kib},
      {"calendar", "file", &c.calendar.file},
      {"calendar", "office_hours", &c.calendar.office_hours},
      {"events", "retention_days", &c.events.retention_days},
      {"limits", "public_reads_per_minute", &c.limits.public_reads_per_minute},
      {"limits", "public_writes_per_hour", &c.limits.public_writes_per_hour},
      {"limits", "open311_per_minute", &c.limits.open311_per_minute},
      {"files", "dir", &c.files.dir},
      {"files", "max_bytes", &c.files.max_bytes},
      {"hj212", "host", &c.hj212.host},
      {"hj212", "port", &c.hj212.port},
      {"hj212", "io_threads", &c.hj212.io_threads},
      {"hj212", "max_connections", &c.hj212.max_connections},
      {"hj212", "max_per_ip", &c.hj212.max_per_ip},
      {"hj212", "login_timeout_s", &c.hj212.login_timeout_s},
      {"hj212", "frame_timeout_s", &c.hj212.frame_timeout_s},
      {"hj212", "idle_timeout_s", &c.hj212.idle_timeout_s},
      {"hj212", "garbage_limit_bytes", &c.hj212.garbage_limit_bytes},
      {"hj212", "max_frame_bytes", &c.hj212.max_frame_bytes},
      {"hj212", "clock_skew_s", &c.hj212.clock_skew_s},
      {"hj212", "max_age_days", &c.hj212.max_age_days},
      {"hj212", "realtime_retention_days", &c.hj212.realtime_retention_days},
      {"log", "level", &c.log.level},
  };
}

Error config_error(const std::string& where, const std::string& what_zh, const std::string& what_en) {
  return Error::invalid("config-invalid", "配置项 " + where + " " + what_zh,
                        "configuration " + where + ": " + what_en);
}

std::string upper(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

std::int64_t parse_integer(const std::string& where, const std::string& text) {
  std::size_t used = 0;
  long long v = 0;
  try {
    v = std::stoll(text, &used, 10);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size()) throw config_error(where, "应为整数", "expected an integer");
  return v;
}

void check_ranges(const Config& c) {
  auto positive = [](const char* name, std::int64_t v) {
    if (v <= 0) throw config_error(name, "必须为正数", "must be positive");
  };
  if (c.server.port < 0 || c.server.port > 65535)
    throw config_error("server.port", "超出范围 0–65535", "out of range 0-65535");
  positive("server.io_threads", c.server.io_threads);
  positive("server.workers", c.server.workers);
  positive("server.wait_workers", c.server.wait_workers);
  positive("server.body_limit", c.server.body_limit);
  positive("server.header_limit", c.server.header_limit);
  positive("server.read_timeout_s", c.server.read_timeout_s);
  positive("server.idle_timeout_s", c.server.idle_timeout_s);
  positive("database.pool_size", c.database.pool_size);
  positive("database.sqlite_cache_mib", c.database.sqlite_cache_mib);
  positive("auth.session_idle_minutes", c.auth.session_idle_minutes);
  positive("auth.session_absolute_hours", c.auth.session_absolute_hours);
  positive("auth.lockout_threshold", c.auth.lockout_threshold);
  positive("auth.argon2_ops", c.auth.argon2_ops);
  positive("events.retention_days", c.events.retention_days);
  positive("limits.public_reads_per_minute", c.limits.public_reads_per_minute);
  positive("limits.public_writes_per_hour", c.limits.public_writes_per_hour);
  positive("limits.open311_per_minute", c.limits.open311_per_minute);
  positive("files.max_bytes", c.files.max_bytes);
  if (c.hj212.port < 0 || c.hj212.port > 65535)
    throw config_error("hj212.port", "超出范围 0–65535", "out of range 0-65535");
  for (const auto& [name, v] : {std::pair{"hj212.io_threads", c.hj212.io_threads},
                                {"hj212.max_connections", c.hj212.max_connections},
                                {"hj212.login_timeout_s", c.hj212.login_timeout_s},
                                {"hj212.frame_timeout_s", c.hj212.frame_timeout_s},
                                {"hj212.idle_timeout_s", c.hj212.idle_timeout_s},
                                {"hj212.garbage_limit_bytes", c.hj212.garbage_limit_bytes},
                                {"hj212.clock_skew_s", c.hj212.clock_skew_s},
                                {"hj212.max_age_days", c.hj212.max_age_days},
                                {"hj212.realtime_retention_days", c.hj212.realtime_retention_days}})
    positive(name, v);
  if (c.hj212.max_per_ip < 0) throw config_error("hj212.max_per_ip", "不能为负数", "must not be negative");
  if (c.hj212.max_frame_bytes < 64 || c.hj212.max_frame_bytes > 9999)
    throw config_error("hj212.max_frame_bytes", "超出范围 64–9999", "out of range 64-9999");
  if (c.auth.argon2_mem_kib < 8) throw config_error("auth.argon2_mem_kib", "过小", "too small");
  const auto& s = c.database.sqlite_synchronous;
  if (s != "FULL" && s != "NORMAL" && s != "EXTRA" && s != "OFF")
    throw config_error("database.sqlite_synchronous", "应为 FULL/NORMAL/EXTRA/OFF",
                       "expected FULL, NORMAL, EXTRA or OFF");
}

}  // namespace

Config Config::load(const std::string& path, bool required) {
  Config c;
  auto table_bindings = bindings(c);
  if (!path.empty() && std::filesystem::exists(path)) {
    toml::table root;
    try {
      root = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
      throw Error::invalid("config-invalid", "配置文件格式错误: " + std::string(e.description()),
                           "malformed configuration file: " + std::string(e.description()));
    }
    for (const auto& [section, node] : root) {
      const auto* tbl = node.as_table();
      if (tbl == nullptr)
        throw config_error(std::string(section.str()), "应为表 [section]", "expected a table");
      for (const auto& [key, value] : *tbl) {
        std::string where = std::string(section.str()) + "." + std::string(key.str());
        Binding* found = nullptr;
        for (auto& b : table_bindings)
          if (section.str() == b.section && key.str() == b.key) found = &b;
        if (found == nullptr) throw config_error(where, "未知", "unknown key");
        std::visit(
            [&](auto* target) {
              using T = std::remove_pointer_t<decltype(target)>;
              if constexpr (std::is_same_v<T, std::string>) {
                auto v = value.value<std::string>();
                if (!v || !value.is_string()) throw config_error(where, "应为字符串", "expected a string");
                *target = *v;
              } else {
                if (!value.is_integer()) throw config_error(where, "应为整数", "expected an integer");
                *target = static_cast<T>(*value.value<std::int64_t>());
              }
            },
            found->target);
      }
    }
  } else if (required) {
    throw Error::invalid("config-missing", "找不到配置文件 " + path, "configuration file not found: " + path);
  }
  for (auto& b : table_bindings) {
    std::string name = "ECITY_" + upper(b.section) + "_" + upper(b.key);
    const char* env = std::getenv(name.c_str());
    if (env == nullptr) continue;
    std::visit(
        [&](auto* target) {
          using T = std::remove_pointer_t<decltype(target)>;
          if constexpr (std::is_same_v<T, std::string>) {
            *target = env;
          } else {
            *target = static_cast<T>(parse_integer(name, env));
          }
        },
        b.target);
  }
  check_ranges(c);
  return c;
}

}  // namespace ecity::platform
