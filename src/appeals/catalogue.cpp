// Editing the appeal catalogue and its time limits (appeals:config). Changes apply to what
// happens next: a new time limit sets the due dates of cases dispatched from now on; cases
// already running keep theirs.
#include "appeals/service.h"

#include "platform/error.h"
#include "platform/runtime.h"

namespace ecity::appeals {

using platform::Principal;
using platform::Tx;

namespace {

void must_configure(const Principal& who) {
  if (!who.can("appeals:config"))
    throw Error::forbidden("无权维护诉求分类和时限", "you may not edit the catalogue or time limits");
}

nlohmann::json category_state(const Category& c) {
  return {{"code", c.code},
          {"name", c.name},
          {"parent_id", c.parent_id ? nlohmann::json(*c.parent_id) : nullptr},
          {"active", c.active}};
}

}  // namespace

Category AppealService::add_category(const Principal& who, const platform::Actor& actor,
                                     std::optional<std::int64_t> parent_id, const std::string& code,
                                     const std::string& name) {
  must_configure(who);
  Category c;
  rt_.db.write([&](Tx& tx) {
    if (parent_id) {
      auto parent = find_category(tx.sql, *parent_id);
      if (!parent || !parent->active)
        throw Error::invalid("validation", "上级分类不存在或已停用", "no such active parent category")
            .on_field("parent_id", "不存在或已停用");
    }
    if (category_code_taken(tx.sql, code))
      throw Error::conflict("category-code-taken", "分类编码已存在：" + code, "category code exists: " + code)
          .on_field("code", "编码重复");
    const auto id = insert_category(tx.sql, parent_id, code, name, 0);
    c = *find_category(tx.sql, id);
    platform::audit_operation(tx, actor, "appeal_category", std::to_string(id), "create", nullptr, category_state(c));
  });
  reload_snapshot();
  return c;
}

Category AppealService::update_category(const Principal& who, const platform::Actor& actor, std::int64_t id,
                                        std::optional<std::string> name, std::optional<bool> active) {
  must_configure(who);
  Category c;
  rt_.db.write([&](Tx& tx) {
    auto found = find_category(tx.sql, id);
    if (!found) throw Error::not_found("诉求分类不存在", "no such category");
    c = *found;
    const auto before = category_state(c);
    if (name) c.name = *name;
    if (active) c.active = *active;
    appeals::update_category(tx.sql, c);
    platform::audit_operation(tx, actor, "appeal_category", std::to_string(id), "update", before, category_state(c));
  });
  reload_snapshot();
  return c;
}

std::vector<SlaRow> AppealService::sla_of(const Principal& who, std::int64_t category_id) {
  if (!who.can("appeals:read")) throw Error::forbidden();
  return rt_.db.read([&](soci::session& sql) {
    Category c;
    c.path = "/";  // the district default: its chain is itself
    if (category_id != 0) {
      auto found = find_category(sql, category_id);
      if (!found) throw Error::not_found("诉求分类不存在", "no such category");
      c = *found;
    }
    std::vector<SlaRow> out;
    for (auto u : all<Urgency>()) {
      auto s = find_sla_source(sql, c, u);
      if (!s) continue;
      out.push_back({u, s->limit, s->category_id, s->category_id == category_id});
    }
    return out;
  });
}

std::vector<SlaRow> AppealService::set_sla(const Principal& who, const platform::Actor& actor, std::int64_t category_id,
                                           Urgency urgency, const SlaLimit& limit) {
  must_configure(who);
  rt_.db.write([&](Tx& tx) {
    if (category_id != 0 && !find_category(tx.sql, category_id))
      throw Error::not_found("诉求分类不存在", "no such category");
    upsert_sla(tx.sql, category_id, urgency, limit);
    platform::audit_operation(tx, actor, "appeal_sla", std::to_string(category_id) + ":" + std::string(code(urgency)),
                              "set", nullptr,
                              {{"sign_minutes", limit.sign.count()}, {"handle_days", limit.handle_days}});
  });
  return sla_of(who, category_id);
}

std::vector<SlaRow> AppealService::clear_sla(const Principal& who, const platform::Actor& actor,
                                             std::int64_t category_id, Urgency urgency) {
  must_configure(who);
  if (category_id == 0)
    throw Error::invalid("validation", "区默认时限不能删除，只能修改",
                         "the district default can be changed, not removed");
  rt_.db.write([&](Tx& tx) {
    if (!delete_sla(tx.sql, category_id, urgency))
      throw Error::not_found("此分类没有自己的时限", "this category has no time limit of its own");
    platform::audit_operation(tx, actor, "appeal_sla", std::to_string(category_id) + ":" + std::string(code(urgency)),
                              "clear", nullptr, nullptr);
  });
  return sla_of(who, category_id);
}

}  // namespace ecity::appeals
