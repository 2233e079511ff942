#include "appeals/service.h"

#include "platform/db/row.h"
#include "platform/db/tree_path.h"
#include "platform/error.h"
#include "platform/runtime.h"

#include <sodium.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>

namespace ecity::appeals {

using platform::Principal;
using platform::Tx;

namespace {

// Paths come from the database ("/1/7/"); anything else would be a bug, and must never
// reach an SQL string.
bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

constexpr std::int64_t kMsPerDay = 86'400'000;

std::string local_day(std::int64_t epoch_ms) {
  auto d = platform::format_date(platform::local_date_of(epoch_ms));
  d.erase(std::remove(d.begin(), d.end(), '-'), d.end());
  return d;
}

nlohmann::json state_json(const Appeal& a) {
  return {{"number", a.number}, {"state", code(a.state)}, {"version", a.version}};
}

Error not_found() { return Error::not_found("诉求不存在", "no such appeal"); }

// The user a timeline line and created_by name: none for a citizen or an outside system
// acting without an account of ours.
std::optional<std::int64_t> user_of(const Principal& who) {
  return who.user_id > 0 ? std::optional(who.user_id) : std::nullopt;
}

// 查询码: 8 characters from an alphabet without look-alikes (0/O, 1/I/L), about 40 bits.
std::string new_query_code() {
  static constexpr char kAlphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
  constexpr unsigned kSize = sizeof kAlphabet - 1;     // 31
  constexpr unsigned kUnbiased = 256 / kSize * kSize;  // bytes below 248 map evenly
  std::string out;
  // One system call for the whole code (randombytes_uniform per character made eight).
  unsigned char rnd[16];
  while (out.size() < 8) {
    randombytes_buf(rnd, sizeof rnd);
    for (unsigned char b : rnd)
      if (b < kUnbiased && out.size() < 8) out.push_back(kAlphabet[b % kSize]);
  }
  return out;
}

// A validation error on one field, in the same shape as platform::Fields reports them.
Error field_error(const std::string& field, const std::string& zh, const std::string& en) {
  return Error::invalid("validation", "输入有误：" + field + " " + zh, "invalid input: " + field + " " + en)
      .with("errors", nlohmann::json::array({{{"field", field}, {"message", zh}, {"message_en", en}}}));
}

}  // namespace

AppealService::AppealService(platform::Runtime& rt)
    : rt_(rt), hours_(platform::OfficeHours::parse(rt.config.calendar.office_hours)) {}

// ------------------------------------------------------------------- catalogue

void AppealService::ensure_catalogue(const std::string& catalogue_file) {
  rt_.db.write([&](Tx& tx) {
    long long n = 0;
    tx.sql << "SELECT COUNT(*) FROM appeal_categories", soci::into(n);
    if (n > 0) return;
    std::ifstream in(catalogue_file);
    if (!in) throw Error::unavailable("找不到诉求分类目录文件", "appeal catalogue not found: " + catalogue_file);
    auto doc = nlohmann::json::parse(in, nullptr, false);
    if (doc.is_discarded() || !doc.contains("categories"))
      throw Error::unavailable("诉求分类目录文件格式错误", "malformed appeal catalogue: " + catalogue_file);
    auto limits_of = [](const nlohmann::json& j, Urgency u, SlaLimit base) {
      auto key = std::string(code(u));
      if (j.contains(key)) {
        base.handle_days = j[key].is_object() ? j[key].value("handle_days", base.handle_days) : j[key].get<int>();
        if (j[key].is_object())
          base.sign = std::chrono::minutes(j[key].value("sign_minutes", static_cast<int>(base.sign.count())));
      }
      return base;
    };
    for (auto u : all<Urgency>()) upsert_sla(tx.sql, 0, u, limits_of(doc["default_sla"], u, SlaLimit{}));
    int sort = 0;
    std::function<void(const nlohmann::json&, std::optional<std::int64_t>)> add =
        [&](const nlohmann::json& node, std::optional<std::int64_t> parent) {
          auto id = insert_category(tx.sql, parent, node.at("code").get<std::string>(),
                                    node.at("name").get<std::string>(), sort++);
          if (node.contains("handle_days"))
            for (auto u : all<Urgency>()) {
              auto base = *find_sla(tx.sql, Category{0, std::nullopt, "", "", "/", true, false}, u);
              upsert_sla(tx.sql, id, u, limits_of(node["handle_days"], u, base));
            }
          if (node.contains("children"))
            for (const auto& c : node["children"]) add(c, id);
        };
    for (const auto& c : doc["categories"]) add(c, std::nullopt);
    if (!load_settings(tx.sql).count("number_prefix")) set_setting(tx.sql, "number_prefix", Settings{}.number_prefix);
  });
  reload_snapshot();
}

void AppealService::reload_snapshot() {
  auto fresh = std::make_shared<Snapshot>();
  rt_.db.read([&](soci::session& sql) {
    const auto all = load_categories(sql);
    for (const auto& c : all) {
      auto& e = fresh->categories[c.id];
      e.active = false;  // unless in use, below
      e.auto_dispatch = c.auto_dispatch;
      e.parent = c.parent_id;
    }
    for (const auto& u : categories_in_use(all)) {
      auto& e = fresh->categories[u.category.id];
      e.active = true;
      e.leaf = u.leaf;
    }
    for (auto& r : load_dispatch_rules(sql)) fresh->rules[{r.category_id, r.region_id}] = std::move(r);
    fresh->settings = settings_from(load_settings(sql));
  });
  std::lock_guard lock(snapshot_mu_);
  snapshot_ = std::move(fresh);
}

std::shared_ptr<const AppealService::Snapshot> AppealService::snapshot() const {
  std::lock_guard lock(snapshot_mu_);
  return snapshot_;
}

std::vector<Category> AppealService::categories() {
  return rt_.db.read([](soci::session& sql) { return load_categories(sql); });
}

// ------------------------------------------------------------------- scope

std::string AppealService::scope_condition(const Principal& who) {
  if (who.sees_all()) return "1 = 1";
  std::vector<std::string> parts;
  const std::string uid = std::to_string(who.user_id);
  for (auto s : who.scopes) {
    switch (s) {
      case platform::DataScope::kAll:
        return "1 = 1";
      case platform::DataScope::kDepartment:
        if (!who.department_path.empty()) {
          auto depts = platform::subtree_ids("departments", who.department_path);
          parts.push_back("a.lead_department_id IN " + depts);
          parts.push_back("a.id IN (SELECT appeal_id FROM appeal_co_units WHERE department_id IN " + depts + ")");
        }
        break;
      case platform::DataScope::kRegion:
        if (!who.region_path.empty()) {
          auto regions = platform::subtree_ids("regions", who.region_path);
          parts.push_back("a.region_id IN " + regions);
          parts.push_back("a.lead_region_id IN " + regions);
          parts.push_back("a.sub_region_id IN " + regions);
        }
        break;
      case platform::DataScope::kSelf:
        break;
    }
  }
  // Always: what one filed, and what one's own unit handles.
  parts.push_back("a.created_by = " + uid);
  if (who.department_id) parts.push_back("a.lead_department_id = " + std::to_string(*who.department_id));
  if (who.region_id) {
    parts.push_back("a.lead_region_id = " + std::to_string(*who.region_id));
    parts.push_back("a.sub_region_id = " + std::to_string(*who.region_id));
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : " OR ") + p;
  return out;
}

bool AppealService::visible(soci::session& sql, const Principal& who, std::int64_t id) {
  long long aid = id, n = 0;
  sql << "SELECT COUNT(*) FROM appeals a WHERE a.id = :id AND (" + scope_condition(who) + ")", soci::use(aid),
      soci::into(n);
  return n > 0;
}

Role AppealService::role_of(soci::session& sql, const Principal& who, const Appeal& a) {
  Role r;
  r.intake = who.can("appeals:intake");
  r.dispatch = who.can("appeals:dispatch");
  r.callback = who.can("appeals:callback");
  r.supervise = who.can("appeals:supervise");
  if (who.can("appeals:handle")) {
    if (a.lead_department_id && !who.department_path.empty()) {
      auto p = department_path(sql, *a.lead_department_id);
      r.unit_lead = p && starts_with(who.department_path, *p);
    }
    if (a.lead_region_id && who.region_id) r.unit_lead = r.unit_lead || *who.region_id == *a.lead_region_id;
    r.unit = r.unit_lead;
    if (a.sub_region_id && !who.region_path.empty()) {
      auto p = region_path(sql, *a.sub_region_id);
      r.unit = r.unit || (p && starts_with(who.region_path, *p));
    }
  }
  return r;
}

// ------------------------------------------------------------------- SLA

void AppealService::set_due_dates(soci::session& sql, Appeal& a, std::int64_t from) {
  auto category = find_category(sql, a.category_id);
  auto limit = category ? find_sla(sql, *category, a.urgency) : std::nullopt;
  if (!limit) limit = SlaLimit{};
  const auto cal = rt_.calendar();
  try {
    a.sign_due_at = sign_due(from, *limit, *cal, hours_);
    a.handle_due_at = handle_due(from, limit->handle_days, *cal, hours_);
    a.sla_pending = false;
  } catch (const Error& e) {
    if (e.slug() != "calendar-out-of-range") throw;
    // Past the shipped calendar: no due date is guessed; the warning job sets it once the
    // State Council's notice for that year is loaded.
    a.sign_due_at.reset();
    a.handle_due_at.reset();
    a.sla_pending = true;
  }
}

// ------------------------------------------------------------------- intake

AppealService::Intake AppealService::prepare_intake(std::shared_ptr<const Principal> who, const platform::Actor& actor,
                                                    const NewAppeal& in, std::function<void(Tx&, const Appeal&)> also) {
  if (!who->can("appeals:intake")) throw Error::forbidden("无权受理诉求", "you may not register appeals");
  auto draft = std::make_shared<Appeal>();
  Appeal& a = *draft;
  a.channel = in.channel;
  a.type = in.type;
  a.category_id = in.category_id;
  a.urgency = in.urgency;
  a.caller_name = in.caller_name;
  a.caller_phone = in.caller_phone;
  a.anonymous = in.anonymous;
  a.confidential = in.confidential;
  a.content = in.content;
  a.address = in.address;
  a.lng = in.lng;
  a.lat = in.lat;
  for (const auto& t : in.tags) a.tags += (a.tags.empty() ? "" : ",") + t;
  a.state = State::kRegistered;
  a.created_by = user_of(*who);
  a.query_code = new_query_code();
  if (in.region_id) {
    a.region_id = in.region_id;
  } else if (in.lng && in.lat) {
    auto hit = rt_.org.locate(*in.lng, *in.lat);
    for (const char* level : {"grid", "village", "town"})
      if (!hit[level].is_null()) {
        a.region_id = hit[level]["id"].get<std::int64_t>();
        break;
      }
  }
  auto snap = snapshot();
  auto category = snap->categories.find(a.category_id);
  if (category == snap->categories.end() || !category->second.active)
    throw field_error("category_id", "诉求分类不存在或已停用", "no such active category");
  if (!category->second.leaf) throw field_error("category_id", "请选择最末一级分类", "choose a leaf category");
  const bool auto_dispatch = category->second.auto_dispatch;
  // The group may run this twice (see Database::write_grouped): every run starts from the draft.
  auto run = [this, draft, base = a, who = std::move(who), actor, snap = std::move(snap), auto_dispatch,
              also = std::move(also)](Tx& tx) {
    Appeal& a = *draft;
    a = base;
    if (a.region_id) {
      const auto place = region_town(rt_.db, tx.sql, *a.region_id);
      if (!place.exists) throw field_error("region_id", "区域不存在", "no such region");
      a.town_id = place.town_id;
    }
    a.created_at = platform::now_ms();
    a.is_repeat = !a.caller_phone.empty() &&
                  has_recent_appeal(rt_.db, tx.sql, a.caller_phone, a.category_id,
                                    a.created_at - std::int64_t{snap->settings.duplicate_days} * kMsPerDay);
    a.number = next_number(rt_.db, tx.sql, snap->settings.number_prefix, local_day(a.created_at));
    a.id = insert_appeal(rt_.db, tx.sql, a);
    append_timeline(rt_.db, tx.sql,
                    {0, a.id, a.created_at, user_of(*who), who->name, Action::kRegister, State::kRegistered,
                     State::kRegistered, "", ""});
    if (also) also(tx, a);
    platform::audit_operation(tx, actor, "appeal", std::to_string(a.id), "create", nullptr, state_json(a));
    rt_.bus.publish(tx, "appeals.case.created",
                    {{"id", a.id}, {"number", a.number}, {"category_id", a.category_id}, {"urgency", code(a.urgency)}});
    // Categories with automatic dispatch go straight to the unit the catalogue names.
    if (auto_dispatch) {
      if (auto rule = rule_for(*snap, a.category_id, a.town_id)) {
        ActionInput step;
        step.action = Action::kDispatch;
        step.lead_department_id = rule->lead_department_id;
        step.lead_region_id = rule->lead_region_id;
        step.co_department_ids = rule->co_department_ids;
        step.note = "按派单目录自动派单";
        perform(tx, *who, actor, a, step, "系统自动派单");
      }
    }
  };
  return {std::move(draft), std::move(run)};
}

Appeal AppealService::create(const Principal& who, const platform::Actor& actor, const NewAppeal& in,
                             const std::function<void(Tx&, const Appeal&)>& also) {
  // The caller's principal outlives this call: shared without an owner.
  auto job = prepare_intake(std::shared_ptr<const Principal>(std::shared_ptr<void>(), &who), actor, in, also);
  // Intake is the hot write path: concurrent registrations share one commit (group commit).
  rt_.db.write_grouped(job.run);
  return std::move(*job.appeal);
}

void AppealService::create_async(std::shared_ptr<const Principal> who, const platform::Actor& actor,
                                 const NewAppeal& in, std::function<void(std::exception_ptr, const Appeal&)> done) {
  auto job = prepare_intake(std::move(who), actor, in, nullptr);
  rt_.db.submit_grouped(std::move(job.run), [appeal = std::move(job.appeal),
                                             done = std::move(done)](std::exception_ptr e) { done(e, *appeal); });
}

std::optional<DispatchRule> AppealService::rule_for(const Snapshot& snap, std::int64_t category_id,
                                                    std::optional<std::int64_t> town_id) {
  // The most specific category first; within it, the town's own rule before the district's.
  for (std::optional<std::int64_t> c = category_id; c;) {
    if (town_id)
      if (auto it = snap.rules.find({*c, *town_id}); it != snap.rules.end()) return it->second;
    if (auto it = snap.rules.find({*c, 0}); it != snap.rules.end()) return it->second;
    auto e = snap.categories.find(*c);
    c = e == snap.categories.end() ? std::nullopt : e->second.parent;
  }
  return std::nullopt;
}

std::optional<DispatchRule> AppealService::dispatch_suggestion(const Principal& who, std::int64_t appeal_id) {
  if (!who.can("appeals:dispatch")) throw Error::forbidden("无权派单", "you may not dispatch appeals");
  auto a = rt_.db.read([&](soci::session& sql) -> std::optional<Appeal> {
    if (!visible(sql, who, appeal_id)) return std::nullopt;
    return load_appeal(sql, appeal_id);
  });
  if (!a) throw not_found();
  return rule_for(*snapshot(), a->category_id, a->town_id);
}

std::vector<DispatchRule> AppealService::dispatch_rules() {
  std::vector<DispatchRule> out;
  for (const auto& [key, r] : snapshot()->rules) out.push_back(r);
  return out;
}

DispatchRule AppealService::put_dispatch_rule(const Principal& who, const platform::Actor& actor, DispatchRule rule) {
  if (!who.can("appeals:config")) throw Error::forbidden("无权维护派单目录", "you may not edit the dispatch catalogue");
  rt_.db.write([&](Tx& tx) {
    if (!find_category(tx.sql, rule.category_id))
      throw field_error("category_id", "诉求分类不存在", "no such category");
    if (rule.region_id != 0 && region_level(tx.sql, rule.region_id) != std::optional<std::string>("town"))
      throw field_error("region_id", "区域应为镇街（或留空表示全区）", "region must be a town (or empty: anywhere)");
    if (rule.lead_department_id.has_value() == rule.lead_region_id.has_value())
      throw field_error("lead_department_id", "请指定一个主办单位（部门或镇街）", "give exactly one lead unit");
    if (rule.lead_department_id && !department_path(tx.sql, *rule.lead_department_id))
      throw field_error("lead_department_id", "主办部门不存在", "no such department");
    if (rule.lead_region_id && region_level(tx.sql, *rule.lead_region_id) != std::optional<std::string>("town"))
      throw field_error("lead_region_id", "主办镇街不存在", "no such town");
    for (auto d : rule.co_department_ids) {
      if (!department_path(tx.sql, d))
        throw field_error("co_department_ids", "协办部门不存在", "no such co-department");
      if (d == rule.lead_department_id.value_or(0))
        throw field_error("co_department_ids", "协办单位不能与主办单位相同", "a co-unit cannot be the lead unit");
    }
    rule.id = upsert_dispatch_rule(tx.sql, rule);
    nlohmann::json after{
        {"category_id", rule.category_id},
        {"region_id", rule.region_id},
        {"lead_department_id",
         rule.lead_department_id ? nlohmann::json(*rule.lead_department_id) : nlohmann::json(nullptr)},
        {"lead_region_id", rule.lead_region_id ? nlohmann::json(*rule.lead_region_id) : nlohmann::json(nullptr)},
        {"co_department_ids", rule.co_department_ids}};
    platform::audit_operation(tx, actor, "appeal_dispatch_rule", std::to_string(rule.id), "put", nullptr, after);
  });
  reload_snapshot();
  return rule;
}

void AppealService::delete_dispatch_rule(const Principal& who, const platform::Actor& actor, std::int64_t id) {
  if (!who.can("appeals:config")) throw Error::forbidden("无权维护派单目录", "you may not edit the dispatch catalogue");
  rt_.db.write([&](Tx& tx) {
    if (!appeals::delete_dispatch_rule(tx.sql, id)) throw Error::not_found("派单规则不存在", "no such dispatch rule");
    platform::audit_operation(tx, actor, "appeal_dispatch_rule", std::to_string(id), "delete", nullptr, nullptr);
  });
  reload_snapshot();
}

void AppealService::set_auto_dispatch(const Principal& who, const platform::Actor& actor, std::int64_t category_id,
                                      bool enabled) {
  if (!who.can("appeals:config")) throw Error::forbidden("无权维护派单目录", "you may not edit the dispatch catalogue");
  rt_.db.write([&](Tx& tx) {
    if (!find_category(tx.sql, category_id)) throw Error::not_found("诉求分类不存在", "no such category");
    appeals::set_auto_dispatch(tx.sql, category_id, enabled);
    platform::audit_operation(tx, actor, "appeal_category", std::to_string(category_id), "auto_dispatch", nullptr,
                              {{"auto_dispatch", enabled}});
  });
  reload_snapshot();
}

// ------------------------------------------------------------------- reads

CaseView AppealService::get(const Principal& who, std::int64_t id) {
  if (!who.can("appeals:read")) throw Error::forbidden("无权查看诉求", "you may not read appeals");
  return rt_.db.read([&](soci::session& sql) {
    if (!visible(sql, who, id)) throw not_found();
    CaseView v;
    v.appeal = *load_appeal(sql, id);
    v.co_department_ids = load_co_units(sql, id);
    v.timeline = load_timeline(sql, id);
    Facts f{v.appeal.state, v.appeal.extension_pending, v.appeal.lead_region_id.has_value(),
            v.appeal.sub_region_id.has_value()};
    v.allowed = allowed_actions(f, role_of(sql, who, v.appeal));
    v.pending_return = pending_request(sql, id, "return");
    v.pending_extension = pending_request(sql, id, "extension");
    v.attachments = load_attachments(sql, id);
    return v;
  });
}

AppealPage AppealService::list(const Principal& who, const ListFilter& filter) {
  if (!who.can("appeals:read")) throw Error::forbidden("无权查看诉求", "you may not read appeals");
  return rt_.db.read(
      [&](soci::session& sql) { return list_appeals(sql, rt_.db.dialect(), filter, scope_condition(who)); });
}

Duplicates AppealService::duplicates(const Principal& who, const DuplicateQuery& q) {
  if (!who.can("appeals:intake") && !who.can("appeals:dispatch"))
    throw Error::forbidden("无权查看重复诉求提示", "you may not look up duplicates");
  const auto settings = snapshot()->settings;
  const auto now = platform::now_ms();
  const auto since = now - std::int64_t{settings.duplicate_days} * kMsPerDay;
  constexpr int kMaxSuggestions = 10;
  Duplicates out;
  rt_.db.read([&](soci::session& sql) {
    const auto scope = scope_condition(who);
    std::map<std::int64_t, Duplicate> found;  // by id, newest first when read back reversed
    if (!q.caller_phone.empty()) {
      for (auto& a : open_by_phone(sql, q.caller_phone, since, scope, kMaxSuggestions + 1)) {
        if (q.exclude_id && a.id == *q.exclude_id) continue;
        auto& d = found[a.id];
        d.reasons.push_back("same_phone");
        d.appeal = std::move(a);
      }
      if (q.category_id) out.repeat = has_recent_appeal(rt_.db, sql, q.caller_phone, *q.category_id, since);
    }
    if (q.category_id && q.lng && q.lat && !q.content.empty()) {
      // A box around the point that holds the circle, then the exact distance and the text.
      const double dlat = settings.duplicate_radius_m / 111'195.0;
      const double dlng = dlat / std::max(0.01, std::cos(*q.lat * 3.14159265358979323846 / 180.0));
      constexpr int kMaxNearby = 500;
      for (auto& a : open_in_box(sql, *q.category_id, *q.lng - dlng, *q.lng + dlng, *q.lat - dlat, *q.lat + dlat, scope,
                                 kMaxNearby)) {
        if ((q.exclude_id && a.id == *q.exclude_id) || !a.lng || !a.lat) continue;
        const double metres = distance_m(*q.lng, *q.lat, *a.lng, *a.lat);
        if (metres > settings.duplicate_radius_m) continue;
        const double sim = bigram_similarity(q.content, a.content);
        if (sim < settings.duplicate_similarity) continue;
        auto& d = found[a.id];
        d.reasons.push_back("nearby_similar");
        d.distance_m = metres;
        d.similarity = sim;
        d.appeal = std::move(a);
      }
    }
    for (auto it = found.rbegin(); it != found.rend() && out.items.size() < kMaxSuggestions; ++it)
      out.items.push_back(std::move(it->second));
  });
  return out;
}

StatsTable AppealService::stats(const Principal& who, StatsGroup group, const StatsFilter& f) {
  if (!who.can("appeals:stats")) throw Error::forbidden("无权查看诉求统计", "you may not view appeal statistics");
  refresh_stats();
  const auto scope = scope_condition(who);
  return rt_.db.read([&](soci::session& sql) {
    auto counts = !f.scan && rollup_serves(sql, f, scope) ? count_appeals_rollup(sql, group, f)
                                                          : count_appeals(sql, group, f, scope);
    return build_table(group, std::move(counts), load_stats_names(sql));
  });
}

std::vector<RankRow> AppealService::ranking(const Principal& who, const StatsFilter& f) {
  return rank_units(stats(who, StatsGroup::kUnit, f), snapshot()->settings);
}

std::vector<HotTown> AppealService::hot_spots(const Principal& who, const StatsFilter& f, int top) {
  if (!who.can("appeals:stats")) throw Error::forbidden("无权查看诉求统计", "you may not view appeal statistics");
  // The previous period: as long as this one, ending where it starts.
  const auto previous_from = f.from - (f.to - f.from);
  refresh_stats();
  const auto scope = scope_condition(who);
  return rt_.db.read([&](soci::session& sql) {
    StatsFilter both = f;
    both.from = previous_from;
    auto counts = !f.scan && rollup_serves(sql, both, scope) ? count_town_categories_rollup(sql, previous_from, f)
                                                             : count_town_categories(sql, previous_from, f, scope);
    return appeals::hot_spots(std::move(counts), load_stats_names(sql), top);
  });
}

Settings AppealService::settings() const { return snapshot()->settings; }

Settings AppealService::update_settings(const Principal& who, const platform::Actor& actor,
                                        const nlohmann::json& changes) {
  if (!who.can("appeals:config")) throw Error::forbidden("无权修改诉求设置", "you may not change appeal settings");
  const auto before = snapshot()->settings;
  const auto after = apply_settings(before, changes);
  rt_.db.write([&](Tx& tx) {
    for (const auto& [key, value] : to_stored(after)) set_setting(tx.sql, key, value);
    platform::audit_operation(tx, actor, "appeal_settings", "appeals", "update", to_json(before), to_json(after));
  });
  reload_snapshot();
  return after;
}

// ------------------------------------------------------------------- actions

CaseView AppealService::act(const Principal& who, const platform::Actor& actor, std::int64_t id,
                            const ActionInput& in) {
  if (!who.can("appeals:read")) throw Error::forbidden("无权办理诉求", "you may not act on appeals");
  rt_.db.write([&](Tx& tx) {
    if (!visible(tx.sql, who, id)) throw not_found();
    auto loaded = load_appeal(tx.sql, id);
    if (!loaded) throw not_found();
    Appeal a = *loaded;
    const Role role = role_of(tx.sql, who, a);
    Facts facts{a.state, a.extension_pending, a.lead_region_id.has_value(), a.sub_region_id.has_value()};
    auto allowed = allowed_actions(facts, role);
    if (std::find(allowed.begin(), allowed.end(), in.action) == allowed.end()) {
      // Would this user ever be allowed this action? If not, it is a matter of rights (403);
      // if so, of the case's state (409, with what is allowed now).
      bool ever = false;
      for (auto s : all<State>()) {
        for (bool ext : {false, true})
          for (bool sub : {false, true}) {
            auto other = allowed_actions(Facts{s, ext, facts.lead_is_region, sub}, role);
            ever = ever || std::find(other.begin(), other.end(), in.action) != other.end();
          }
      }
      if (!ever)
        throw Error::forbidden("无权对该诉求执行此操作：" + std::string(label_zh(in.action)),
                               "you may not " + std::string(code(in.action)) + " this appeal");
      nlohmann::json names = nlohmann::json::array();
      for (auto x : allowed) names.push_back(code(x));
      throw Error::conflict(
          "appeal-transition",
          "诉求当前状态（" + std::string(label_zh(a.state)) + "）不能" + std::string(label_zh(in.action)),
          "cannot " + std::string(code(in.action)) + " an appeal in state " + std::string(code(a.state)))
          .with("state", std::string(code(a.state)))
          .with("allowed_actions", names);
    }
    perform(tx, who, actor, a, in, who.name);
  });
  return get(who, id);
}

void AppealService::perform(Tx& tx, const Principal& who, const platform::Actor& actor, Appeal& a,
                            const ActionInput& in, const std::string& user_name) {
  const auto before = state_json(a);
  const State from = a.state;
  const auto now = platform::now_ms();
  std::string note = in.note;
  ActionInput input = in;
  // 重办 has a limit: after max_reopens the callback's outcome is final and the case closes.
  if (input.callback) input.callback->final_round = a.reopen_count >= snapshot()->settings.max_reopens;
  apply(tx.sql, who, a, input, now, note);
  a.state = next_state(from, input.action, input.callback);
  if (!update_appeal(tx.sql, a))
    throw Error::conflict("appeal-changed", "诉求已被他人更新，请刷新后重试",
                          "the appeal changed meanwhile; reload and retry");
  nlohmann::json data = nlohmann::json::object();
  if (in.lead_department_id) data["lead_department_id"] = *in.lead_department_id;
  if (in.lead_region_id) data["lead_region_id"] = *in.lead_region_id;
  if (!in.co_department_ids.empty()) data["co_department_ids"] = in.co_department_ids;
  if (in.region_id) data["region_id"] = *in.region_id;
  if (in.extra_days) data["extra_days"] = *in.extra_days;
  if (in.result) data["result"] = code(*in.result);
  if (in.callback) {
    data["reached"] = in.callback->reached;
    data["solved"] = in.callback->solved;
    if (in.callback->satisfaction) data["satisfaction"] = code(*in.callback->satisfaction);
  }
  if (in.master_id) data["master_id"] = *in.master_id;
  if (!in.attachment_ids.empty()) data["attachment_ids"] = in.attachment_ids;
  if (in.supervise_level) data["level"] = *in.supervise_level;
  append_timeline(
      rt_.db, tx.sql,
      {0, a.id, now, user_of(who), user_name, in.action, from, a.state, note, data.empty() ? "" : data.dump()});
  platform::audit_operation(tx, actor, "appeal", std::to_string(a.id), std::string(code(in.action)), before,
                            state_json(a));
  rt_.bus.publish(tx, "appeals.case." + std::string(code(in.action)),
                  {{"id", a.id}, {"number", a.number}, {"from", code(from)}, {"to", code(a.state)}});
  if (a.state == State::kClosed && from != State::kClosed) {
    // Merged duplicates close with their master's reply.
    close_merged(tx.sql, a.id, now, a.reply_text,
                 a.reply_result ? std::string(code(*a.reply_result)) : std::string("solved"));
  }
}

void AppealService::apply(soci::session& sql, const Principal& who, Appeal& a, const ActionInput& in, std::int64_t now,
                          std::string& note) {
  auto need = [](bool ok, const char* field, const std::string& zh, const std::string& en) {
    if (!ok) throw field_error(field, zh, en);
  };
  switch (in.action) {
    case Action::kAnswer:
      need(in.text && !in.text->empty(), "text", "请填写答复内容", "text is required");
      a.reply_text = in.text;
      a.reply_result = ReplyResult::kSolved;
      a.replied_at = now;
      a.closed_at = now;
      break;
    case Action::kDispatch: {
      need(in.lead_department_id.has_value() != in.lead_region_id.has_value(), "lead_department_id",
           "请指定一个主办单位（部门或镇街）", "give exactly one lead unit: a department or a town");
      if (in.lead_department_id)
        need(department_path(sql, *in.lead_department_id).has_value(), "lead_department_id", "主办部门不存在",
             "no such department");
      if (in.lead_region_id)
        need(region_level(sql, *in.lead_region_id) == std::optional<std::string>("town"), "lead_region_id",
             "主办镇街不存在", "no such town");
      for (auto d : in.co_department_ids) {
        need(department_path(sql, d).has_value(), "co_department_ids", "协办部门不存在", "no such co-department");
        need(d != in.lead_department_id.value_or(0), "co_department_ids", "协办单位不能与主办单位相同",
             "a co-unit cannot be the lead unit");
      }
      a.lead_department_id = in.lead_department_id;
      a.lead_region_id = in.lead_region_id;
      a.sub_region_id.reset();
      a.dispatched_at = now;
      a.signed_at.reset();
      a.extension_pending = false;
      set_due_dates(sql, a, now);
      a.warning = Warning::kGreen;
      set_co_units(sql, a.id, in.co_department_ids);
      break;
    }
    case Action::kSign:
      a.signed_at = now;
      if (a.sign_due_at && now > *a.sign_due_at) a.sign_late = true;
      break;
    case Action::kSubdispatch: {
      need(in.region_id.has_value(), "region_id", "请选择村居或网格", "region_id is required");
      auto level = region_level(sql, *in.region_id);
      auto path = region_path(sql, *in.region_id);
      auto lead = region_path(sql, *a.lead_region_id);
      need(level && (*level == "village" || *level == "grid") && path && lead && starts_with(*path, *lead) &&
               *path != *lead,
           "region_id", "只能派给本镇街下属的村居或网格", "only a village or grid of the lead town");
      a.sub_region_id = in.region_id;
      break;
    }
    case Action::kRequestReturn: {
      need(!in.note.empty(), "note", "请填写退单理由", "give the grounds for the return");
      insert_request(sql, a.id, UnitRequest{0, "return", in.note, std::nullopt, "pending"}, who.user_id, now);
      break;
    }
    case Action::kApproveReturn:
    case Action::kRejectReturn: {
      auto r = pending_request(sql, a.id, "return");
      if (r) decide_request(sql, r->id, in.action == Action::kApproveReturn, who.user_id, now);
      if (in.action == Action::kApproveReturn) {
        ++a.return_count;
        a.lead_department_id.reset();
        a.lead_region_id.reset();
        a.sub_region_id.reset();
        a.signed_at.reset();
        set_co_units(sql, a.id, {});
      } else if (!a.signed_at) {
        a.signed_at = now;  // the unit must now handle it
      }
      break;
    }
    case Action::kRequestExtension: {
      need(in.extra_days && *in.extra_days >= 1 && *in.extra_days <= 60, "extra_days", "延期天数应为 1–60 个工作日",
           "extra_days must be 1-60 working days");
      need(!in.note.empty(), "note", "请填写延期理由", "give the reason for the extension");
      need(a.handle_due_at.has_value(), "extra_days", "该诉求尚无办理期限", "the appeal has no due date yet");
      const auto cal = rt_.calendar();
      auto day = cal->add_working_days(platform::local_date_of(*a.handle_due_at), *in.extra_days);
      insert_request(sql, a.id, UnitRequest{0, "extension", in.note, close_of_office(day, hours_), "pending"},
                     who.user_id, now);
      a.extension_pending = true;
      break;
    }
    case Action::kApproveExtension:
    case Action::kRejectExtension: {
      auto r = pending_request(sql, a.id, "extension");
      if (r) {
        decide_request(sql, r->id, in.action == Action::kApproveExtension, who.user_id, now);
        if (in.action == Action::kApproveExtension) {
          a.handle_due_at = r->new_due_at;
          ++a.extension_count;
        }
      }
      a.extension_pending = false;
      break;
    }
    case Action::kReply:
      need(in.text && !in.text->empty(), "text", "请填写办理结果", "text is required");
      need(in.result.has_value(), "result", "请选择办理结果（已解决/部分解决/未解决）", "result is required");
      if (!in.attachment_ids.empty()) {
        std::set<std::int64_t> mine;
        for (const auto& att : load_attachments(sql, a.id)) mine.insert(att.id);
        for (auto id : in.attachment_ids)
          need(mine.count(id) > 0, "attachment_ids", "附件不属于此诉求：" + std::to_string(id),
               "not an attachment of this appeal: " + std::to_string(id));
      }
      a.reply_text = in.text;
      a.reply_result = in.result;
      a.replied_at = now;
      if (a.handle_due_at && now > *a.handle_due_at) a.handle_late = true;
      if (a.dispatched_at) {
        // Handling time in working days (office time ÷ one office day); unknown past the calendar.
        try {
          const auto worked = platform::working_time_between(*a.dispatched_at, now, *rt_.calendar(), hours_);
          a.handle_days = static_cast<double>(worked.count()) /
                          static_cast<double>(std::chrono::milliseconds(hours_.daily_total()).count());
        } catch (const Error&) {
          a.handle_days.reset();
        }
      }
      break;
    case Action::kApprove:
      break;
    case Action::kSendBack:
      need(!in.note.empty(), "note", "请填写退回理由", "give the reason");
      break;
    case Action::kCallback: {
      need(in.callback.has_value(), "reached", "请填写回访结果", "the callback outcome is required");
      const auto& o = *in.callback;
      need(!o.reached || o.satisfaction.has_value(), "satisfaction", "已联系上来电人时须填写满意度",
           "satisfaction is required when the caller was reached");
      a.callback_reached = o.reached;
      if (o.reached) {
        a.callback_solved = o.solved;
        a.satisfaction = o.satisfaction;
      }
      if (reopens(o)) {
        ++a.reopen_count;
        a.replied_at.reset();
        set_due_dates(sql, a, now);  // a fresh handling period for the reopened case
        a.warning = Warning::kGreen;
        if (note.empty()) note = "重办";
      } else if (o.reached) {
        a.closed_at = now;
      }
      break;
    }
    case Action::kClose:
      a.closed_at = now;
      break;
    case Action::kArchive:
      a.archived_at = now;
      break;
    case Action::kSupervise: {
      need(in.supervise_level == std::optional<std::string>("district") ||
               in.supervise_level == std::optional<std::string>("department"),
           "level", "督办级别应为 district 或 department", "level must be district or department");
      need(in.supervise_due_date.has_value(), "due_date", "请填写督办期限", "due_date is required");
      auto due = close_of_office(platform::parse_date(*in.supervise_due_date), hours_);
      need(due > now, "due_date", "督办期限应晚于现在", "due_date must be in the future");
      a.supervise_level = in.supervise_level;
      a.supervise_due_at = due;
      break;
    }
    case Action::kRemind:
    case Action::kRegister:
      break;
    case Action::kMerge: {
      need(in.master_id.has_value() && *in.master_id != a.id, "master_id", "请指定另一件主诉求",
           "master_id is required");
      auto master = load_appeal(sql, *in.master_id);
      need(master && visible(sql, who, master->id), "master_id", "主诉求不存在", "no such master appeal");
      need(master->state != State::kMerged, "master_id", "不能并入已并单的诉求", "the master is itself merged");
      a.master_id = in.master_id;
      break;
    }
  }
}

// ------------------------------------------------------------------- warnings

int AppealService::refresh_stats() {
  int total = 0;
  for (;;) {
    const int n = rt_.db.write([](Tx& tx) { return refresh_stats_rollup(tx.sql, 50'000); });
    total += n;
    if (n == 0) return total;
  }
}

int AppealService::index_text() {
  constexpr int kBatch = 20000;
  int total = 0;
  for (;;) {
    const int n = rt_.db.write([](Tx& tx) { return index_new_content(tx.sql, tx.dialect, kBatch); });
    total += n;
    if (n < kBatch) return total;
  }
}

int AppealService::refresh_warnings(std::int64_t now) {
  const auto cal = rt_.calendar();
  // Decide on a read snapshot; write only what changed, in one transaction (a version check
  // per case leaves one that an action changed meanwhile to the next pass).
  auto cases = rt_.db.read([](soci::session& sql) { return open_with_due_dates(sql); });
  std::vector<std::pair<Appeal, Warning>> changes;
  for (auto& a : cases) {
    Appeal b = a;
    const auto from = a.warning;
    if (b.sla_pending && b.dispatched_at) {
      rt_.db.read([&](soci::session& sql) { set_due_dates(sql, b, *b.dispatched_at); });
    }
    colour(b, now, warning_rule_, *cal, hours_);
    if (b.warning == from && b.sla_pending == a.sla_pending && b.sign_late == a.sign_late &&
        b.handle_late == a.handle_late)
      continue;
    changes.emplace_back(std::move(b), from);
  }
  if (changes.empty()) return 0;
  int changed = 0;
  rt_.db.write([&](Tx& tx) {
    for (auto& [b, from] : changes) {
      if (!update_appeal(tx.sql, b)) continue;
      if (from != b.warning) {
        ++changed;
        rt_.bus.publish(tx, "appeals.case.warning",
                        {{"id", b.id}, {"number", b.number}, {"from", code(from)}, {"to", code(b.warning)}});
      }
    }
  });
  return changed;
}

}  // namespace ecity::appeals
