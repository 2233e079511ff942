#include "app/demo.h"

#include "platform/db/row.h"
#include "platform/error.h"

#include <sodium.h>

#include <fstream>
#include <iostream>

namespace ecity::app {

using namespace ecity::platform;

namespace {

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error::invalid("file-missing", "找不到文件 " + path, "file not found: " + path);
  auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded()) throw Error::invalid("malformed-json", "文件不是合法的 JSON：" + path, "not valid JSON: " + path);
  return j;
}

std::string random_password() {
  // 16 characters from four classes: always satisfies the policy.
  static const char* kSets[] = {"abcdefghijkmnpqrstuvwxyz", "ABCDEFGHJKLMNPQRSTUVWXYZ", "23456789", "@#%+=!"};
  std::string out;
  for (int i = 0; i < 16; ++i) {
    const char* set = kSets[i % 4];
    out.push_back(set[randombytes_uniform(static_cast<std::uint32_t>(std::strlen(set)))]);
  }
  return out;
}

std::optional<std::int64_t> id_by_code(Database& db, const char* table, const std::string& code) {
  return db.read([&](soci::session& sql) -> std::optional<std::int64_t> {
    long long id = 0;
    soci::indicator ind = soci::i_null;
    std::string c = code;
    sql << std::string("SELECT id FROM ") + table + " WHERE code = :c", soci::use(c), soci::into(id, ind);
    if (ind != soci::i_ok) return std::nullopt;
    return id;
  });
}

bool user_exists(Database& db, const std::string& username) {
  return db.read([&](soci::session& sql) {
    int n = 0;
    std::string u = username;
    sql << "SELECT COUNT(*) FROM users WHERE username = :u", soci::use(u), soci::into(n);
    return n > 0;
  });
}

}  // namespace

DemoLogin load_demo(Runtime& rt, const std::string& data_dir, const std::optional<std::string>& admin_password) {
  Actor system{std::nullopt, "system", "127.0.0.1"};
  bool have_regions = id_by_code(rt.db, "regions", "370404000000").has_value();
  if (!have_regions) {
    int n = rt.org.import_regions(system, read_json(data_dir + "/demo/yicheng/regions.geojson"));
    std::cout << "regions imported: " << n << "\n";
  }
  int d = rt.org.import_departments(system, read_json(data_dir + "/demo/yicheng/departments.json"));
  if (d > 0) std::cout << "departments imported: " << d << "\n";

  DemoLogin login{"admin", ""};
  if (!user_exists(rt.db, "admin")) {
    login.password = admin_password.value_or(random_password());
    rt.db.write([&](Tx& tx) {
      rt.users.create_system(tx, system, "admin", "系统管理员", login.password, id_by_code(rt.db, "departments", "200029"),
                             id_by_code(rt.db, "regions", "370404000000"), {"admin"});
    });
  } else if (admin_password) {
    rt.users.set_password_system(system, "admin", *admin_password);
    login.password = *admin_password;
  }
  // A few accounts that show the data scopes at work; they share the admin's password
  // only when it was chosen on the command line (tests), otherwise get their own.
  struct Sample {
    const char* username;
    const char* name;
    const char* dept;
    const char* region;
    const char* role;
  };
  static const Sample samples[] = {
      {"leader", "区领导（演示）", nullptr, "370404000000", "leader"},
      {"tanshan", "坛山街道管理员（演示）", nullptr, "370404001000", "town_admin"},
      {"gushao", "古邵镇管理员（演示）", nullptr, "370404100000", "town_admin"},
      // The appeals centre and a unit that handles cases (roles from the appeals module).
      {"hotline", "12345 话务员（演示）", nullptr, nullptr, "hotline_agent"},
      {"paidan", "派单审核员（演示）", nullptr, nullptr, "dispatcher"},
      {"zhujian", "区住建局承办人（演示）", "200013", nullptr, "dept_admin"},
      // The key-projects office and a unit that leads projects (roles from the projects module).
      {"xiangmu", "区重点项目推进科（演示）", "200002001", nullptr, "project_office"},
      {"gongxin", "区工信局项目联络员（演示）", "200005", nullptr, "dept_admin"},
      // The statistics bureau's officer who enters economic figures (role from the economy module).
      {"tongji", "区统计局统计员（演示）", "200024", nullptr, "statistics_officer"},
      // The service account of an Open311 application (register its key in the console).
      {"open311app", "开放接口应用账号（演示）", nullptr, nullptr, "open311_client"},
  };
  for (const auto& s : samples) {
    if (user_exists(rt.db, s.username)) continue;
    auto region = s.region ? id_by_code(rt.db, "regions", s.region) : std::nullopt;
    std::string pw = admin_password.value_or(random_password());
    rt.db.write([&](Tx& tx) {
      rt.users.create_system(tx, system, s.username, s.name, pw, s.dept ? id_by_code(rt.db, "departments", s.dept) : std::nullopt,
                             region, {s.role});
    });
  }
  return login;
}

}  // namespace ecity::app
