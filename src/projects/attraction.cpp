#include "projects/attraction.h"

#include "platform/auth/masking.h"
#include "platform/calendar/working_hours.h"
#include "platform/db/row.h"
#include "platform/db/where.h"
#include "platform/error.h"
#include "platform/http/fields.h"
#include "platform/runtime.h"

#include <fmt/format.h>

#include <map>

namespace ecity::projects {

namespace {

using ecity::Error;
using platform::Principal;
using platform::Tx;

constexpr Yuan kYi = 100'000'000;

constexpr const char* kLeadColumns =
    "l.id, l.name, l.investor, l.industry, l.amount, l.talent_id, l.town_id, l.stage, l.signed_on, l.registered_on, "
    "l.started_on, l.project_id, l.note, l.created_at, l.updated_at, l.version, t.name";

int stage_index(std::string_view s) {
  const auto& all = lead_stages();
  for (std::size_t i = 0; i < all.size(); ++i)
    if (all[i] == s) return static_cast<int>(i);
  return s == "dropped" ? 100 : -1;
}

nlohmann::json lead_of(const soci::row& r) {
  auto opt_i = [&](std::size_t i) {
    const auto v = platform::opt_i64(r, i);
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  auto opt_s = [&](std::size_t i) {
    const auto v = platform::opt_str(r, i);
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  const auto amount = platform::get_i64(r, 4);
  return {{"id", platform::get_i64(r, 0)},
          {"name", platform::get_str(r, 1)},
          {"investor", platform::get_str(r, 2)},
          {"industry", platform::get_str(r, 3)},
          {"amount_yuan", amount},
          {"bracket", amount_bracket(amount)},
          {"talent_id", opt_i(5)},
          {"town_id", opt_i(6)},
          {"stage", platform::get_str(r, 7)},
          {"signed_on", opt_s(8)},
          {"registered_on", opt_s(9)},
          {"started_on", opt_s(10)},
          {"project_id", opt_i(11)},
          {"note", platform::get_str(r, 12)},
          {"created_at", platform::get_i64(r, 13)},
          {"updated_at", platform::get_i64(r, 14)},
          {"version", platform::get_i64(r, 15)},
          {"talent_name", opt_s(16)}};
}

std::optional<nlohmann::json> load(soci::session& sql, std::int64_t id) {
  long long lid = id;
  soci::rowset<soci::row> rows =
      (sql.prepare << fmt::format("SELECT {} FROM prj_leads l LEFT JOIN prj_talents t ON t.id = l.talent_id WHERE "
                                  "l.id = :id",
                                  kLeadColumns),
       soci::use(lid));
  for (const auto& r : rows) return lead_of(r);
  return std::nullopt;
}

Error forbidden_attract() { return Error::forbidden("无权维护招商信息", "you may not manage investment leads"); }

Yuan amount_of(platform::Fields& f, const nlohmann::json& body, const char* name, bool required) {
  if (!body.contains(name)) {
    if (required) f.fail(name, "必填", "is required");
    return 0;
  }
  const auto& v = body[name];
  const std::string text = v.is_string() ? v.get<std::string>() : v.is_number() ? v.dump() : "";
  const auto yuan = parse_wan(text);
  if (!yuan || *yuan < 0) {
    f.fail(name, "应为非负金额（万元，至多 4 位小数）", "must be a non-negative amount in 10k yuan");
    return 0;
  }
  return *yuan;
}

}  // namespace

const std::vector<std::string_view>& lead_stages() {
  static const std::vector<std::string_view> kAll = {"lead",       "negotiating", "signed",
                                                     "registered", "started",     "converted"};
  return kAll;
}

std::string_view amount_bracket(Yuan amount) {
  if (amount >= 50 * kYi) return "ge50";
  if (amount >= 10 * kYi) return "10to50";
  if (amount >= kYi) return "1to10";
  return "lt1";
}

nlohmann::json AttractionService::add_talent(const Principal& who, const platform::Actor& actor,
                                             const nlohmann::json& body) {
  if (!who.can("projects:attract")) throw forbidden_attract();
  platform::Fields f(body, {"name", "phone", "organisation", "city", "field", "note"});
  const auto name = f.str("name", 32);
  const auto phone = f.opt_str("phone", 20).value_or("");
  for (char c : phone)
    if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == ' '))
      f.fail("phone", "电话号码只能含数字、空格、- 和 +", "digits, blanks, - and + only");
  const auto org = f.opt_str("organisation", 100).value_or("");
  const auto city = f.opt_str("city", 32).value_or("");
  const auto field = f.opt_str("field", 32).value_or("");
  const auto note = f.opt_str("note", 500).value_or("");
  f.done();
  return rt_.db.write([&](Tx& tx) {
    long long at = platform::now_ms(), id = 0;
    tx.sql << "INSERT INTO prj_talents (name, phone, organisation, city, field, note, created_at) VALUES (:n, :p, :o, "
              ":c, :f, :no, :a) RETURNING id",
        soci::use(name), soci::use(phone), soci::use(org), soci::use(city), soci::use(field), soci::use(note),
        soci::use(at), soci::into(id);
    nlohmann::json out = {{"id", id},     {"name", name},   {"phone", phone}, {"organisation", org},
                          {"city", city}, {"field", field}, {"note", note}};
    platform::audit_operation(tx, actor, "project_talent", std::to_string(id), "create", nullptr, out);
    if (!who.can("pii:read")) out["phone"] = platform::mask_phone(phone);
    return out;
  });
}

nlohmann::json AttractionService::talents(const Principal& who, const std::optional<std::string>& q) {
  if (!who.can("projects:read")) throw Error::forbidden();
  const bool pii = who.can("pii:read");
  return rt_.db.read([&](soci::session& sql) {
    nlohmann::json items = nlohmann::json::array();
    const std::string like = platform::contains_pattern(q.value_or(""));
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT t.id, t.name, t.phone, t.organisation, t.city, t.field, t.note, (SELECT COUNT(*) FROM "
                        "prj_leads l WHERE l.talent_id = t.id), (SELECT COUNT(*) FROM prj_leads l WHERE l.talent_id = "
                        "t.id AND l.stage IN ('signed', 'registered', 'started', 'converted')) FROM prj_talents t "
                        "WHERE t.name LIKE :q ESCAPE '!' OR t.organisation LIKE :q2 ESCAPE '!' ORDER BY t.id",
         soci::use(like), soci::use(like));
    for (const auto& r : rows) {
      const auto phone = platform::get_str(r, 2);
      items.push_back({{"id", platform::get_i64(r, 0)},
                       {"name", platform::get_str(r, 1)},
                       {"phone", pii ? phone : platform::mask_phone(phone)},
                       {"organisation", platform::get_str(r, 3)},
                       {"city", platform::get_str(r, 4)},
                       {"field", platform::get_str(r, 5)},
                       {"note", platform::get_str(r, 6)},
                       {"leads", platform::get_i64(r, 7)},
                       {"signed", platform::get_i64(r, 8)}});
    }
    return nlohmann::json{{"items", items}};
  });
}

nlohmann::json AttractionService::add_lead(const Principal& who, const platform::Actor& actor,
                                           const nlohmann::json& body) {
  if (!who.can("projects:attract")) throw forbidden_attract();
  platform::Fields f(body, {"name", "investor", "industry", "amount_wan", "talent_id", "town_id", "note"});
  const auto name = f.str("name", 100);
  const auto investor = f.opt_str("investor", 100).value_or("");
  const auto industry = f.str("industry", 32);
  const auto amount = amount_of(f, body, "amount_wan", true);
  const auto talent = f.opt_id("talent_id");
  const auto town = f.opt_id("town_id");
  const auto note = f.opt_str("note", 1000).value_or("");
  f.done();
  return rt_.db.write([&](Tx& tx) {
    long long n = 0;
    tx.sql << "SELECT COUNT(*) FROM prj_industries WHERE code = :c", soci::use(industry), soci::into(n);
    if (n == 0)
      throw Error::invalid("validation", "未知产业类别", "unknown industry").on_field("industry", "未知", "unknown");
    if (talent) {
      long long t = *talent;
      tx.sql << "SELECT COUNT(*) FROM prj_talents WHERE id = :t", soci::use(t), soci::into(n);
      if (n == 0)
        throw Error::invalid("validation", "引荐人不存在", "no such contact")
            .on_field("talent_id", "不存在", "does not exist");
    }
    platform::Nullable<long long> t(talent), tw(town);
    long long a = amount, at = platform::now_ms(), id = 0;
    tx.sql << "INSERT INTO prj_leads (name, investor, industry, amount, talent_id, town_id, stage, note, created_at, "
              "updated_at) VALUES (:n, :i, :ind, :a, :t, :tw, 'lead', :no, :at, :at2) RETURNING id",
        soci::use(name), soci::use(investor), soci::use(industry), soci::use(a), soci::use(t.value, t.ind),
        soci::use(tw.value, tw.ind), soci::use(note), soci::use(at), soci::use(at), soci::into(id);
    auto out = load(tx.sql, id);
    platform::audit_operation(tx, actor, "project_lead", std::to_string(id), "create", nullptr, *out);
    return *out;
  });
}

nlohmann::json AttractionService::advance(const Principal& who, const platform::Actor& actor, std::int64_t id,
                                          const nlohmann::json& body) {
  if (!who.can("projects:attract")) throw forbidden_attract();
  platform::Fields f(body, {"stage", "on", "project_id", "amount_wan", "version"});
  const auto stage = f.str("stage", 16);
  const auto on = f.opt_str("on", 10);
  const auto project = f.opt_id("project_id");
  const bool new_amount = body.contains("amount_wan");
  const auto amount = amount_of(f, body, "amount_wan", false);
  const auto version = f.integer("version", 1, INT32_MAX);
  if (stage_index(stage) < 0) f.fail("stage", "未知阶段", "unknown stage");
  std::string date = on.value_or(platform::format_date(platform::local_date_of(platform::now_ms())));
  try {
    platform::parse_date(date);
  } catch (const Error&) {
    f.fail("on", "日期应为 YYYY-MM-DD", "must be a date YYYY-MM-DD");
  }
  if (date > platform::format_date(platform::local_date_of(platform::now_ms())))
    f.fail("on", "日期不能晚于今天", "cannot be in the future");
  if (stage == "converted" && !project) f.fail("project_id", "转为重点项目须指明项目", "name the key project");
  f.done();
  auto before = rt_.db.read([&](soci::session& sql) { return load(sql, id); });
  if (!before) throw Error::not_found("招商线索不存在", "no such lead");
  const int from = stage_index((*before)["stage"].get<std::string>()), to = stage_index(stage);
  if (from >= stage_index("converted") || to <= from)
    throw Error::conflict("state", "只能推进到后续阶段（或终止）", "a lead only moves forward (or is dropped)");
  if (project) projects_.get(who, *project);
  return rt_.db.write([&](Tx& tx) {
    long long lid = id, at = platform::now_ms(), a = new_amount ? amount : (*before)["amount_yuan"].get<Yuan>();
    int v = static_cast<int>(version);
    platform::Nullable<long long> p(project);
    // Each stage reached on the way gets the date, unless it has one already.
    const bool ahead = to != stage_index("dropped");
    int is_signed = ahead && to >= stage_index("signed") ? 1 : 0,
        is_registered = ahead && to >= stage_index("registered") ? 1 : 0,
        is_started = ahead && to >= stage_index("started") ? 1 : 0;
    soci::statement st =
        (tx.sql.prepare
             << "UPDATE prj_leads SET stage = :s, amount = :a, project_id = COALESCE(:p, project_id), "
                "signed_on = CASE WHEN :signed = 1 THEN COALESCE(signed_on, :d1) ELSE signed_on END, "
                "registered_on = CASE WHEN :reg = 1 THEN COALESCE(registered_on, :d2) ELSE registered_on END, "
                "started_on = CASE WHEN :st = 1 THEN COALESCE(started_on, :d3) ELSE started_on END, "
                "updated_at = :at, version = version + 1 WHERE id = :id AND version = :v",
         soci::use(stage), soci::use(a), soci::use(p.value, p.ind), soci::use(is_signed), soci::use(date),
         soci::use(is_registered), soci::use(date), soci::use(is_started), soci::use(date), soci::use(at),
         soci::use(lid), soci::use(v));
    st.execute(true);
    if (st.get_affected_rows() != 1)
      throw Error::conflict("stale", "线索已被他人修改，请刷新后重试", "the lead changed meanwhile; reload and retry");
    auto after = load(tx.sql, id);
    platform::audit_operation(tx, actor, "project_lead", std::to_string(id), "advance", *before, *after);
    rt_.bus.publish(tx, "projects.lead.advanced", {{"lead_id", id}, {"stage", stage}});
    return *after;
  });
}

nlohmann::json AttractionService::leads(const Principal& who, const std::optional<std::string>& stage,
                                        std::optional<int> signed_year) {
  if (!who.can("projects:read")) throw Error::forbidden();
  if (stage && stage_index(*stage) < 0)
    throw Error::invalid("validation", "未知阶段", "unknown stage").on_field("stage", "未知", "unknown");
  return rt_.db.read([&](soci::session& sql) {
    std::string where = "1 = 1";
    if (stage) where += " AND l.stage = '" + *stage + "'";  // a known stage name, checked above
    if (signed_year) where += fmt::format(" AND l.signed_on LIKE '{}-%'", *signed_year);
    nlohmann::json items = nlohmann::json::array();
    soci::rowset<soci::row> rows =
        sql.prepare << fmt::format(
            "SELECT {} FROM prj_leads l LEFT JOIN prj_talents t ON t.id = l.talent_id WHERE {} "
            "ORDER BY l.id DESC LIMIT 2000",
            kLeadColumns, where);
    for (const auto& r : rows) items.push_back(lead_of(r));
    return nlohmann::json{{"items", items}};
  });
}

nlohmann::json AttractionService::funnel(const Principal& who, int year) {
  if (!who.can("projects:read")) throw Error::forbidden();
  return rt_.db.read([&](soci::session& sql) {
    std::map<std::string, int> reached;
    std::map<std::string, std::pair<int, Yuan>> brackets;
    std::map<std::string, std::pair<int, Yuan>> industries;
    int dropped = 0, signed_over_100m = 0;
    const std::string prefix = fmt::format("{}-", year);
    soci::rowset<soci::row> rows = sql.prepare
                                   << "SELECT stage, amount, industry, signed_on, created_at FROM prj_leads";
    for (const auto& r : rows) {
      const auto stage = platform::get_str(r, 0);
      const auto amount = platform::get_i64(r, 1);
      const auto signed_on = platform::opt_str(r, 3);
      const bool signed_this_year = signed_on && signed_on->rfind(prefix, 0) == 0;
      const int at = stage_index(stage);
      if (at == 100) {
        ++dropped;
        continue;
      }
      // The funnel: every open or advanced lead counts at each stage up to where it stands; from
      // signing on, only those signed in the year.
      for (int s = 0; s <= at; ++s) {
        if (s >= 2 && !signed_this_year) break;
        ++reached[std::string(lead_stages()[static_cast<std::size_t>(s)])];
      }
      if (!signed_this_year) continue;
      auto& b = brackets[std::string(amount_bracket(amount))];
      ++b.first;
      b.second += amount;
      auto& i = industries[platform::get_str(r, 2)];
      ++i.first;
      i.second += amount;
      if (amount >= kYi) ++signed_over_100m;
    }
    nlohmann::json funnel = nlohmann::json::array();
    for (auto s : lead_stages()) funnel.push_back({{"stage", s}, {"count", reached[std::string(s)]}});
    nlohmann::json by_bracket = nlohmann::json::array();
    for (const char* b : {"lt1", "1to10", "10to50", "ge50"})
      by_bracket.push_back({{"bracket", b}, {"count", brackets[b].first}, {"amount_yuan", brackets[b].second}});
    nlohmann::json by_industry = nlohmann::json::array();
    for (const auto& [code, x] : industries)
      by_industry.push_back({{"industry", code}, {"count", x.first}, {"amount_yuan", x.second}});
    return nlohmann::json{{"year", year},
                          {"funnel", funnel},
                          {"dropped", dropped},
                          {"signed_over_100m", signed_over_100m},
                          {"by_bracket", by_bracket},
                          {"by_industry", by_industry}};
  });
}

}  // namespace ecity::projects
