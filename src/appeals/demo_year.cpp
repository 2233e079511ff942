#include "appeals/demo_year.h"

#include "appeals/service.h"
#include "appeals/settings.h"
#include "appeals/sla.h"
#include "appeals/store.h"
#include "appeals/workflow.h"

#include "platform/calendar/working_hours.h"
#include "platform/db/row.h"
#include "platform/error.h"
#include "platform/org/geometry.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/geometry/algorithms/envelope.hpp>
#include <boost/geometry/algorithms/within.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <random>

namespace ecity::appeals {

using namespace std::chrono;
using platform::Calendar;
using platform::get_i64;
using platform::get_str;
using platform::opt_str;

namespace {

constexpr std::int64_t kMinute = 60'000, kHour = 60 * kMinute, kDay = 24 * kHour;
// An event past the calendar's years (or past the end) has not happened.
constexpr std::int64_t kNever = INT64_MAX;

using Rng = std::mt19937_64;

struct Leaf {
  Category category;
  std::string top_code;
  double weight = 1;
  bool summer = false, winter = false;
};

struct Place {
  std::int64_t grid = 0, village = 0, town = 0;
  std::string town_name, village_name;
  platform::LngLatMultiPolygon shape;
  platform::LngLatBox box;
};

template <typename T>
struct Mix {
  std::vector<T> values;
  std::discrete_distribution<std::size_t> dist;
  T pick(Rng& rng) { return values[dist(rng)]; }
};

template <typename E>
Mix<E> mix_of(const nlohmann::json& shares) {
  Mix<E> m;
  std::vector<double> w;
  for (const auto& [k, v] : shares.items()) {
    auto e = parse<E>(k);
    if (!e) throw Error::invalid("demo-params", "演示参数中的取值无效：" + k, "unknown code in demo parameters: " + k);
    m.values.push_back(*e);
    w.push_back(v.template get<double>());
  }
  m.dist = std::discrete_distribution<std::size_t>(w.begin(), w.end());
  return m;
}

class Simulator {
 public:
  Simulator(platform::Runtime& rt, const nlohmann::json& params, const DemoYearOptions& o)
      : rt_(rt),
        p_(params),
        cal_(rt.calendar()),
        hours_(platform::OfficeHours::parse(rt.config.calendar.office_hours)),
        rng_(o.seed),
        end_(o.end_ms),
        channels_(mix_of<Channel>(params.at("channels"))),
        types_(mix_of<AppealType>(params.at("types"))),
        urgencies_(mix_of<Urgency>(params.at("urgencies"))) {
    load_reference();
  }

  // Every case's creation time, in order.
  std::vector<std::int64_t> arrivals(int n) {
    const auto end_day = floor<days>(sys_time<milliseconds>(milliseconds(end_ + 8 * kHour)));
    std::vector<double> day_weight;
    std::vector<sys_days> dates;
    for (int i = 365; i >= 1; --i) {
      const sys_days d = end_day - days{i};
      const year_month_day ymd{d};
      double w = 1;
      const bool weekend = weekday{d}.c_encoding() == 0 || weekday{d}.c_encoding() == 6;
      if (!cal_->contains(ymd)) {
        w = weekend ? 0.75 : 1;
      } else if (!cal_->is_working_day(ymd)) {
        w = weekend ? 0.75 : 0.6;  // a holiday on a weekday: quieter than a weekend
      }
      const double doy = static_cast<double>((d - sys_days{ymd.year() / January / 1}).count());
      w *= 1 + 0.2 * std::cos(2 * M_PI * (doy - 200) / 365);  // busiest in July
      day_weight.push_back(w);
      dates.push_back(d);
    }
    static const double kHourWeight[24] = {1, 0.5, 0.3, 0.3, 0.3, 0.5, 1, 3, 6, 9,   9, 8,
                                           6, 6,   8,   8,   7,   6,   5, 4, 3, 2.5, 2, 1.5};
    std::discrete_distribution<int> day_dist(day_weight.begin(), day_weight.end());
    std::discrete_distribution<int> hour_dist(std::begin(kHourWeight), std::end(kHourWeight));
    std::vector<std::int64_t> out;
    out.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      const auto d = dates[static_cast<std::size_t>(day_dist(rng_))];
      const std::int64_t local =
          duration_cast<milliseconds>(d.time_since_epoch()).count() + hour_dist(rng_) * kHour + uniform(0, kHour - 1);
      out.push_back(local - 8 * kHour);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  // Plays one case from intake as far as `end_` allows.
  void play(Appeal& a, std::vector<TimelineEntry>& tl) {
    intake(a);
    const auto& leaf = leaves_[leaf_of_case_];
    auto entry = [&](std::int64_t at, Action action, State from, State to, const std::string& who,
                     const std::string& note = "") {
      tl.push_back({0, a.id, at, std::nullopt, who, action, from, to, note, ""});
    };
    entry(a.created_at, Action::kRegister, State::kRegistered, State::kRegistered, "12345话务员");
    const double direct_share = a.type == AppealType::kConsult ? p_["direct_answer"].value("consult", 0.65)
                                                               : p_["direct_answer"].value("default", 0.06);
    if (chance(direct_share)) {
      const auto t = a.created_at + uniform(3, 20) * kMinute;
      if (t > end_) return;
      a.reply_text = "话务员已当场解答：" + pick_text("replies");
      a.reply_result = ReplyResult::kSolved;
      a.replied_at = a.closed_at = t;
      a.state = next_state(State::kRegistered, Action::kAnswer);
      entry(t, Action::kAnswer, State::kRegistered, a.state, "12345话务员");
      archive(a, entry);
      return;
    }
    // Dispatch: the town for local matters, otherwise the responsible department.
    auto t = a.created_at + uniform(5, 60) * kMinute;
    if (t > end_) return;
    bool to_town = chance(town_share(leaf.top_code)) && a.town_id;
    dispatch(a, t, to_town, entry);
    if (chance(p_.value("return_share", 0.02))) {
      const auto asked = after_office(t, uniform(30, 240));
      if (asked > end_) return;
      a.state = next_state(a.state, Action::kRequestReturn);
      entry(asked, Action::kRequestReturn, State::kDispatched, a.state, unit_name(a), "非本单位职责，申请退回");
      const auto decided = after_office(asked, uniform(20, 180));
      if (decided > end_) return;
      a.state = next_state(a.state, Action::kApproveReturn);
      a.return_count = 1;
      entry(decided, Action::kApproveReturn, State::kReturnRequested, a.state, "派单员");
      t = decided + uniform(5, 30) * kMinute;
      if (t > end_) return;
      dispatch(a, t, !to_town && a.town_id, entry);
    }
    // Sign.
    const auto sign_limit = limit_of(a).sign.count();
    const bool late_sign = chance(p_.value("sign_late_share", 0.03));
    const auto signed_at = after_office(
        t, late_sign ? sign_limit + uniform(10, 240) : uniform(5, std::max<std::int64_t>(6, sign_limit * 9 / 10)));
    if (signed_at > end_) return;
    a.signed_at = signed_at;
    a.sign_late = a.sign_due_at && signed_at > *a.sign_due_at;
    a.state = next_state(a.state, Action::kSign);
    entry(signed_at, Action::kSign, State::kDispatched, a.state, unit_name(a));
    // Extension.
    if (chance(p_.value("extension_share", 0.03)) && a.handle_due_at) {
      const auto asked = after_office(signed_at, uniform(60, 420));
      if (asked > end_) return;
      a.extension_pending = true;
      entry(asked, Action::kRequestExtension, State::kHandling, State::kHandling, unit_name(a),
            "需协调多个部门，申请延期");
      const auto decided = after_office(asked, uniform(30, 240));
      if (decided > end_) return;
      a.extension_pending = false;
      try {
        const int extra = static_cast<int>(uniform(3, 10));
        a.handle_due_at =
            close_of_office(cal_->add_working_days(platform::local_date_of(*a.handle_due_at), extra), hours_);
      } catch (const Error&) {
        return;  // past the calendar: leave it pending the year's notice
      }
      a.extension_count = 1;
      entry(decided, Action::kApproveExtension, State::kHandling, State::kHandling, "派单员");
    }
    // Reply, review, callback; a reopened case runs them a second time.
    std::int64_t from = signed_at;
    for (int round = 0; round <= settings_.max_reopens; ++round) {
      const auto replied = reply_time(a, from);
      if (replied > end_) return;
      a.replied_at = replied;
      a.reply_text = pick_text("replies");
      a.reply_result =
          chance(0.96) ? ReplyResult::kSolved : (chance(0.75) ? ReplyResult::kPartly : ReplyResult::kUnsolved);
      a.handle_late = a.handle_late || (a.handle_due_at && replied > *a.handle_due_at);
      a.handle_days =
          static_cast<double>(platform::working_time_between(*a.dispatched_at, replied, *cal_, hours_).count()) /
          static_cast<double>(duration_cast<milliseconds>(hours_.daily_total()).count());
      a.state = next_state(a.state, Action::kReply);
      entry(replied, Action::kReply, State::kHandling, a.state, unit_name(a));
      auto reviewed = after_office(replied, uniform(10, 180));
      if (reviewed > end_) return;
      if (round == 0 && chance(p_.value("send_back_share", 0.01))) {
        a.state = next_state(a.state, Action::kSendBack);
        entry(reviewed, Action::kSendBack, State::kReplied, a.state, "派单员", "答复内容不完整，请补充办理情况");
        const auto again = after_office(reviewed, uniform(60, 300));
        if (again > end_) return;
        a.replied_at = again;
        a.state = next_state(a.state, Action::kReply);
        entry(again, Action::kReply, State::kHandling, a.state, unit_name(a));
        reviewed = after_office(again, uniform(10, 120));
        if (reviewed > end_) return;
      }
      a.state = next_state(a.state, Action::kApprove);
      entry(reviewed, Action::kApprove, State::kReplied, a.state, "派单员");
      // Callback: one or two tries.
      auto called = after_office(reviewed, uniform(30, 480));
      if (called > end_) return;
      bool reached = chance(p_.value("callback_reached_first", 0.93));
      if (!reached) {
        entry(called, Action::kCallback, State::kCallback, State::kCallback, "回访员", "未接通");
        a.callback_reached = false;
        called = after_office(called, uniform(240, 600));
        if (called > end_) return;
        reached = chance(p_.value("callback_reached_retry", 0.85));
        if (!reached) {
          a.state = next_state(a.state, Action::kClose);
          a.closed_at = called;
          entry(called, Action::kClose, State::kCallback, a.state, "派单员", "多次回访未接通，按办理结果办结");
          archive(a, entry);
          return;
        }
      }
      CallbackOutcome o{true, true, Satisfaction::kSatisfied};
      // After 重办 callers are mostly content; those who are not stay on record (the case
      // closes: 重办 is limited to max_reopens).
      o.satisfaction = round == 0 ? satisfaction_.pick(rng_) : second_satisfaction_.pick(rng_);
      o.solved = *o.satisfaction == Satisfaction::kDissatisfied ? chance(0.3)
                 : *o.satisfaction == Satisfaction::kBasicallySatisfied
                     ? chance(0.97)
                     : !chance(p_.value("unsolved_when_satisfied", 0.004));
      o.final_round = a.reopen_count >= settings_.max_reopens;
      a.callback_reached = true;
      a.callback_solved = o.solved;
      a.satisfaction = o.satisfaction;
      const auto before = a.state;
      a.state = next_state(a.state, Action::kCallback, o);
      entry(called, Action::kCallback, before, a.state, "回访员", std::string(label_zh(*o.satisfaction)));
      if (a.state == State::kClosed) {
        a.closed_at = called;
        archive(a, entry);
        return;
      }
      // 重办: a fresh handling period from the callback.
      ++a.reopen_count;
      try {
        a.handle_due_at = handle_due(called, limit_of(a).handle_days, *cal_, hours_);
      } catch (const Error&) {
        a.handle_due_at.reset();
        a.sla_pending = true;
      }
      from = called;
    }
  }

  const std::string& prefix() const { return settings_.number_prefix; }

 private:
  std::int64_t uniform(std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
  }
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

  std::int64_t after_office(std::int64_t t, std::int64_t minutes_of_office) {
    if (t == kNever) return kNever;
    try {
      return platform::deadline_after_working_hours(t, minutes{minutes_of_office}, *cal_, hours_);
    } catch (const Error&) {
      return kNever;
    }
  }

  double town_share(const std::string& top) const {
    const auto& s = p_.at("town_share");
    return s.contains(top) ? s[top].get<double>() : s.value("default", 0.25);
  }

  const SlaLimit& limit_of(const Appeal& a) {
    const auto key = std::make_pair(a.category_id, a.urgency);
    auto it = sla_.find(key);
    if (it == sla_.end()) {
      auto limit =
          rt_.db.read([&](soci::session& sql) { return find_sla(sql, leaves_[leaf_of_case_].category, a.urgency); });
      it = sla_.emplace(key, limit.value_or(SlaLimit{})).first;
    }
    return it->second;
  }

  template <typename Entry>
  void dispatch(Appeal& a, std::int64_t t, bool to_town, Entry& entry) {
    const auto& leaf = leaves_[leaf_of_case_];
    a.lead_department_id.reset();
    a.lead_region_id.reset();
    if (to_town) {
      a.lead_region_id = a.town_id;
    } else {
      a.lead_department_id = department_for(leaf.top_code);
    }
    const auto from = a.state;
    a.dispatched_at = t;
    a.state = next_state(a.state, Action::kDispatch);
    try {
      a.sign_due_at = sign_due(t, limit_of(a), *cal_, hours_);
      a.handle_due_at = handle_due(t, limit_of(a).handle_days, *cal_, hours_);
      a.sla_pending = false;
    } catch (const Error&) {
      a.sign_due_at.reset();
      a.handle_due_at.reset();
      a.sla_pending = true;
    }
    entry(t, Action::kDispatch, from, a.state, "派单员", "请" + unit_name(a) + "办理");
  }

  std::int64_t department_for(const std::string& top) const {
    const auto& m = p_.at("lead_department");
    auto code = m.contains(top) ? m[top].get<std::string>() : std::string("200001");
    auto it = departments_.find(code);
    if (it == departments_.end())
      throw Error::invalid("demo-params", "演示参数中的部门编码不存在：" + code, "no department with code " + code);
    return it->second;
  }

  std::string unit_name(const Appeal& a) const {
    if (a.lead_department_id) return department_names_.at(*a.lead_department_id);
    if (a.lead_region_id) return region_names_.at(*a.lead_region_id);
    return "承办单位";
  }

  // Handling time: most replies within a few working days, a few late ones.
  std::int64_t reply_time(const Appeal& a, std::int64_t from) {
    const double days_of_work = std::min(12.0, std::lognormal_distribution<double>(0.3, 0.7)(rng_));
    const auto office_day = duration_cast<minutes>(hours_.daily_total()).count();
    auto t = after_office(from, static_cast<std::int64_t>(days_of_work * static_cast<double>(office_day)));
    if (!a.handle_due_at) return t;
    if (chance(p_.value("handle_late_share", 0.012))) return *a.handle_due_at + uniform(kHour, 2 * kDay);
    if (t > *a.handle_due_at) t = std::max(from + 10 * kMinute, *a.handle_due_at - uniform(10, 180) * kMinute);
    return t;
  }

  template <typename Entry>
  void archive(Appeal& a, Entry& entry) {
    const auto t = *a.closed_at + uniform(2, 5) * kDay;
    if (t > end_) return;
    const auto from = a.state;
    a.state = next_state(a.state, Action::kArchive);
    a.archived_at = t;
    entry(t, Action::kArchive, from, a.state, "派单员");
  }

  std::string pick_text(const char* key) {
    const auto& r = p_.at(key);
    return r[static_cast<std::size_t>(uniform(0, static_cast<std::int64_t>(r.size()) - 1))].get<std::string>();
  }

  void intake(Appeal& a) {
    const auto month = static_cast<unsigned>(
        year_month_day{floor<days>(sys_time<milliseconds>(milliseconds(a.created_at + 8 * kHour)))}.month());
    const bool summer = month >= 6 && month <= 8, winter = month == 12 || month <= 2;
    auto& dist = summer ? summer_dist_ : (winter ? winter_dist_ : leaf_dist_);
    leaf_of_case_ = dist(rng_);
    const auto& leaf = leaves_[leaf_of_case_];
    a.category_id = leaf.category.id;
    a.channel = channels_.pick(rng_);
    a.type = types_.pick(rng_);
    if (leaf.top_code == "15" && chance(0.5)) a.type = AppealType::kConsult;
    a.urgency = urgencies_.pick(rng_);
    const auto& place = places_[static_cast<std::size_t>(uniform(0, static_cast<std::int64_t>(places_.size()) - 1))];
    platform::LngLatPoint pt;
    bool inside = false;
    for (int i = 0; i < 20 && !inside; ++i) {
      pt = {std::uniform_real_distribution<double>(place.box.min_corner().x(), place.box.max_corner().x())(rng_),
            std::uniform_real_distribution<double>(place.box.min_corner().y(), place.box.max_corner().y())(rng_)};
      inside = boost::geometry::within(pt, place.shape);
    }
    if (!inside)
      pt = {(place.box.min_corner().x() + place.box.max_corner().x()) / 2,
            (place.box.min_corner().y() + place.box.max_corner().y()) / 2};
    a.lng = std::round(pt.x() * 1e6) / 1e6;
    a.lat = std::round(pt.y() * 1e6) / 1e6;
    a.region_id = place.grid;
    a.town_id = place.town;
    const auto street = pick_text("streets");
    a.address = fmt::format("{}{}{}{}号附近", place.town_name, place.village_name, street, uniform(1, 300));
    a.content = fmt::format("来电反映{}{}一带{}问题，{}，请相关部门尽快核实处理。", place.town_name, street,
                            leaf.category.name, pick_text("details"));
    a.anonymous = chance(p_.value("anonymous_share", 0.03));
    a.confidential = !a.anonymous && chance(p_.value("confidential_share", 0.01));
    if (!a.anonymous && !recent_.empty() && chance(p_.value("follow_up_share", 0.05))) {
      // A follow-up: someone who called in the last weeks calls again about the same thing.
      const auto& r = recent_[static_cast<std::size_t>(uniform(0, static_cast<std::int64_t>(recent_.size()) - 1))];
      if (a.created_at - r.at <= std::int64_t{settings_.duplicate_days} * kDay) {
        a.caller_phone = r.phone;
        a.caller_name = r.name;
        a.category_id = r.category;
        leaf_of_case_ = r.leaf;
        a.content = fmt::format("再次反映{}一带{}问题，前次反映后仍未彻底解决，{}。", a.address,
                                leaves_[r.leaf].category.name, pick_text("details"));
      }
    }
    if (!a.anonymous && a.caller_phone.empty()) {
      // Callers: a pool in which some call often (repeat appeals come from here).
      const double u = std::uniform_real_distribution<double>(0, 1)(rng_);
      const auto caller = static_cast<std::int64_t>(std::pow(u, 1.6) * static_cast<double>(callers_));
      a.caller_phone = fmt::format("1{}{:09d}", 3 + caller % 7, (caller * 7919 + 12345) % 1000000000);
      const auto& surnames = p_.at("surnames");
      a.caller_name = surnames[static_cast<std::size_t>(caller) % surnames.size()].get<std::string>() +
                      (caller % 2 == 0 ? "先生" : "女士");
    }
    if (!a.anonymous) {
      auto& last = last_call_[{a.caller_phone, a.category_id}];
      a.is_repeat = last != 0 && a.created_at - last <= std::int64_t{settings_.duplicate_days} * kDay;
      last = a.created_at;
      constexpr std::size_t kRecent = 20000;
      Recent r{a.created_at, a.caller_phone, a.caller_name, a.category_id, leaf_of_case_};
      if (recent_.size() < kRecent) {
        recent_.push_back(std::move(r));
      } else {
        recent_[recent_next_++ % kRecent] = std::move(r);
      }
    }
  }

  void load_reference() {
    rt_.db.read([&](soci::session& sql) {
      settings_ = settings_from(load_settings(sql));
      std::map<std::int64_t, bool> has_children;
      auto cats = load_categories(sql);
      for (const auto& c : cats)
        if (c.parent_id) has_children[*c.parent_id] = true;
      std::map<std::int64_t, std::string> top_code;
      for (const auto& c : cats)
        if (!c.parent_id) top_code[c.id] = c.code;
      const auto& boost = p_.at("category_weight_boost");
      auto in = [](const nlohmann::json& list, const std::string& name) {
        return std::find(list.begin(), list.end(), name) != list.end();
      };
      for (const auto& c : cats) {
        if (has_children[c.id] || !c.active) continue;
        Leaf l;
        l.category = c;
        l.top_code = top_code[std::stoll(c.path.substr(1, c.path.find('/', 1) - 1))];
        l.weight = boost.value(c.name, 1.0);
        l.summer = in(p_.at("summer_categories"), c.name);
        l.winter = in(p_.at("winter_categories"), c.name);
        leaves_.push_back(std::move(l));
      }
      {
        soci::rowset<soci::row> rows = sql.prepare << "SELECT id, code, name FROM departments";
        for (const auto& r : rows) {
          departments_[get_str(r, 1)] = get_i64(r, 0);
          department_names_[get_i64(r, 0)] = get_str(r, 2);
        }
      }
      std::map<std::int64_t, std::pair<std::int64_t, std::string>> parent;  // id → (parent, level)
      soci::rowset<soci::row> rows = sql.prepare
                                     << "SELECT id, COALESCE(parent_id, 0), level, name, geometry FROM regions";
      std::vector<std::pair<std::int64_t, std::string>> grids;
      for (const auto& r : rows) {
        const auto id = get_i64(r, 0);
        parent[id] = {get_i64(r, 1), get_str(r, 2)};
        region_names_[id] = get_str(r, 3);
        if (get_str(r, 2) == "grid")
          if (auto g = opt_str(r, 4)) grids.emplace_back(id, *g);
      }
      for (const auto& [id, geometry] : grids) {
        Place pl;
        pl.grid = id;
        pl.village = parent[id].first;
        pl.town = parent[pl.village].second == "town" ? pl.village : parent[pl.village].first;
        pl.town_name = region_names_[pl.town];
        pl.village_name = pl.village != pl.town ? region_names_[pl.village] : "";
        pl.shape = platform::parse_geojson_geometry(nlohmann::json::parse(geometry));
        boost::geometry::envelope(pl.shape, pl.box);
        places_.push_back(std::move(pl));
      }
    });
    if (leaves_.empty() || places_.empty())
      throw Error::invalid("demo-missing", "演示诉求需要先载入诉求分类和带边界的网格",
                           "the demo year needs the catalogue and grids with geometry");
    auto dist_for = [&](int season) {
      std::vector<double> w;
      for (const auto& l : leaves_)
        w.push_back(l.weight * ((season == 1 && l.summer) || (season == 2 && l.winter) ? 2.5 : 1));
      return std::discrete_distribution<std::size_t>(w.begin(), w.end());
    };
    leaf_dist_ = dist_for(0);
    summer_dist_ = dist_for(1);
    winter_dist_ = dist_for(2);
    satisfaction_ = mix_of<Satisfaction>(p_.at("satisfaction"));
    second_satisfaction_ = mix_of<Satisfaction>(p_.at("satisfaction_after_reopen"));
  }

  platform::Runtime& rt_;
  const nlohmann::json& p_;
  std::shared_ptr<const Calendar> cal_;
  platform::OfficeHours hours_;
  Rng rng_;
  std::int64_t end_;
  Settings settings_;
  Mix<Channel> channels_;
  Mix<AppealType> types_;
  Mix<Urgency> urgencies_;
  Mix<Satisfaction> satisfaction_, second_satisfaction_;
  std::vector<Leaf> leaves_;
  std::discrete_distribution<std::size_t> leaf_dist_, summer_dist_, winter_dist_;
  std::size_t leaf_of_case_ = 0;
  std::vector<Place> places_;
  std::map<std::string, std::int64_t> departments_;
  std::map<std::int64_t, std::string> department_names_, region_names_;
  std::map<std::pair<std::int64_t, Urgency>, SlaLimit> sla_;
  std::map<std::pair<std::string, std::int64_t>, std::int64_t> last_call_;
  std::int64_t callers_ = 200000;
  struct Recent {
    std::int64_t at = 0;
    std::string phone, name;
    std::int64_t category = 0;
    std::size_t leaf = 0;
  };
  std::vector<Recent> recent_;  // the last callers, for follow-up calls
  std::size_t recent_next_ = 0;
};

}  // namespace

DemoYearResult load_demo_year(platform::Runtime& rt, const std::string& params_file, const DemoYearOptions& options) {
  DemoYearResult result;
  const bool empty = rt.db.read([](soci::session& sql) { return max_appeal_id(sql) == 0; });
  if (!empty || options.appeals <= 0) {
    result.skipped = !empty;
    return result;
  }
  std::ifstream in(params_file);
  if (!in) throw Error::invalid("file-missing", "找不到文件 " + params_file, "file not found: " + params_file);
  const auto params = nlohmann::json::parse(in, nullptr, false);
  if (params.is_discarded())
    throw Error::invalid("malformed-json", "文件不是合法的 JSON：" + params_file, "not valid JSON: " + params_file);
  DemoYearOptions o = options;
  if (o.end_ms == 0) o.end_ms = platform::now_ms();
  // The district's dispatch catalogue: each top-level category to its department (the same
  // table the simulation dispatches by), unless the centre has written its own.
  rt.db.write([&](platform::Tx& tx) {
    if (!load_dispatch_rules(tx.sql).empty()) return;
    std::map<std::string, std::int64_t> departments;
    soci::rowset<soci::row> rows = tx.sql.prepare << "SELECT id, code FROM departments";
    for (const auto& r : rows) departments[get_str(r, 1)] = get_i64(r, 0);
    for (const auto& c : load_categories(tx.sql)) {
      if (c.parent_id || !params.at("lead_department").contains(c.code)) continue;
      auto d = departments.find(params["lead_department"][c.code].get<std::string>());
      if (d == departments.end()) continue;
      DispatchRule rule;
      rule.category_id = c.id;
      rule.lead_department_id = d->second;
      upsert_dispatch_rule(tx.sql, rule);
    }
  });
  Simulator sim(rt, params, o);
  const auto times = sim.arrivals(o.appeals);
  const auto hours = platform::OfficeHours::parse(rt.config.calendar.office_hours);
  std::map<std::string, int> last_of_day;
  constexpr std::size_t kBatch = 20000;
  std::vector<Appeal> batch;
  std::vector<TimelineEntry> timeline;
  std::int64_t next_id = 1;
  auto flush = [&] {
    rt.db.write([&](platform::Tx& tx) {
      constexpr int kBulkCacheMib = 256;  // a batch's pages stay in memory until its commit
      set_page_cache(tx.sql, tx.dialect, kBulkCacheMib);
      tx.after_commit([&rt, &tx] {
        try {
          set_page_cache(tx.sql, tx.dialect, rt.config.database.sqlite_cache_mib);
        } catch (const std::exception& e) {
          spdlog::warn("event=page_cache_restore_failed error=\"{}\"", e.what());
        }
      });
      insert_appeals_bulk(tx.sql, tx.dialect, batch);
      insert_timeline_bulk(tx.sql, tx.dialect, timeline);
      index_new_content(tx.sql, tx.dialect, static_cast<int>(batch.size()));
    });
    result.appeals += static_cast<int>(batch.size());
    result.timeline += static_cast<int>(timeline.size());
    batch.clear();
    timeline.clear();
  };
  WarningRule rule;
  const auto cal = rt.calendar();
  for (const auto created : times) {
    Appeal a;
    a.id = next_id++;
    a.created_at = created;
    const auto day = platform::format_date(platform::local_date_of(created));
    const std::string ymd = day.substr(0, 4) + day.substr(5, 2) + day.substr(8, 2);
    const int seq = ++last_of_day[ymd];
    a.number = fmt::format("{}{}{:06d}", sim.prefix(), ymd, seq);
    sim.play(a, timeline);
    if (is_open(a.state)) colour(a, o.end_ms, rule, *cal, hours);
    batch.push_back(std::move(a));
    if (batch.size() >= kBatch) flush();
  }
  if (!batch.empty()) flush();
  rt.db.write([&](platform::Tx& tx) {
    for (const auto& [day, last] : last_of_day) raise_number(tx.sql, day, last);
    sync_id_sequences(tx.sql, tx.dialect);
    rebuild_stats_rollup(tx.sql);  // the bulk insert logged nothing
    platform::audit_operation(tx, platform::Actor{std::nullopt, "system", "127.0.0.1"}, "appeal", "demo-year", "import",
                              nullptr, {{"appeals", result.appeals}, {"timeline", result.timeline}, {"seed", o.seed}});
  });
  while (rt.db.write([](platform::Tx& tx) { return refresh_stats_rollup(tx.sql, 50'000); }) > 0) {
  }
  // PostgreSQL plans by its statistics, which autovacuum would gather only later: a search over
  // millions of fresh rows planned with none can pick a full scan.
  if (rt.db.dialect() == platform::Dialect::kPostgresql) rt.db.read([](soci::session& sql) { sql << "ANALYZE"; });
  return result;
}

}  // namespace ecity::appeals
