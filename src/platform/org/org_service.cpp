#include "platform/org/org_service.h"

#include "platform/db/row.h"
#include "platform/db/tree_path.h"
#include "platform/error.h"
#include "platform/http/fields.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <set>

namespace ecity::platform {

namespace {

int level_rank(const std::string& level) {
  if (level == "district") return 0;
  if (level == "town") return 1;
  if (level == "village") return 2;
  if (level == "grid") return 3;
  return -1;
}

nlohmann::json nullable(const std::optional<std::int64_t>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

Error geojson_error(const std::string& zh, const std::string& en) { return Error::invalid("geojson-invalid", zh, en); }

bool valid_code(const std::string& code) {
  return !code.empty() && code.size() <= 32 && std::all_of(code.begin(), code.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

nlohmann::json load_department(soci::session& sql, std::int64_t id) {
  long long i = id;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT d.id, d.parent_id, d.code, d.name, d.region_id, d.sort, "
                      "(SELECT COUNT(*) FROM users u WHERE u.department_id = d.id) FROM departments d WHERE d.id = :id",
       soci::use(i));
  nlohmann::json j;
  for (const auto& r : rows)
    j = {{"id", get_i64(r, 0)},   {"parent_id", nullable(opt_i64(r, 1))}, {"code", get_str(r, 2)},
         {"name", get_str(r, 3)}, {"region_id", nullable(opt_i64(r, 4))}, {"sort", get_i64(r, 5)},
         {"user_count", get_i64(r, 6)}};
  if (j.is_null()) throw Error::not_found("部门不存在", "no such department");
  return j;
}

// A region-scoped user (without a department scope) sees its own subtree, and the
// ancestors of its region so that the tree has a root; everyone else sees every region.
bool region_visible(const Principal& who, const std::string& path) {
  bool restrict = !who.sees_all() && who.scopes.count(DataScope::kRegion) && !who.region_path.empty() &&
                  !who.scopes.count(DataScope::kDepartment);
  return !restrict || path.rfind(who.region_path, 0) == 0 || who.region_path.rfind(path, 0) == 0;
}

// The payload of org.department.* events.
nlohmann::json department_event(const nlohmann::json& d) {
  return {{"id", d["id"]}, {"code", d["code"]}, {"name", d["name"]}, {"parent_id", d["parent_id"]}};
}

}  // namespace

OrgService::OrgService(Database& db, EventBus& bus)
    : db_(db),
      bus_(bus), locator_(std::make_shared<RegionLocator>(std::vector<RegionShape>{})) {}

nlohmann::json OrgService::list_regions(const Principal& who) {
  nlohmann::json items = nlohmann::json::array();
  db_.read([&](soci::session& sql) {
    soci::rowset<soci::row> rows = sql.prepare << "SELECT id, parent_id, code, name, level, path, "
                                                  "CASE WHEN geometry IS NULL THEN 0 ELSE 1 END, sort FROM regions "
                                                  "ORDER BY path";
    for (const auto& r : rows) {
      if (!region_visible(who, get_str(r, 5))) continue;
      items.push_back({{"id", get_i64(r, 0)},
                       {"parent_id", nullable(opt_i64(r, 1))},
                       {"code", get_str(r, 2)},
                       {"name", get_str(r, 3)},
                       {"level", get_str(r, 4)},
                       {"has_geometry", get_i64(r, 6) != 0}});
    }
  });
  return {{"items", items}};
}

nlohmann::json OrgService::map(const Principal& who, const std::string& level) {
  if (level != "district" && level != "town" && level != "village" && level != "grid")
    throw Error::invalid("validation", "参数 level 应为 district、town、village 或 grid",
                         "level must be district, town, village or grid")
        .on_field("level", "取值无效");
  nlohmann::json features = nlohmann::json::array();
  db_.read([&](soci::session& sql) {
    std::string l = level;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id, parent_id, code, name, path, geometry FROM regions "
                        "WHERE level = :l AND geometry IS NOT NULL ORDER BY path",
         soci::use(l));
    for (const auto& r : rows) {
      if (!region_visible(who, get_str(r, 4))) continue;
      features.push_back({{"type", "Feature"},
                          {"properties",
                           {{"id", get_i64(r, 0)},
                            {"parent_id", nullable(opt_i64(r, 1))},
                            {"code", get_str(r, 2)},
                            {"name", get_str(r, 3)},
                            {"level", level}}},
                          {"geometry", nlohmann::json::parse(get_str(r, 5), nullptr, false)}});
    }
  });
  return {{"type", "FeatureCollection"}, {"features", features}};
}

nlohmann::json OrgService::get_region(const Principal& who, std::int64_t id) {
  return db_.read([&](soci::session& sql) {
    long long i = id;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id, parent_id, code, name, level, path, geometry FROM regions WHERE id = :id", soci::use(i));
    nlohmann::json j;
    for (const auto& r : rows) {
      if (!region_visible(who, get_str(r, 5))) throw Error::forbidden();
      auto geometry = opt_str(r, 6);
      j = {{"id", get_i64(r, 0)},   {"parent_id", nullable(opt_i64(r, 1))}, {"code", get_str(r, 2)},
           {"name", get_str(r, 3)}, {"level", get_str(r, 4)},              {"has_geometry", geometry.has_value()},
           {"geometry", geometry ? nlohmann::json::parse(*geometry, nullptr, false) : nlohmann::json(nullptr)}};
    }
    if (j.is_null()) throw Error::not_found("区域不存在", "no such region");
    return j;
  });
}

nlohmann::json OrgService::locate(double lng, double lat) const {
  std::shared_ptr<const RegionLocator> loc;
  {
    std::lock_guard lock(mu_);
    loc = locator_;
  }
  auto res = loc->locate(lng, lat);
  auto hit = [](const std::optional<RegionLocator::Hit>& h) {
    return h ? nlohmann::json{{"id", h->id}, {"code", h->code}, {"name", h->name}} : nlohmann::json(nullptr);
  };
  return {{"town", hit(res.town)}, {"village", hit(res.village)}, {"grid", hit(res.grid)}};
}

void OrgService::reload_locator() {
  std::vector<RegionShape> shapes;
  db_.read([&](soci::session& sql) {
    // Parents before children, so a region whose parent was left out can be left out too.
    soci::rowset<soci::row> rows = sql.prepare
        << "SELECT id, parent_id, level, code, name, geometry FROM regions WHERE geometry IS NOT NULL "
           "ORDER BY CASE level WHEN 'district' THEN 0 WHEN 'town' THEN 1 WHEN 'village' THEN 2 ELSE 3 END, id";
    std::set<std::int64_t> kept;
    for (const auto& r : rows) {
      RegionShape s;
      s.id = get_i64(r, 0);
      s.parent_id = opt_i64(r, 1).value_or(0);
      s.level = get_str(r, 2);
      s.code = get_str(r, 3);
      s.name = get_str(r, 4);
      // The locator needs each village's town and each grid's village: a region below a
      // shapeless or broken parent cannot be placed, so it is skipped with a warning.
      if ((s.level == "village" || s.level == "grid") && !kept.count(s.parent_id)) {
        spdlog::warn("event=region_geometry_skipped code={} reason=parent_not_locatable", s.code);
        continue;
      }
      try {
        s.shape = parse_geojson_geometry(nlohmann::json::parse(get_str(r, 5)));
      } catch (const std::exception& e) {
        spdlog::warn("event=region_geometry_skipped code={} error=\"{}\"", s.code, e.what());
        continue;
      }
      kept.insert(s.id);
      shapes.push_back(std::move(s));
    }
  });
  std::shared_ptr<const RegionLocator> fresh;
  try {
    fresh = std::make_shared<const RegionLocator>(std::move(shapes));
  } catch (const std::exception& e) {
    // Keep answering with the previous tree rather than failing every locate().
    spdlog::error("event=locator_rebuild_failed error=\"{}\"", e.what());
    return;
  }
  std::lock_guard lock(mu_);
  locator_ = std::move(fresh);
}

int OrgService::import_regions(const Actor& actor, const nlohmann::json& fc) {
  if (!fc.is_object() || fc.value("type", "") != "FeatureCollection" || !fc.contains("features") ||
      !fc["features"].is_array())
    throw geojson_error("应为 GeoJSON FeatureCollection", "expected a GeoJSON FeatureCollection");
  // Validates codes, parents and every geometry before anything is written.
  region_shapes_from_geojson(fc);
  struct In {
    std::string code, name, level, parent_code;
    std::optional<std::string> geometry;
  };
  std::vector<In> in;
  for (const auto& f : fc["features"]) {
    const auto& p = f.at("properties");
    In x;
    x.code = p.at("code").get<std::string>();
    x.name = p.at("name").get<std::string>();
    x.level = p.at("level").get<std::string>();
    if (p.contains("parent_code") && p["parent_code"].is_string()) x.parent_code = p["parent_code"].get<std::string>();
    if (level_rank(x.level) < 0)
      throw geojson_error("区域 " + x.code + " 的 level 无效", "feature " + x.code + ": invalid level");
    if (!valid_code(x.code) || utf8_length(x.name) > 64 || x.name.empty())
      throw geojson_error("区域 " + x.code + " 的编码或名称无效", "feature " + x.code + ": invalid code or name");
    if (f.contains("geometry") && !f["geometry"].is_null()) x.geometry = f["geometry"].dump();
    in.push_back(std::move(x));
  }
  std::stable_sort(in.begin(), in.end(), [](const In& a, const In& b) { return level_rank(a.level) < level_rank(b.level); });
  int count = db_.write([&](Tx& tx) {
    int n = 0;
    for (auto& x : in) {
      long long parent_id = 0;
      soci::indicator parent_ind = soci::i_null;
      std::string parent_path = "/";
      if (!x.parent_code.empty()) {
        soci::indicator pi = soci::i_null;
        std::string pp;
        tx.sql << "SELECT id, path FROM regions WHERE code = :c", soci::use(x.parent_code), soci::into(parent_id, pi),
            soci::into(pp);
        if (pi != soci::i_ok)
          throw geojson_error("区域 " + x.code + " 的上级 " + x.parent_code + " 不存在",
                              "feature " + x.code + ": parent " + x.parent_code + " not found");
        parent_ind = soci::i_ok;
        parent_path = pp;
      }
      soci::indicator geo_ind = x.geometry ? soci::i_ok : soci::i_null;
      std::string geo = x.geometry.value_or("");
      long long id = 0;
      soci::indicator found = soci::i_null;
      tx.sql << "SELECT id FROM regions WHERE code = :c", soci::use(x.code), soci::into(id, found);
      int sort = n;
      if (found == soci::i_ok) {
        std::string path = parent_path + std::to_string(id) + "/";
        tx.sql << "UPDATE regions SET name = :n, level = :l, parent_id = :p, geometry = :g, path = :path WHERE id = :id",
            soci::use(x.name), soci::use(x.level), soci::use(parent_id, parent_ind), soci::use(geo, geo_ind),
            soci::use(path), soci::use(id);
      } else {
        std::string tmp = "/";
        tx.sql << "INSERT INTO regions (parent_id, code, name, level, path, geometry, sort) "
                  "VALUES (:p, :c, :n, :l, :path, :g, :s) RETURNING id",
            soci::use(parent_id, parent_ind), soci::use(x.code), soci::use(x.name), soci::use(x.level), soci::use(tmp),
            soci::use(geo, geo_ind), soci::use(sort), soci::into(id);
        std::string path = parent_path + std::to_string(id) + "/";
        tx.sql << "UPDATE regions SET path = :p WHERE id = :id", soci::use(path), soci::use(id);
      }
      ++n;
    }
    audit_operation(tx, actor, "region", "*", "import", nullptr, {{"count", n}});
    return n;
  });
  reload_locator();
  return count;
}

nlohmann::json OrgService::list_departments(const Principal&) {
  nlohmann::json items = nlohmann::json::array();
  db_.read([&](soci::session& sql) {
    soci::rowset<soci::row> rows = sql.prepare << "SELECT d.id, d.parent_id, d.code, d.name, d.region_id, d.sort, "
                                                  "(SELECT COUNT(*) FROM users u WHERE u.department_id = d.id) "
                                                  "FROM departments d ORDER BY d.sort, d.id";
    for (const auto& r : rows)
      items.push_back({{"id", get_i64(r, 0)},   {"parent_id", nullable(opt_i64(r, 1))}, {"code", get_str(r, 2)},
                       {"name", get_str(r, 3)}, {"region_id", nullable(opt_i64(r, 4))}, {"sort", get_i64(r, 5)},
                       {"user_count", get_i64(r, 6)}});
  });
  return {{"items", items}};
}

void OrgService::require_department_scope(soci::session& sql, const Principal& who, std::optional<std::int64_t> dept_id) {
  if (who.sees_all()) return;
  if (who.scopes.count(DataScope::kDepartment) && !who.department_path.empty() && dept_id &&
      tree_path(sql, "departments", *dept_id).rfind(who.department_path, 0) == 0)
    return;
  throw Error::forbidden("只能管理本部门及下级部门", "you may manage only your own department and those below it");
}

nlohmann::json OrgService::create_department(const Principal& who, const Actor& actor, const nlohmann::json& body) {
  Fields f(body, {"parent_id", "code", "name", "region_id", "sort"});
  auto parent = f.opt_id("parent_id");
  auto code = f.str("code", 32);
  if (!code.empty() && !valid_code(code)) f.fail("code", "只能包含字母、数字、- 和 _", "may contain only letters, digits, - and _");
  auto name = f.str("name", 64);
  auto region = f.opt_id("region_id");
  auto sort = f.opt_integer("sort", 0, 1000000).value_or(0);
  f.done();
  return db_.write([&](Tx& tx) {
    require_department_scope(tx.sql, who, parent);
    std::string parent_path = "/";
    if (parent) {
      parent_path = tree_path(tx.sql, "departments", *parent);
      if (parent_path.empty())
        throw Error::invalid("validation", "上级部门不存在", "no such parent department")
            .on_field("parent_id", "上级部门不存在");
    }
    if (region && tree_path(tx.sql, "regions", *region).empty())
      throw Error::invalid("validation", "区域不存在", "no such region")
          .on_field("region_id", "区域不存在");
    long long pid = parent.value_or(0), rid = region.value_or(0), at = now_ms(), id = 0;
    soci::indicator pind = parent ? soci::i_ok : soci::i_null, rind = region ? soci::i_ok : soci::i_null;
    std::string tmp = "/";
    int s = static_cast<int>(sort);
    try {
      tx.sql << "INSERT INTO departments (parent_id, code, name, region_id, path, sort, created_at) "
                "VALUES (:p, :c, :n, :r, :path, :s, :a) RETURNING id",
          soci::use(pid, pind), soci::use(code), soci::use(name), soci::use(rid, rind), soci::use(tmp), soci::use(s),
          soci::use(at), soci::into(id);
    } catch (const soci::soci_error& e) {
      if (Database::is_unique_violation(e))
        throw Error::conflict("department-code-taken", "部门编码已存在", "the department code is taken")
            .on_field("code", "部门编码已存在");
      throw;
    }
    std::string path = parent_path + std::to_string(id) + "/";
    tx.sql << "UPDATE departments SET path = :p WHERE id = :id", soci::use(path), soci::use(id);
    auto after = load_department(tx.sql, id);
    audit_operation(tx, actor, "department", std::to_string(id), "create", nullptr, after);
    bus_.publish(tx, "org.department.created", department_event(after));
    return after;
  });
}

nlohmann::json OrgService::update_department(const Principal& who, const Actor& actor, std::int64_t id,
                                             const nlohmann::json& body) {
  Fields f(body, {"parent_id", "code", "name", "region_id", "sort"});
  auto parent = f.opt_id("parent_id");
  auto code = f.opt_str("code", 32);
  if (code && !valid_code(*code)) f.fail("code", "只能包含字母、数字、- 和 _", "may contain only letters, digits, - and _");
  auto name = f.opt_str("name", 64);
  if (name && name->empty()) f.fail("name", "不能为空", "must not be empty");
  auto region = f.opt_id("region_id");
  auto sort = f.opt_integer("sort", 0, 1000000);
  f.done();
  return db_.write([&](Tx& tx) {
    auto before = load_department(tx.sql, id);
    require_department_scope(tx.sql, who, id);
    long long i = id;
    if (code) {
      try {
        tx.sql << "UPDATE departments SET code = :c WHERE id = :id", soci::use(*code), soci::use(i);
      } catch (const soci::soci_error& e) {
        if (Database::is_unique_violation(e))
          throw Error::conflict("department-code-taken", "部门编码已存在", "the department code is taken");
        throw;
      }
    }
    if (name) tx.sql << "UPDATE departments SET name = :n WHERE id = :id", soci::use(*name), soci::use(i);
    if (sort) {
      int s = static_cast<int>(*sort);
      tx.sql << "UPDATE departments SET sort = :s WHERE id = :id", soci::use(s), soci::use(i);
    }
    if (body.contains("region_id")) {
      if (region && tree_path(tx.sql, "regions", *region).empty())
        throw Error::invalid("validation", "区域不存在", "no such region");
      long long rid = region.value_or(0);
      soci::indicator rind = region ? soci::i_ok : soci::i_null;
      tx.sql << "UPDATE departments SET region_id = :r WHERE id = :id", soci::use(rid, rind), soci::use(i);
    }
    if (body.contains("parent_id")) {
      std::string old_path = tree_path(tx.sql, "departments", id);
      std::string parent_path = "/";
      if (parent) {
        require_department_scope(tx.sql, who, parent);
        parent_path = tree_path(tx.sql, "departments", *parent);
        if (parent_path.empty()) throw Error::invalid("validation", "上级部门不存在", "no such parent department");
        if (parent_path.rfind(old_path, 0) == 0)
          throw Error::conflict("department-cycle", "不能把部门移到它自己或下级部门之下",
                                "a department cannot move under itself or its descendants");
      }
      std::string new_path = parent_path + std::to_string(id) + "/";
      long long pid = parent.value_or(0);
      soci::indicator pind = parent ? soci::i_ok : soci::i_null;
      tx.sql << "UPDATE departments SET parent_id = :p WHERE id = :id", soci::use(pid, pind), soci::use(i);
      int old_len = static_cast<int>(old_path.size());
      std::string like = old_path + "%";
      tx.sql << "UPDATE departments SET path = :np || substr(path, :ol + 1) WHERE path LIKE :lk", soci::use(new_path),
          soci::use(old_len), soci::use(like);
    }
    auto after = load_department(tx.sql, id);
    audit_operation(tx, actor, "department", std::to_string(id), "update", before, after);
    bus_.publish(tx, "org.department.updated", department_event(after));
    return after;
  });
}

void OrgService::delete_department(const Principal& who, const Actor& actor, std::int64_t id) {
  db_.write([&](Tx& tx) {
    auto before = load_department(tx.sql, id);
    require_department_scope(tx.sql, who, id);
    long long i = id;
    int children = 0;
    tx.sql << "SELECT COUNT(*) FROM departments WHERE parent_id = :id", soci::use(i), soci::into(children);
    if (children > 0 || before["user_count"].get<std::int64_t>() > 0)
      throw Error::conflict("department-not-empty", "该部门下还有下级部门或用户，不能删除",
                            "the department still has sub-departments or users");
    tx.sql << "DELETE FROM departments WHERE id = :id", soci::use(i);
    audit_operation(tx, actor, "department", std::to_string(id), "delete", before, nullptr);
    bus_.publish(tx, "org.department.deleted", department_event(before));
  });
}

int OrgService::import_departments(const Actor& actor, const nlohmann::json& doc) {
  if (!doc.is_object() || !doc.contains("departments") || !doc["departments"].is_array())
    throw Error::invalid("departments-invalid", "部门文件格式错误", "malformed departments file");
  return db_.write([&](Tx& tx) {
    int n = 0;
    for (const auto& d : doc["departments"]) {
      std::string code = d.at("code").get<std::string>();
      std::string name = d.at("name").get<std::string>();
      long long existing = 0;
      soci::indicator ind = soci::i_null;
      tx.sql << "SELECT id FROM departments WHERE code = :c", soci::use(code), soci::into(existing, ind);
      if (ind == soci::i_ok) continue;
      long long pid = 0, rid = 0, id = 0, at = now_ms();
      soci::indicator pind = soci::i_null, rind = soci::i_null;
      std::string parent_path = "/";
      if (d.contains("parent_code") && d["parent_code"].is_string()) {
        std::string pc = d["parent_code"].get<std::string>();
        tx.sql << "SELECT id, path FROM departments WHERE code = :c", soci::use(pc), soci::into(pid, pind),
            soci::into(parent_path);
        if (pind != soci::i_ok)
          throw Error::invalid("departments-invalid", "部门 " + code + " 的上级 " + pc + " 不存在（上级须在前）",
                               "department " + code + ": parent " + pc + " not found (parents must come first)");
      }
      if (d.contains("region_code") && d["region_code"].is_string()) {
        std::string rc = d["region_code"].get<std::string>();
        tx.sql << "SELECT id FROM regions WHERE code = :c", soci::use(rc), soci::into(rid, rind);
      }
      int sort = d.value("sort", 0);
      std::string tmp = "/";
      tx.sql << "INSERT INTO departments (parent_id, code, name, region_id, path, sort, created_at) "
                "VALUES (:p, :c, :n, :r, :path, :s, :a) RETURNING id",
          soci::use(pid, pind), soci::use(code), soci::use(name), soci::use(rid, rind), soci::use(tmp), soci::use(sort),
          soci::use(at), soci::into(id);
      std::string path = parent_path + std::to_string(id) + "/";
      tx.sql << "UPDATE departments SET path = :p WHERE id = :id", soci::use(path), soci::use(id);
      ++n;
    }
    if (doc.contains("positions") && doc["positions"].is_array()) {
      for (const auto& p : doc["positions"]) {
        std::string code = p.at("code").get<std::string>();
        std::string name = p.at("name").get<std::string>();
        int have = 0;
        tx.sql << "SELECT COUNT(*) FROM positions WHERE code = :c", soci::use(code), soci::into(have);
        if (have == 0) tx.sql << "INSERT INTO positions (code, name) VALUES (:c, :n)", soci::use(code), soci::use(name);
      }
    }
    audit_operation(tx, actor, "department", "*", "import", nullptr, {{"count", n}});
    return n;
  });
}

nlohmann::json OrgService::list_positions() {
  nlohmann::json items = nlohmann::json::array();
  db_.read([&](soci::session& sql) {
    soci::rowset<soci::row> rows = sql.prepare << "SELECT id, code, name FROM positions ORDER BY id";
    for (const auto& r : rows) items.push_back({{"id", get_i64(r, 0)}, {"code", get_str(r, 1)}, {"name", get_str(r, 2)}});
  });
  return {{"items", items}};
}

}  // namespace ecity::platform
