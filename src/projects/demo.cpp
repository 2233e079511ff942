#include "projects/demo.h"

#include "projects/module.h"

#include "platform/calendar/working_hours.h"
#include "platform/db/row.h"
#include "platform/error.h"

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cmath>
#include <set>

namespace ecity::projects {

namespace {

constexpr int kYear = 2022, kMonths = 10;
constexpr Yuan kWan = 10'000;
constexpr Yuan kYiDemo = 100'000'000;
constexpr Yuan kPlanTotalWan = 1'061'300;      // 106.13亿元
constexpr Yuan kAcceptedTotalWan = 1'483'700;  // 148.37亿元

struct Industry {
  const char* code;
  const char* name;
  const char* lead_unit;  // department code
  std::vector<const char*> projects;
};

const std::vector<Industry>& industries() {
  static const std::vector<Industry> kAll = {
      {"equipment",
       "高端装备制造",
       "200005",
       {"年产2万台（套）智能农机装备项目", "精密铸造件智能化改造项目", "新能源汽车零部件产业园项目",
        "数控机床关键部件项目", "高端轴承生产线项目", "智能仓储装备制造项目", "输变电设备扩能项目",
        "工程机械配套件项目", "工业机器人集成应用项目", "液压件生产线项目"}},
      {"materials",
       "新材料",
       "200005",
       {"年产30万吨新型干混砂浆项目", "高性能玻璃纤维复合材料项目", "锂电池正极材料项目", "新型环保建材产业园项目",
        "碳化硅陶瓷材料项目", "光伏组件封装材料项目", "再生铝精深加工项目", "特种纸新材料项目"}},
      {"chemicals",
       "精细化工",
       "200005",
       {"化工园区公用工程提升项目", "医药中间体技改项目", "高端树脂新材料项目", "化工园区智慧安全监管平台项目",
        "水性涂料生产线项目"}},
      {"health",
       "医养健康",
       "200019",
       {"区人民医院新院区项目", "中医院康养中心项目", "医养结合养老服务中心项目", "医疗器械产业园项目",
        "区疾控中心实验室提升项目"}},
      {"food",
       "石榴及农副产品精深加工",
       "200016",
       {"石榴精深加工产业园项目", "石榴汁饮品生产线扩建项目", "冷链物流中心项目", "优质粮食仓储加工项目",
        "现代农业产业园项目", "食用菌工厂化生产项目", "石榴茶与石榴籽油加工项目"}},
      {"tourism",
       "文化旅游",
       "200018",
       {"冠世榴园景区提升项目", "匡衡文化园项目", "青檀寺景区配套项目", "石榴博物馆及研学基地项目",
        "全域旅游集散中心项目", "乡村振兴田园综合体项目"}},
      {"infrastructure",
       "基础设施",
       "200013",
       {"城区雨污分流改造项目", "峄城大沙河综合治理项目", "老旧小区改造项目", "城区道路及管网提升项目",
        "农村公路提档升级项目", "污水处理厂扩建项目", "集中供热管网延伸项目", "城市更新片区开发项目",
        "高标准农田建设项目", "智慧城市（数智e城）建设项目", "城乡供水一体化项目", "物流园区道路配套项目"}},
      {"livelihood",
       "社会民生",
       "200003",
       {"区实验学校新建项目", "第二实验幼儿园项目", "保障性租赁住房项目", "全民健身中心项目", "职业教育实训基地项目",
        "社区综合服务中心项目", "区图书馆文化馆项目", "殡仪服务中心提升项目"}},
  };
  return kAll;
}

constexpr std::array<const char*, 11> kLeaders = {
    "区委书记",       "区长",           "区委副书记",         "常务副区长",       "分管工业副区长", "分管城建副区长",
    "分管农业副区长", "分管文旅副区长", "分管社会事业副区长", "区人大常委会主任", "区政协主席"};

// Town codes and their governments (department codes).
constexpr std::array<std::pair<const char*, const char*>, 7> kTowns = {{{"370404001000", "200032"},
                                                                        {"370404002000", "200033"},
                                                                        {"370404100000", "200034"},
                                                                        {"370404101000", "200035"},
                                                                        {"370404102000", "200036"},
                                                                        {"370404103000", "200037"},
                                                                        {"370404104000", "200038"}}};

// The lagging projects (by index) and their completion of plan by October.
constexpr std::array<std::pair<int, double>, 8> kLagging = {
    {{4, 0.45}, {11, 0.52}, {19, 0.58}, {27, 0.62}, {33, 0.66}, {40, 0.70}, {48, 0.73}, {55, 0.75}}};
// Of those, the ones that missed their July report (sent with August's).
constexpr std::array<int, 2> kMissedJuly = {19, 48};
// New projects that started later than planned, by how many months.
constexpr std::array<std::pair<int, int>, 3> kLateStart = {{{6, 1}, {27, 2}, {41, 1}}};

// A number in [0, 1) from a key (splitmix64).
double unit(std::uint64_t key) {
  key += 0x9E3779B97F4A7C15ULL;
  key = (key ^ (key >> 30)) * 0xBF58476D1CE4E5B9ULL;
  key = (key ^ (key >> 27)) * 0x94D049BB133111EBULL;
  key ^= key >> 31;
  return static_cast<double>(key >> 11) / static_cast<double>(1ULL << 53);
}

std::optional<std::int64_t> id_of(soci::session& sql, const char* table, const std::string& code) {
  long long id = 0;
  soci::indicator ind = soci::i_null;
  sql << fmt::format("SELECT id FROM {} WHERE code = :c", table), soci::use(code), soci::into(id, ind);
  return ind == soci::i_ok ? std::optional<std::int64_t>(id) : std::nullopt;
}

// Local epoch ms of a date and hour.
std::int64_t at_local(int year, int month, int day, int hour) {
  using namespace std::chrono;
  const auto d = sys_days(
      year_month_day{std::chrono::year(year), std::chrono::month(unsigned(month)), std::chrono::day(unsigned(day))});
  return (d.time_since_epoch().count() * 24 + hour - 8) * 3'600'000LL;
}

// Splits `total` (万元) over months 1…kMonths by weights; the last month takes the rounding.
std::array<Yuan, kMonths> spread(Yuan total, const std::array<double, kMonths>& w) {
  double sum = 0;
  for (double x : w) sum += x;
  std::array<Yuan, kMonths> out{};
  Yuan given = 0;
  for (int k = 0; k + 1 < kMonths; ++k) {
    out[static_cast<std::size_t>(k)] = std::llround(static_cast<double>(total) * w[static_cast<std::size_t>(k)] / sum);
    given += out[static_cast<std::size_t>(k)];
  }
  out[kMonths - 1] = total - given;
  return out;
}

std::vector<std::size_t> all_lagging(std::size_t n) {
  std::vector<std::size_t> out;
  for (const auto& [i, r] : kLagging)
    if (static_cast<std::size_t>(i) < n) out.push_back(static_cast<std::size_t>(i));
  return out;
}

// Issues of 2022: the lagging projects' (land, funding, approvals, relocation), some resolved at
// their unit's level, some taken to the joint meetings and one to the district government; and
// the four joint meetings that decided them.
void load_issues_and_meetings(platform::Runtime& rt, const std::vector<std::int64_t>& ids,
                              const std::vector<std::size_t>& lagging, std::map<std::string, std::int64_t>& units) {
  struct Demo {
    std::size_t project;
    const char* title;
    const char* kind;
    const char* unit;  // department code
    int month, day, working_days, level;
    const char* resolved_on;  // nullptr: open
    const char* resolution;
    int meeting;  // index into the meetings, -1 for none
  };
  const std::vector<Demo> issues = {
      {lagging[0], "项目用地指标未落实，影响二期厂房开工", "land", "200011", 3, 8, 20, 2, "2022-06-20",
       "调剂用地指标 45 亩，已完成组卷报批", 1},
      {lagging[0], "银行贷款审批进度慢，设备款支付滞后", "funding", "200009", 5, 12, 15, 2, nullptr, "", 2},
      {lagging[1], "施工许可因消防设计审查退回", "approvals", "200027", 4, 6, 10, 1, "2022-05-06",
       "补正材料后已取得施工许可证", -1},
      {lagging[2], "厂区南侧 6 户民房尚未完成搬迁", "relocation", "200034", 3, 15, 30, 3, nullptr, "", 3},
      {lagging[3], "110 千伏线路迁改未完成，影响场地平整", "utilities", "900001", 6, 2, 20, 2, "2022-09-16",
       "供电公司完成迁改并通电", 2},
      {lagging[4], "项目环评批复待市局审批", "approvals", "200012", 2, 20, 15, 1, "2022-03-30", "已取得环评批复", -1},
      {lagging[5], "技术工人招聘缺口约 80 人", "labour", "200010", 7, 5, 20, 1, nullptr, "", -1},
      {lagging[6], "配套道路未贯通，大型设备无法进场", "utilities", "200014", 8, 10, 25, 2, "2022-10-18",
       "临时便道已贯通，设备已进场", 3},
      {lagging[7], "土地出让金分期缴纳方案待批", "funding", "200009", 9, 1, 15, 1, nullptr, "", -1},
      {1, "施工期间夜间噪声投诉", "other", "200012", 6, 20, 5, 1, "2022-06-24", "调整作业时间并加装隔声屏障", -1},
      {8, "规划条件调整需重新论证", "approvals", "200011", 4, 11, 20, 2, "2022-06-28", "联席会议同意调整容积率", 1},
  };
  struct Meeting {
    const char* held_on;
    const char* title;
  };
  const std::vector<Meeting> meetings = {{"2022-03-25", "2022 年第一次重点项目联席会议"},
                                         {"2022-06-15", "2022 年第二次重点项目联席会议"},
                                         {"2022-09-09", "2022 年第三次重点项目联席会议"},
                                         {"2022-10-21", "2022 年第四次重点项目联席会议"}};
  const platform::Actor system{std::nullopt, "demo", "127.0.0.1"};
  const auto calendar = rt.calendar();
  rt.db.write([&](platform::Tx& tx) {
    std::vector<long long> meeting_ids;
    for (const auto& m : meetings) {
      long long id = 0, at = platform::now_ms();
      const std::string held = m.held_on, title = m.title, chair = "常务副区长",
                        attendees = "区发展改革局、自然资源局、住房城乡建设局、行政审批服务局、财政局及有关镇街";
      tx.sql << "INSERT INTO prj_meetings (held_on, title, chair, attendees, minutes, created_at) VALUES (:h, :t, :c, "
                ":a, '', :at) RETURNING id",
          soci::use(held), soci::use(title), soci::use(chair), soci::use(attendees), soci::use(at), soci::into(id);
      meeting_ids.push_back(id);
    }
    for (const auto& d : issues) {
      if (d.project >= ids.size()) continue;
      const std::string raised = fmt::format("{}-{:02}-{:02}", kYear, d.month, d.day);
      const auto deadline =
          platform::format_date(calendar->add_working_days(platform::parse_date(raised), d.working_days));
      const std::string title = d.title, kind = d.kind, status = d.resolved_on ? "resolved" : "open",
                        resolution = d.resolution;
      platform::Nullable<std::string> resolved(d.resolved_on ? std::optional<std::string>(d.resolved_on)
                                                             : std::nullopt);
      long long pid = ids[d.project], unit = units.count(d.unit) ? units[d.unit] : units["200002"],
                at = platform::now_ms(), id = 0;
      int days = d.working_days, level = d.level;
      tx.sql << "INSERT INTO prj_issues (project_id, title, kind, unit_id, raised_on, working_days, deadline, level, "
                "status, resolution, resolved_on, created_at, updated_at) VALUES (:p, :t, :k, :u, :r, :w, :dl, :l, "
                ":s, :res, :ro, :a, :a2) RETURNING id",
          soci::use(pid), soci::use(title), soci::use(kind), soci::use(unit), soci::use(raised), soci::use(days),
          soci::use(deadline), soci::use(level), soci::use(status), soci::use(resolution),
          soci::use(resolved.value, resolved.ind), soci::use(at), soci::use(at), soci::into(id);
      auto log = [&](const std::string& action, int lvl, const std::string& note, std::optional<long long> meeting) {
        platform::Nullable<long long> m(meeting);
        tx.sql << "INSERT INTO prj_issue_log (issue_id, action, level, note, meeting_id, at) VALUES (:i, :a, :l, :n, "
                  ":m, :at)",
            soci::use(id), soci::use(action), soci::use(lvl), soci::use(note), soci::use(m.value, m.ind), soci::use(at);
      };
      log("raise", 1, "", std::nullopt);
      for (int l = 2; l <= d.level; ++l)
        log("escalate", l, l == 2 ? "提请联席会议调度" : "提请区政府专题研究", std::nullopt);
      if (d.meeting >= 0) {
        const std::string decision = fmt::format("会议议定：由责任单位牵头，{} 个工作日内拿出解决方案", d.working_days);
        long long mid = meeting_ids[static_cast<std::size_t>(d.meeting)];
        tx.sql << "INSERT INTO prj_meeting_decisions (meeting_id, issue_id, decision, unit_id) VALUES (:m, :i, :d, :u)",
            soci::use(mid), soci::use(id), soci::use(decision), soci::use(unit);
        log("decide", d.level, decision, mid);
      }
      if (d.resolved_on) log("resolve", d.level, resolution, std::nullopt);
    }
    platform::audit_operation(tx, system, "project_issue", "demo", "import", nullptr,
                              {{"issues", issues.size()}, {"meetings", meetings.size()}});
  });
}

// A year of investment attraction: contacts of the talent database, and 2022's leads: 48 signed
// projects of over 100 million yuan (39 of 1–10亿, 7 of 10–50亿, 2 of 50亿 or more), a few smaller
// ones, others still in talks or dropped; some signed ones registered, started, or taken into the
// key-project list.
void load_attraction(platform::Runtime& rt, const std::vector<std::int64_t>& ids,
                     std::map<std::string, std::int64_t>& towns) {
  const platform::Actor system{std::nullopt, "demo", "127.0.0.1"};
  static const std::array<const char*, 10> kCities = {"北京", "上海", "深圳", "杭州", "苏州",
                                                      "济南", "青岛", "南京", "广州", "天津"};
  static const std::array<const char*, 8> kFields = {"装备制造", "新材料", "化工", "医药健康",
                                                     "食品",     "文旅",   "金融", "物流"};
  rt.db.write([&](platform::Tx& tx) {
    std::vector<long long> talents;
    for (int i = 0; i < 40; ++i) {
      const std::string name = fmt::format("峄城籍人士{:02}（演示）", i + 1),
                        phone = fmt::format("1385370{:04}", 2000 + i * 53),
                        org = fmt::format("{}某企业", kCities[static_cast<std::size_t>(i) % kCities.size()]),
                        city = kCities[static_cast<std::size_t>(i) % kCities.size()],
                        field = kFields[static_cast<std::size_t>(i) % kFields.size()];
      long long at = platform::now_ms(), id = 0;
      tx.sql << "INSERT INTO prj_talents (name, phone, organisation, city, field, note, created_at) VALUES (:n, :p, "
                ":o, :c, :f, '', :a) RETURNING id",
          soci::use(name), soci::use(phone), soci::use(org), soci::use(city), soci::use(field), soci::use(at),
          soci::into(id);
      talents.push_back(id);
    }
    std::vector<long long> town_list;
    for (const auto& [code, id] : towns) town_list.push_back(id);
    int n = 0;
    auto lead = [&](Yuan amount, const std::string& stage, int month) {
      const auto& ind = industries()[static_cast<std::size_t>(n) % industries().size()];
      const std::string name = fmt::format("{}招商项目{:02}（演示）", ind.name, n + 1),
                        investor = "意向投资企业（演示）", code = ind.code;
      const int stage_at = stage == "lead"          ? 0
                           : stage == "negotiating" ? 1
                           : stage == "signed"      ? 2
                           : stage == "registered"  ? 3
                           : stage == "started"     ? 4
                           : stage == "converted"   ? 5
                                                    : -1;
      platform::Nullable<std::string> signed_on, registered_on, started_on;
      if (stage_at >= 2)
        signed_on = platform::Nullable<std::string>(
            std::optional<std::string>(fmt::format("{}-{:02}-{:02}", kYear, month, 10 + n % 15)));
      if (stage_at >= 3)
        registered_on = platform::Nullable<std::string>(
            std::optional<std::string>(fmt::format("{}-{:02}-{:02}", kYear, std::min(month + 1, 12), 5 + n % 20)));
      if (stage_at >= 4)
        started_on = platform::Nullable<std::string>(
            std::optional<std::string>(fmt::format("{}-{:02}-{:02}", kYear, std::min(month + 2, 12), 8 + n % 18)));
      platform::Nullable<long long> project(
          stage == "converted" && static_cast<std::size_t>(n) < ids.size()
              ? std::optional<long long>(ids[static_cast<std::size_t>(n * 3 % ids.size())])
              : std::nullopt);
      long long talent = talents[static_cast<std::size_t>(n) % talents.size()],
                town = town_list[static_cast<std::size_t>(n) % town_list.size()], a = amount, at = platform::now_ms();
      tx.sql << "INSERT INTO prj_leads (name, investor, industry, amount, talent_id, town_id, stage, signed_on, "
                "registered_on, started_on, project_id, created_at, updated_at) VALUES (:n, :i, :ind, :a, :t, :tw, :s, "
                ":so, :ro, :sto, :p, :at, :at2)",
          soci::use(name), soci::use(investor), soci::use(code), soci::use(a), soci::use(talent), soci::use(town),
          soci::use(stage), soci::use(signed_on.value, signed_on.ind),
          soci::use(registered_on.value, registered_on.ind), soci::use(started_on.value, started_on.ind),
          soci::use(project.value, project.ind), soci::use(at), soci::use(at);
      ++n;
    };
    // Signed in 2022, over 100 million yuan: 39 + 7 + 2 = 48.
    const std::array<const char*, 5> later = {"signed", "registered", "started", "registered", "converted"};
    for (int i = 0; i < 39; ++i) {
      const auto tenths_of_yi = 10 + static_cast<int>(unit(static_cast<std::uint64_t>(i) * 31 + 7) * 89);  // 1.0–9.8亿
      lead(static_cast<Yuan>(tenths_of_yi) * kYiDemo / 10, later[static_cast<std::size_t>(i) % later.size()],
           1 + i % 12);
    }
    for (int i = 0; i < 7; ++i)
      lead(static_cast<Yuan>(12 + i * 5) * kYiDemo, later[static_cast<std::size_t>(i + 1) % 3], 2 + i);
    lead(55 * kYiDemo, "started", 4);
    lead(80 * kYiDemo, "registered", 9);
    // Smaller signed ones, talks, first contacts, dropped.
    for (int i = 0; i < 5; ++i) lead(static_cast<Yuan>(3'000 + i * 1'200) * kWan, "signed", 3 + i);
    for (int i = 0; i < 25; ++i) lead(static_cast<Yuan>(2 + i % 9) * kYiDemo, "negotiating", 1);
    for (int i = 0; i < 30; ++i) lead(static_cast<Yuan>(5'000 + i * 700) * kWan, "lead", 1);
    for (int i = 0; i < 6; ++i) lead(static_cast<Yuan>(1 + i) * kYiDemo, "dropped", 1);
    platform::audit_operation(tx, system, "project_lead", "demo", "import", nullptr,
                              {{"talents", talents.size()}, {"leads", n}});
  });
}

}  // namespace

DemoProjectsResult load_demo_projects(platform::Runtime& rt) {
  DemoProjectsResult result;
  auto* module = rt.module<ProjectsModule>();
  if (module == nullptr) throw Error::unavailable("重点项目模块未加载", "the projects module is not loaded");
  const platform::Actor system{std::nullopt, "demo", "127.0.0.1"};
  auto& projects = module->projects();
  for (std::size_t i = 0; i < industries().size(); ++i)
    projects.add_industry(system, industries()[i].code, industries()[i].name, static_cast<int>(i + 1));
  const bool present = rt.db.read([&](soci::session& sql) {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM prj_projects WHERE owner_company LIKE '%（演示）'", soci::into(n);
    return n > 0;
  });
  if (present) {
    result.skipped = true;
    return result;
  }
  // Departments and towns of the demo district; without them there is nothing to attach to.
  std::map<std::string, std::int64_t> units, towns;
  const bool ready = rt.db.read([&](soci::session& sql) {
    for (const auto& ind : industries()) {
      auto id = id_of(sql, "departments", ind.lead_unit);
      if (!id) return false;
      units[ind.lead_unit] = *id;
    }
    for (const auto& [region, dept] : kTowns) {
      auto r = id_of(sql, "regions", region);
      auto d = id_of(sql, "departments", dept);
      if (!r || !d) return false;
      towns[region] = *r;
      units[dept] = *d;
    }
    for (const char* extra : {"200002", "200031"}) {
      auto id = id_of(sql, "departments", extra);
      if (!id) return false;
      units[extra] = *id;
    }
    return true;
  });
  if (!ready) return result;

  // The projects, in industry order; plans drawn and scaled to 106.13亿元 exactly.
  struct Demo {
    ProjectInput in;
    Yuan plan_wan = 0;
    std::optional<int> planned_start_month;
    int start_delay = 0;
    double ratio = 1;  // completion of plan by October
    bool lagging = false, on_time = false;
  };
  std::vector<Demo> all;
  int index = 0;
  for (const auto& ind : industries())
    for (const char* name : ind.projects) {
      Demo d;
      const auto key = static_cast<std::uint64_t>(index) * 7919;
      const auto& town = kTowns[static_cast<std::size_t>(index) % kTowns.size()];
      d.in.name = name;
      d.in.code = std::optional<std::string>(fmt::format("2022-370404-{:02}-{:02}-{:06}",
                                                         10 + static_cast<int>(unit(key + 1) * 80), 1 + index % 5,
                                                         100'000 + index * 137));
      d.in.level = index % 20 == 0 ? "provincial" : index % 5 == 0 ? "city" : "county";
      d.in.industry = ind.code;
      const bool fresh = index % 3 == 1;  // a third are new this year
      d.in.nature = fresh ? "new" : index % 7 == 0 ? "expansion" : "continued";
      d.in.status = "construction";
      d.in.town_id = std::optional<std::int64_t>(towns[town.first]);
      // Town-led projects: every fifth; the others are led by the industry's department.
      const std::string lead = index % 5 == 2 ? town.second : ind.lead_unit;
      d.in.lead_unit_id = units[lead];
      d.in.co_unit_ids = std::vector<std::int64_t>{lead == town.second ? units[ind.lead_unit] : units[town.second]};
      d.in.leader_unit_id = std::optional<std::int64_t>(units["200002"]);
      d.in.leaders = std::vector<std::string>{kLeaders[static_cast<std::size_t>(index) % kLeaders.size()]};
      if (index % 4 == 0) d.in.leaders->push_back(kLeaders[static_cast<std::size_t>(index + 3) % kLeaders.size()]);
      d.in.owner_company = fmt::format("山东峄州{}有限公司（演示）", ind.name);
      d.in.owner_contact = "项目联系人";
      d.in.owner_phone = fmt::format("1396370{:04}", 1000 + index * 37 % 9000);
      d.in.content = fmt::format("{}：主要建设生产及配套设施，详见项目备案文件。", name);
      d.in.start_year = fresh ? kYear : kYear - 1;
      d.in.end_year = kYear + 1 + index % 2;
      d.plan_wan = 3'000 + static_cast<Yuan>(std::pow(unit(key + 2), 2.0) * 42'000);
      if (fresh) {
        d.planned_start_month = 2 + index % 5;  // February to June
        for (const auto& [i, delay] : kLateStart)
          if (i == index) d.start_delay = delay;
        const int start = *d.planned_start_month + d.start_delay;
        d.in.actual_start = std::optional<std::string>(fmt::format("{}-{:02}-{:02}", kYear, start, 8 + index % 15));
        d.in.planned_start = std::optional<std::string>(fmt::format("{}-{:02}-01", kYear, *d.planned_start_month));
      } else {
        d.in.actual_start = std::optional<std::string>(fmt::format("{}-{:02}-{:02}", kYear - 1, 3 + index % 9, 10));
        d.in.planned_start = d.in.actual_start;
      }
      d.in.planned_completion = std::optional<std::string>(fmt::format("{}-12-31", *d.in.end_year));
      const auto start = d.in.actual_start->value();
      d.in.approvals = std::map<std::string, std::string>{{"approval", start.substr(0, 4) + "-01-15"},
                                                          {"land", start.substr(0, 4) + "-01-28"},
                                                          {"planning", start.substr(0, 4) + "-02-05"},
                                                          {"eia", start.substr(0, 4) + "-02-10"},
                                                          {"permit", start}};
      for (const auto& [i, r] : kLagging)
        if (i == index) {
          d.lagging = true;
          d.ratio = r;
        }
      if (!d.lagging && index % 4 == 3) {
        d.on_time = true;
        d.ratio = 0.88 + unit(key + 3) * 0.37;
      }
      if (!d.lagging && !d.on_time) d.ratio = 1.4 + unit(key + 4) * 0.8;
      all.push_back(std::move(d));
      ++index;
    }
  // Plans to 106.13亿元 exactly (the largest takes the rounding).
  Yuan drawn = 0;
  for (const auto& d : all) drawn += d.plan_wan;
  Yuan given = 0;
  std::size_t largest = 0;
  for (std::size_t i = 0; i < all.size(); ++i) {
    all[i].plan_wan = all[i].plan_wan * kPlanTotalWan / drawn;
    given += all[i].plan_wan;
    if (all[i].plan_wan > all[largest].plan_wan) largest = i;
  }
  all[largest].plan_wan += kPlanTotalWan - given;
  // Amounts by October: lagging and on-time as drawn, the early ones scaled to reach 148.37亿元.
  std::vector<Yuan> ytd(all.size());
  Yuan fixed = 0;
  double early = 0;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].lagging || all[i].on_time) {
      ytd[i] = std::llround(static_cast<double>(all[i].plan_wan) * all[i].ratio);
      fixed += ytd[i];
    } else {
      early += static_cast<double>(all[i].plan_wan) * all[i].ratio;
    }
  }
  const double scale = static_cast<double>(kAcceptedTotalWan - fixed) / early;
  Yuan sum = fixed;
  std::size_t biggest_early = all.size();
  for (std::size_t i = 0; i < all.size(); ++i)
    if (!all[i].lagging && !all[i].on_time) {
      ytd[i] = std::llround(static_cast<double>(all[i].plan_wan) * all[i].ratio * scale);
      sum += ytd[i];
      if (biggest_early == all.size() || ytd[i] > ytd[biggest_early]) biggest_early = i;
    }
  ytd[biggest_early] += kAcceptedTotalWan - sum;

  // Write: projects (through the registry, audited one by one), then plans, reports and
  // milestones in one transaction.
  std::vector<std::int64_t> ids;
  for (auto& d : all) {
    d.in.total_investment = d.plan_wan * kWan * (2 + static_cast<Yuan>(ids.size() % 4));
    ids.push_back(projects.add(system, d.in).id);
    ++result.projects;
  }
  const auto settings = module->reports().settings();
  rt.db.write([&](platform::Tx& tx) {
    for (std::size_t i = 0; i < all.size(); ++i) {
      const auto& d = all[i];
      PlanInput plan;
      plan.planned_investment = d.plan_wan * kWan;
      plan.planned_start_month = d.planned_start_month;
      const int first = d.planned_start_month.value_or(1);
      plan.milestones = {{std::min(first + 2, 12), d.planned_start_month ? "主体工程开工" : "主体结构施工过半"},
                         {9, d.in.industry == "infrastructure" ? "主体工程完工" : "设备安装调试"}};
      ProjectService::insert_plan(tx, ids[i], kYear, plan);
      result.planned += plan.planned_investment;
      // Monthly weights: the usual year (a slow Spring Festival, a strong autumn); lagging
      // projects back-loaded; nothing before a new project's actual start.
      std::array<double, kMonths> w{4, 5, 9, 10, 11, 12, 11, 11, 13, 14};
      const int start = d.planned_start_month ? *d.planned_start_month + d.start_delay : 1;
      for (int k = 1; k <= kMonths; ++k) {
        auto& x = w[static_cast<std::size_t>(k - 1)];
        if (d.lagging) x *= static_cast<double>(k) * k / 20.0;
        if (k < start) x = 0;
      }
      auto amounts = spread(ytd[i], w);
      bool missed_july = false;
      for (int m : kMissedJuly) missed_july = missed_july || static_cast<std::size_t>(m) == i;
      if (missed_july) {
        amounts[7] += amounts[6];
        amounts[6] = -1;
      }
      for (int k = 1; k <= kMonths; ++k) {
        const auto a = amounts[static_cast<std::size_t>(k - 1)];
        if (a < 0) continue;
        // Sent between the 1st and the 5th of the next month; every seventh late (6th to 9th).
        const int day =
            (i + static_cast<std::size_t>(k)) % 7 == 0 ? 6 + static_cast<int>(i % 4) : 1 + static_cast<int>(i % 5);
        const int ny = k == 12 ? kYear + 1 : kYear, nm = k == 12 ? 1 : k + 1;
        AcceptedReport rep;
        rep.project = ids[i];
        rep.year = kYear;
        rep.month = k;
        rep.amount = a * kWan;
        rep.progress = a == 0 ? "尚未开工，前期手续办理中。" : fmt::format("{}月按计划推进。", k);
        rep.submitted_at = at_local(ny, nm, day, 10);
        rep.accepted_at = at_local(ny, nm, std::min(day + 2, 10), 16);
        ReportService::put_accepted(tx, rep, settings);
        ++result.reports;
        result.accepted += a * kWan;
      }
      // Milestones: reached in their month, except that lagging projects reach the first two
      // months late and not the second at all.
      const long long pid = ids[i];
      int y = kYear;
      soci::rowset<soci::row> ms = (tx.sql.prepare << "SELECT id, month FROM prj_milestones WHERE project_id = :p AND "
                                                      "year = :y ORDER BY month",
                                    soci::use(pid), soci::use(y));
      std::vector<std::pair<long long, int>> list;
      for (const auto& r : ms) list.emplace_back(platform::get_i64(r, 0), static_cast<int>(platform::get_i64(r, 1)));
      for (std::size_t k = 0; k < list.size(); ++k) {
        const auto [mid, month] = list[k];
        if (d.lagging && k == 1) continue;
        const int reached = d.lagging ? std::min(month + 2, kMonths) : month;
        const std::string date = fmt::format("{}-{:02}-25", kYear, reached);
        long long m = mid;
        tx.sql << "UPDATE prj_milestones SET reached_on = :d WHERE id = :id", soci::use(date), soci::use(m);
      }
    }
    platform::audit_operation(tx, system, "project_report", "demo", "import", nullptr,
                              {{"year", kYear}, {"reports", result.reports}, {"accepted_yuan", result.accepted}});
  });
  for (int m = 1; m <= kMonths; ++m) module->colours().evaluate(kYear, m);
  load_issues_and_meetings(rt, ids, all_lagging(all.size()), units);
  load_attraction(rt, ids, towns);
  return result;
}

}  // namespace ecity::projects
