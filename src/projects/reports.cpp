#include "projects/reports.h"

#include "platform/calendar/working_hours.h"
#include "platform/db/row.h"
#include "platform/error.h"
#include "platform/http/fields.h"
#include "platform/runtime.h"

#include <fmt/format.h>

#include <chrono>
#include <iterator>

namespace ecity::projects {

namespace {

using ecity::Error;
using platform::Principal;
using platform::Tx;

constexpr std::int64_t kDayMs = 86'400'000, kShanghaiOffsetMs = 8 * 3'600'000;
constexpr Yuan kMaxMonthly = 1'000'000'000'000;  // 1 万亿元: beyond any project's month

constexpr const char* kColumns =
    "r.id, r.project_id, r.year, r.month, r.amount, r.progress, r.problems, r.status, r.late, r.over_total, "
    "r.submitted_by, r.submitted_at, r.reviewed_by, r.reviewed_at, r.review_note, r.revision, r.version";

Report report_of(const soci::row& r) {
  Report x;
  x.id = platform::get_i64(r, 0);
  x.project_id = platform::get_i64(r, 1);
  x.year = static_cast<int>(platform::get_i64(r, 2));
  x.month = static_cast<int>(platform::get_i64(r, 3));
  x.amount = platform::get_i64(r, 4);
  x.progress = platform::get_str(r, 5);
  x.problems = platform::get_str(r, 6);
  x.status = platform::get_str(r, 7);
  x.late = platform::get_i64(r, 8) != 0;
  x.over_total = platform::get_i64(r, 9) != 0;
  x.submitted_by = platform::opt_i64(r, 10);
  x.submitted_at = platform::get_i64(r, 11);
  x.reviewed_by = platform::opt_i64(r, 12);
  x.reviewed_at = platform::opt_i64(r, 13);
  x.review_note = platform::get_str(r, 14);
  x.revision = static_cast<int>(platform::get_i64(r, 15));
  x.version = static_cast<int>(platform::get_i64(r, 16));
  return x;
}

std::optional<Report> load(soci::session& sql, std::int64_t id, const std::string& scope) {
  long long rid = id;
  soci::rowset<soci::row> rows =
      (sql.prepare << fmt::format(
           "SELECT {} FROM prj_reports r JOIN prj_projects p ON p.id = r.project_id WHERE r.id = "
           ":id AND ({})",
           kColumns, scope),
       soci::use(rid));
  for (const auto& r : rows) return report_of(r);
  return std::nullopt;
}

// Midnight (local) starting day `day` of the month after (year, month), as epoch ms.
std::int64_t next_month_day_start(int year, int month, int day) {
  using namespace std::chrono;
  const year_month_day first =
      year_month_day{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)), std::chrono::day(1)} +
      months(1);
  const auto d = sys_days(first) + days(day - 1);
  return d.time_since_epoch().count() * kDayMs - kShanghaiOffsetMs;
}

// The year figures (migration 0016) of the reports matching `where`: the accepted amount of each
// month and when each month's report was first submitted, one row per project and year.
std::string year_figures_select(const std::string& where) {
  std::string sums, firsts;
  for (int k = 1; k <= 12; ++k) {
    fmt::format_to(std::back_inserter(sums),
                   ", SUM(CASE WHEN month = {} AND status = 'accepted' THEN amount ELSE 0 END)", k);
    fmt::format_to(std::back_inserter(firsts), ", MAX(CASE WHEN month = {} THEN submitted_at END)", k);
  }
  return fmt::format(
      "INSERT INTO prj_year_figures (project_id, year, {}, {}) SELECT project_id, year{}{} FROM "
      "prj_reports WHERE {} GROUP BY project_id, year",
      year_figures_columns('a'), year_figures_columns('s'), sums, firsts, where);
}

// Every change of a report passes here: its history line, and its project's year figures
// recomputed from the year's (at most twelve) reports in the same transaction.
void history(Tx& tx, const Report& r, const std::string& action, const std::string& note,
             std::optional<std::int64_t> by) {
  {
    long long pid = r.project_id;
    int y = r.year;
    tx.sql << "DELETE FROM prj_year_figures WHERE project_id = :p AND year = :y", soci::use(pid), soci::use(y);
    tx.sql << year_figures_select("project_id = :p AND year = :y"), soci::use(pid), soci::use(y);
  }
  long long rid = r.id, amount = r.amount, at = platform::now_ms();
  int revision = r.revision;
  platform::Nullable<long long> who(by);
  tx.sql << "INSERT INTO prj_report_history (report_id, revision, action, amount, progress, problems, status, note, "
            "by_user, at) VALUES (:r, :rev, :a, :amt, :p, :pr, :s, :n, :b, :at)",
      soci::use(rid), soci::use(revision), soci::use(action), soci::use(amount), soci::use(r.progress),
      soci::use(r.problems), soci::use(r.status), soci::use(note), soci::use(who.value, who.ind), soci::use(at);
}

// Whether the project's reported investment (all months, returned ones excluded) with `amount`
// in place of `report`'s exceeds its total investment.
bool over_total(soci::session& sql, const Project& p, std::int64_t report, Yuan amount) {
  long long pid = p.id, rid = report, sum = 0;
  soci::indicator ind = soci::i_null;
  sql << "SELECT SUM(amount) FROM prj_reports WHERE project_id = :p AND id <> :r AND status <> 'returned'",
      soci::use(pid), soci::use(rid), soci::into(sum, ind);
  return (ind == soci::i_ok ? sum : 0) + amount > p.total_investment;
}

Error not_found() { return Error::not_found("月报不存在", "no such report"); }

nlohmann::json with_warning(const Report& r) {
  auto j = report_json(r);
  if (r.over_total)
    j["warnings"] = nlohmann::json::array({{{"code", "over_total"},
                                            {"message", "开工以来累计完成投资已超过项目总投资，请核实"},
                                            {"message_en",
                                             "the investment reported since the start exceeds the "
                                             "project's total investment; please check"}}});
  return j;
}

void link_milestones(Tx& tx, const Report& r, const std::vector<std::int64_t>& milestones) {
  for (auto m : milestones) {
    long long mid = m, pid = r.project_id, rid = r.id, n = 0;
    int y = r.year, month = r.month;
    tx.sql << "SELECT COUNT(*) FROM prj_milestones WHERE id = :m AND project_id = :p AND year = :y AND month <= :mo",
        soci::use(mid), soci::use(pid), soci::use(y), soci::use(month), soci::into(n);
    if (n == 0)
      throw Error::invalid("validation", fmt::format("节点 {} 不属于该项目本年截至本月的计划", m),
                           fmt::format("milestone {} is not in the project's plan up to this month", m))
          .on_field("milestones", "节点无效", "invalid milestone");
    tx.sql << "UPDATE prj_milestones SET report_id = :r WHERE id = :m", soci::use(rid), soci::use(mid);
  }
}

std::vector<ReportPhoto> load_photos(soci::session& sql, std::int64_t report) {
  long long rid = report;
  std::vector<ReportPhoto> out;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT ph.id, ph.report_id, ph.name, ph.content_type, ph.size, ph.sha256, ph.uploaded_by, "
                      "ph.uploaded_at, u.name FROM prj_report_photos ph LEFT JOIN users u ON u.id = ph.uploaded_by "
                      "WHERE ph.report_id = :r ORDER BY ph.id",
       soci::use(rid));
  for (const auto& r : rows) {
    ReportPhoto p;
    p.id = platform::get_i64(r, 0);
    p.report_id = platform::get_i64(r, 1);
    p.name = platform::get_str(r, 2);
    p.content_type = platform::get_str(r, 3);
    p.size = platform::get_i64(r, 4);
    p.sha256 = platform::get_str(r, 5);
    p.uploaded_by = platform::opt_i64(r, 6);
    p.uploaded_at = platform::get_i64(r, 7);
    p.uploaded_by_name = platform::opt_str(r, 8).value_or("");
    out.push_back(std::move(p));
  }
  return out;
}

// Inside the transaction that changes a report's photos: the report is still not accepted (it
// may have been accepted since it was read).
void still_open(Tx& tx, std::int64_t report) {
  long long rid = report;
  std::string status;
  tx.sql << "SELECT status FROM prj_reports WHERE id = :r", soci::use(rid), soci::into(status);
  if (status == "accepted")
    throw Error::conflict("state", "月报已通过，照片不能再更改", "the report is accepted; its photos are final");
}

}  // namespace

nlohmann::json photo_json(const ReportPhoto& p) {
  return {{"id", p.id},
          {"report_id", p.report_id},
          {"name", p.name},
          {"content_type", p.content_type},
          {"size", p.size},
          {"sha256", p.sha256},
          {"uploaded_by", p.uploaded_by ? nlohmann::json(*p.uploaded_by) : nlohmann::json(nullptr)},
          {"uploaded_by_name", p.uploaded_by_name},
          {"uploaded_at", p.uploaded_at}};
}

ReportPhoto ReportService::add_photo(const Principal& who, const platform::Actor& actor, std::int64_t id,
                                     const std::string& name, const std::string& declared_type,
                                     std::string_view bytes) {
  if (!who.can("projects:report")) throw Error::forbidden("无权上传月报照片", "you may not add photos to reports");
  ReportPhoto ph;
  ph.report_id = id;
  ph.name = platform::checked_file_name(name);
  platform::check_file_size(bytes.size(), rt_.config.files.max_bytes);
  const auto type = platform::check_file(bytes, ph.name, declared_type);
  if (type.mime.rfind("image/", 0) != 0)
    throw Error::invalid("file-type", "月报照片须为 JPEG、PNG、GIF 或 WebP 图片",
                         "a report photo must be a JPEG, PNG, GIF or WebP image")
        .on_field("name", "不是图片", "not an image");
  ph.content_type = type.mime;
  ph.size = static_cast<std::int64_t>(bytes.size());
  // Who may add is decided before the bytes are written, so a refused upload leaves nothing.
  const auto r = rt_.db.read([&](soci::session& sql) { return load(sql, id, project_scope(who)); });
  if (!r) throw not_found();
  if (!projects_.is_lead_unit(who, projects_.get(who, r->project_id)))
    throw Error::forbidden("只有项目的牵头单位可以上传月报照片", "only the project's lead unit adds report photos");
  if (r->status == "accepted")
    throw Error::conflict("state", "已通过的月报不能再添加照片", "an accepted report takes no more photos");
  ph.sha256 = rt_.files.put(bytes);
  ph.uploaded_by = who.user_id > 0 ? std::optional(who.user_id) : std::nullopt;
  ph.uploaded_by_name = who.name;
  ph.uploaded_at = platform::now_ms();
  rt_.db.write([&](Tx& tx) {
    long long rid = id, n = 0, size = ph.size, at = ph.uploaded_at, pid = 0;
    still_open(tx, id);
    tx.sql << "SELECT COUNT(*) FROM prj_report_photos WHERE report_id = :r", soci::use(rid), soci::into(n);
    if (n >= kMaxReportPhotos)
      throw Error::conflict("too-many-photos", fmt::format("每份月报最多 {} 张照片", kMaxReportPhotos),
                            fmt::format("at most {} photos per report", kMaxReportPhotos));
    platform::Nullable<long long> by(ph.uploaded_by);
    tx.sql << "INSERT INTO prj_report_photos (report_id, name, content_type, size, sha256, uploaded_by, uploaded_at) "
              "VALUES (:r, :n, :t, :s, :h, :b, :a) RETURNING id",
        soci::use(rid), soci::use(ph.name), soci::use(ph.content_type), soci::use(size), soci::use(ph.sha256),
        soci::use(by.value, by.ind), soci::use(at), soci::into(pid);
    ph.id = pid;
    platform::audit_operation(tx, actor, "project_report_photo", std::to_string(ph.id), "create", nullptr,
                              photo_json(ph));
  });
  return ph;
}

void ReportService::remove_photo(const Principal& who, const platform::Actor& actor, std::int64_t id,
                                 std::int64_t photo) {
  if (!who.can("projects:report")) throw Error::forbidden("无权删除月报照片", "you may not remove report photos");
  const auto r = rt_.db.read([&](soci::session& sql) { return load(sql, id, project_scope(who)); });
  if (!r) throw not_found();
  if (!projects_.is_lead_unit(who, projects_.get(who, r->project_id)))
    throw Error::forbidden("只有项目的牵头单位可以删除月报照片", "only the project's lead unit removes report photos");
  if (r->status == "accepted")
    throw Error::conflict("state", "已通过的月报不能删除照片", "an accepted report keeps its photos");
  rt_.db.write([&](Tx& tx) {
    still_open(tx, id);
    std::optional<ReportPhoto> found;
    for (auto& p : load_photos(tx.sql, id))
      if (p.id == photo) found = p;
    if (!found) throw Error::not_found("照片不存在", "no such photo");
    long long pid = photo;
    tx.sql << "DELETE FROM prj_report_photos WHERE id = :p", soci::use(pid);
    // The bytes stay in the content-addressed store: another record may name the same file.
    platform::audit_operation(tx, actor, "project_report_photo", std::to_string(photo), "delete", photo_json(*found),
                              nullptr);
  });
}

std::pair<ReportPhoto, std::string> ReportService::photo_file(const Principal& who, std::int64_t id,
                                                              std::int64_t photo) {
  if (!who.can("projects:read")) throw Error::forbidden();
  auto found = rt_.db.read([&](soci::session& sql) -> std::optional<ReportPhoto> {
    if (!load(sql, id, project_scope(who))) return std::nullopt;
    for (auto& p : load_photos(sql, id))
      if (p.id == photo) return p;
    return std::nullopt;
  });
  if (!found) throw Error::not_found("照片不存在", "no such photo");
  return {*found, rt_.files.get(found->sha256)};
}

std::string year_figures_columns(char prefix) {
  std::string out;
  for (int k = 1; k <= 12; ++k) fmt::format_to(std::back_inserter(out), "{}{}{}", k > 1 ? ", " : "", prefix, k);
  return out;
}

void ReportService::rebuild_year_figures(Tx& tx) {
  tx.sql << "DELETE FROM prj_year_figures";
  tx.sql << year_figures_select("1 = 1");
}

std::int64_t due_instant(int year, int month, const ReportSettings& s) {
  return next_month_day_start(year, month, s.due_day + 1);
}
std::int64_t lock_instant(int year, int month, const ReportSettings& s) {
  return next_month_day_start(year, month, s.lock_day + 1);
}

nlohmann::json report_json(const Report& r) {
  auto opt = [](const auto& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  return {{"id", r.id},
          {"project_id", r.project_id},
          {"year", r.year},
          {"month", r.month},
          {"amount_yuan", r.amount},
          {"progress", r.progress},
          {"problems", r.problems},
          {"status", r.status},
          {"late", r.late},
          {"over_total", r.over_total},
          {"submitted_by", opt(r.submitted_by)},
          {"submitted_at", r.submitted_at},
          {"reviewed_by", opt(r.reviewed_by)},
          {"reviewed_at", opt(r.reviewed_at)},
          {"review_note", r.review_note},
          {"revision", r.revision},
          {"version", r.version}};
}

ReportInput parse_report(const nlohmann::json& body, bool submission) {
  platform::Fields f(body, {"year", "month", "amount_wan", "progress", "problems", "milestones", "version", "note"});
  ReportInput in;
  if (submission) {
    in.year = static_cast<int>(f.integer("year", 1990, 2100));
    in.month = static_cast<int>(f.integer("month", 1, 12));
  }
  if (body.contains("amount_wan") || submission) {
    const auto* v = body.contains("amount_wan") ? &body["amount_wan"] : nullptr;
    const std::string text = v == nullptr     ? ""
                             : v->is_string() ? v->get<std::string>()
                             : v->is_number() ? v->dump()
                                              : "";
    const auto yuan = parse_wan(text);
    if (!yuan || *yuan < 0 || *yuan > kMaxMonthly)
      f.fail("amount_wan", "应为非负金额（万元，至多 4 位小数）",
             "must be a non-negative amount in 10k yuan (at most 4 decimals)");
    else
      in.amount = *yuan;
  }
  if (body.contains("progress") || submission) in.progress = f.opt_str("progress", 4000).value_or("");
  if (body.contains("problems") || submission) in.problems = f.opt_str("problems", 4000).value_or("");
  if (body.contains("milestones")) in.milestones = f.id_list("milestones", 60);
  if (!submission) in.version = static_cast<int>(f.integer("version", 1, INT32_MAX));
  in.note = f.opt_str("note", 1000).value_or("");
  f.done();
  return in;
}

ReportSettings ReportService::settings() {
  return rt_.db.read([&](soci::session& sql) {
    ReportSettings s;
    soci::rowset<soci::row> rows = sql.prepare << "SELECT key, value FROM prj_settings";
    for (const auto& r : rows) {
      const auto key = platform::get_str(r, 0);
      const int v = std::atoi(platform::get_str(r, 1).c_str());
      if (key == "due_day" && v >= 1 && v <= 28) s.due_day = v;
      if (key == "lock_day" && v >= 1 && v <= 28) s.lock_day = v;
    }
    if (s.lock_day < s.due_day) s.lock_day = s.due_day;
    return s;
  });
}

ReportSettings ReportService::set_settings(const Principal& who, const platform::Actor& actor,
                                           const nlohmann::json& body) {
  if (!who.can("projects:manage")) throw Error::forbidden("无权修改调度设置", "you may not change the settings");
  platform::Fields f(body, {"due_day", "lock_day"});
  auto s = settings();
  const auto before = s;
  if (auto v = f.opt_integer("due_day", 1, 28)) s.due_day = static_cast<int>(*v);
  if (auto v = f.opt_integer("lock_day", 1, 28)) s.lock_day = static_cast<int>(*v);
  if (s.lock_day < s.due_day) f.fail("lock_day", "锁定日不能早于报送截止日", "the lock day cannot precede the due day");
  f.done();
  rt_.db.write([&](Tx& tx) {
    for (const auto& [key, value] : {std::pair<std::string, int>{"due_day", s.due_day}, {"lock_day", s.lock_day}}) {
      const std::string text = std::to_string(value);
      tx.sql << "DELETE FROM prj_settings WHERE key = :k", soci::use(key);
      tx.sql << "INSERT INTO prj_settings (key, value) VALUES (:k, :v)", soci::use(key), soci::use(text);
    }
    platform::audit_operation(tx, actor, "project_settings", "reports", "update",
                              {{"due_day", before.due_day}, {"lock_day", before.lock_day}},
                              {{"due_day", s.due_day}, {"lock_day", s.lock_day}});
  });
  return s;
}

nlohmann::json ReportService::submit(const Principal& who, const platform::Actor& actor, std::int64_t project,
                                     const ReportInput& in) {
  if (!who.can("projects:report")) throw Error::forbidden("无权报送月报", "you may not submit reports");
  const auto p = projects_.get_unscoped(project);
  if (!projects_.is_lead_unit(who, p))
    throw Error::forbidden("只有项目的牵头单位可以报送月报", "only the project's lead unit submits its reports");
  const auto now = platform::now_ms();
  const auto today = platform::local_date_of(now);
  const int this_year = static_cast<int>(today.year()), this_month = static_cast<int>(unsigned(today.month()));
  if (in.year * 12 + in.month > this_year * 12 + this_month)
    throw Error::invalid("validation", "不能报送未来月份的月报", "the month has not come yet")
        .on_field("month", "未来月份", "a future month");
  if (in.year < p.start_year || in.year > p.end_year)
    throw Error::invalid("validation", "该年份不在项目建设期内", "the year lies outside the project's years")
        .on_field("year", "不在建设期内", "outside the project's years");
  if (*in.amount > p.total_investment)
    throw Error::invalid("validation", "当月完成投资超过项目总投资", "the month's amount exceeds the total investment")
        .on_field("amount_wan", "超过项目总投资", "above the total investment");
  const auto s = settings();
  if (now >= lock_instant(in.year, in.month, s))
    throw Error::conflict(
        "locked", fmt::format("{} 年 {} 月的月报已于次月 {} 日后锁定，请联系调度办", in.year, in.month, s.lock_day),
        fmt::format("reports of {}-{:02} locked after day {} of the next month; ask the office", in.year, in.month,
                    s.lock_day));
  return rt_.db.write([&](Tx& tx) {
    long long pid = project, n = 0;
    int y = in.year, m = in.month;
    tx.sql << "SELECT COUNT(*) FROM prj_reports WHERE project_id = :p AND year = :y AND month = :m", soci::use(pid),
        soci::use(y), soci::use(m), soci::into(n);
    if (n > 0)
      throw Error::conflict("duplicate", "该项目本月已报送月报；被退回的月报请修改后重新提交",
                            "the project has a report for that month; resubmit a returned one instead");
    Report r;
    r.project_id = project;
    r.year = in.year;
    r.month = in.month;
    r.amount = *in.amount;
    r.progress = in.progress.value_or("");
    r.problems = in.problems.value_or("");
    r.status = "submitted";
    r.late = now >= due_instant(in.year, in.month, s);
    r.over_total = over_total(tx.sql, p, 0, r.amount);
    r.submitted_by = who.user_id;
    r.submitted_at = now;
    long long amount = r.amount, at = now, by = who.user_id, id = 0;
    int late = r.late ? 1 : 0, over = r.over_total ? 1 : 0;
    tx.sql
        << "INSERT INTO prj_reports (project_id, year, month, amount, progress, problems, status, late, over_total, "
           "submitted_by, submitted_at) VALUES (:p, :y, :m, :a, :pr, :pb, 'submitted', :l, :o, :b, :at) RETURNING id",
        soci::use(pid), soci::use(y), soci::use(m), soci::use(amount), soci::use(r.progress), soci::use(r.problems),
        soci::use(late), soci::use(over), soci::use(by), soci::use(at), soci::into(id);
    r.id = id;
    link_milestones(tx, r, in.milestones);
    history(tx, r, "submit", "", who.user_id);
    platform::audit_operation(tx, actor, "project_report", std::to_string(r.id), "submit", nullptr, report_json(r));
    rt_.bus.publish(tx, "projects.report.submitted", {{"report_id", r.id}, {"project_id", project}});
    return with_warning(r);
  });
}

nlohmann::json ReportService::resubmit(const Principal& who, const platform::Actor& actor, std::int64_t id,
                                       const ReportInput& in) {
  if (!who.can("projects:report")) throw Error::forbidden("无权报送月报", "you may not submit reports");
  auto r = rt_.db.read([&](soci::session& sql) { return load(sql, id, project_scope(who)); });
  if (!r) throw not_found();
  const auto p = projects_.get(who, r->project_id);
  if (!projects_.is_lead_unit(who, p))
    throw Error::forbidden("只有项目的牵头单位可以报送月报", "only the project's lead unit submits its reports");
  if (r->status != "returned")
    throw Error::conflict("state", "只有被退回的月报可以重新提交", "only a returned report is submitted again");
  if (in.amount && *in.amount > p.total_investment)
    throw Error::invalid("validation", "当月完成投资超过项目总投资", "the month's amount exceeds the total investment")
        .on_field("amount_wan", "超过项目总投资", "above the total investment");
  return rt_.db.write([&](Tx& tx) {
    const auto before = *r;
    if (in.amount) r->amount = *in.amount;
    if (in.progress) r->progress = *in.progress;
    if (in.problems) r->problems = *in.problems;
    r->status = "submitted";
    r->revision += 1;
    r->version += 1;
    r->over_total = over_total(tx.sql, p, r->id, r->amount);
    r->submitted_by = who.user_id;
    long long amount = r->amount, rid = id, by = who.user_id;
    int over = r->over_total ? 1 : 0, version = *in.version;
    soci::statement st =
        (tx.sql.prepare << "UPDATE prj_reports SET amount = :a, progress = :p, problems = :pb, status = 'submitted', "
                           "over_total = :o, submitted_by = :b, revision = revision + 1, version = version + 1 "
                           "WHERE id = :id AND version = :v",
         soci::use(amount), soci::use(r->progress), soci::use(r->problems), soci::use(over), soci::use(by),
         soci::use(rid), soci::use(version));
    st.execute(true);
    if (st.get_affected_rows() != 1)
      throw Error::conflict("stale", "月报已被他人修改，请刷新后重试",
                            "the report changed meanwhile; reload and retry");
    link_milestones(tx, *r, in.milestones);
    history(tx, *r, "resubmit", "", who.user_id);
    platform::audit_operation(tx, actor, "project_report", std::to_string(id), "resubmit", report_json(before),
                              report_json(*r));
    rt_.bus.publish(tx, "projects.report.submitted", {{"report_id", id}, {"project_id", r->project_id}});
    return with_warning(*r);
  });
}

nlohmann::json ReportService::review(const Principal& who, const platform::Actor& actor, std::int64_t id,
                                     const ReportInput& in, const std::string& action) {
  if (!who.can("projects:review")) throw Error::forbidden("无权审核月报", "you may not review reports");
  auto r = rt_.db.read([&](soci::session& sql) { return load(sql, id, project_scope(who)); });
  if (!r) throw not_found();
  const auto p = projects_.get(who, r->project_id);
  if ((action == "accept" || action == "return") && r->status != "submitted")
    throw Error::conflict("state", "只有待审核的月报可以通过或退回", "only a submitted report is accepted or returned");
  if (action == "return" && in.note.empty())
    throw Error::invalid("validation", "退回须写明原因", "say why the report goes back")
        .on_field("note", "必填", "required");
  if (action == "correct") {
    if (r->status != "accepted")
      throw Error::conflict("state", "只有已通过的月报可以更正", "only an accepted report is corrected");
    if (in.note.empty())
      throw Error::invalid("validation", "更正须写明原因", "say why the report is corrected")
          .on_field("note", "必填", "required");
    if (in.amount && *in.amount > p.total_investment)
      throw Error::invalid("validation", "当月完成投资超过项目总投资",
                           "the month's amount exceeds the total investment")
          .on_field("amount_wan", "超过项目总投资", "above the total investment");
  }
  return rt_.db.write([&](Tx& tx) {
    const auto before = *r;
    const auto now = platform::now_ms();
    if (action == "correct") {
      if (in.amount) r->amount = *in.amount;
      if (in.progress) r->progress = *in.progress;
      if (in.problems) r->problems = *in.problems;
      r->revision += 1;
      r->over_total = over_total(tx.sql, p, r->id, r->amount);
    } else {
      r->status = action == "accept" ? "accepted" : "returned";
    }
    r->reviewed_by = who.user_id;
    r->reviewed_at = now;
    r->review_note = in.note;
    r->version += 1;
    long long amount = r->amount, rid = id, by = who.user_id, at = now;
    int over = r->over_total ? 1 : 0, version = *in.version, revision = r->revision;
    soci::statement st =
        (tx.sql.prepare << "UPDATE prj_reports SET amount = :a, progress = :p, problems = :pb, status = :s, "
                           "over_total = :o, reviewed_by = :b, reviewed_at = :at, review_note = :n, revision = :rev, "
                           "version = version + 1 WHERE id = :id AND version = :v",
         soci::use(amount), soci::use(r->progress), soci::use(r->problems), soci::use(r->status), soci::use(over),
         soci::use(by), soci::use(at), soci::use(r->review_note), soci::use(revision), soci::use(rid),
         soci::use(version));
    st.execute(true);
    if (st.get_affected_rows() != 1)
      throw Error::conflict("stale", "月报已被他人修改，请刷新后重试",
                            "the report changed meanwhile; reload and retry");
    if (action == "accept") {
      // Milestones the report named are reached at the end of its month (or today, if earlier).
      const auto month_end = platform::local_date_of(next_month_day_start(r->year, r->month, 1) - 1);
      const auto today = platform::local_date_of(now);
      const auto date =
          platform::format_date(std::chrono::sys_days(month_end) < std::chrono::sys_days(today) ? month_end : today);
      tx.sql << "UPDATE prj_milestones SET reached_on = :d WHERE report_id = :r AND reached_on IS NULL",
          soci::use(date), soci::use(rid);
    }
    history(tx, *r, action, in.note, who.user_id);
    platform::audit_operation(tx, actor, "project_report", std::to_string(id), action, report_json(before),
                              report_json(*r));
    rt_.bus.publish(tx,
                    "projects.report." + std::string(action == "accept"   ? "accepted"
                                                     : action == "return" ? "returned"
                                                                          : "corrected"),
                    {{"report_id", id}, {"project_id", r->project_id}, {"year", r->year}, {"month", r->month}});
    return with_warning(*r);
  });
}

nlohmann::json ReportService::accept(const Principal& who, const platform::Actor& actor, std::int64_t id,
                                     const ReportInput& in) {
  return review(who, actor, id, in, "accept");
}
nlohmann::json ReportService::send_back(const Principal& who, const platform::Actor& actor, std::int64_t id,
                                        const ReportInput& in) {
  return review(who, actor, id, in, "return");
}
nlohmann::json ReportService::correct(const Principal& who, const platform::Actor& actor, std::int64_t id,
                                      const ReportInput& in) {
  return review(who, actor, id, in, "correct");
}

nlohmann::json ReportService::list(const Principal& who, const std::optional<std::string>& status,
                                   std::optional<int> year, std::optional<int> month,
                                   std::optional<std::int64_t> project) {
  if (!who.can("projects:read")) throw Error::forbidden();
  if (status && *status != "submitted" && *status != "accepted" && *status != "returned")
    throw Error::invalid("validation", "状态应为 submitted、accepted 或 returned",
                         "status must be submitted, accepted or returned")
        .on_field("status", "取值无效", "invalid value");
  return rt_.db.read([&](soci::session& sql) {
    std::string where = "(" + project_scope(who) + ")";
    if (status) where += " AND r.status = '" + *status + "'";  // one of three literals, checked above
    if (year) where += fmt::format(" AND r.year = {}", *year);
    if (month) where += fmt::format(" AND r.month = {}", *month);
    if (project) where += fmt::format(" AND r.project_id = {}", *project);
    nlohmann::json items = nlohmann::json::array();
    soci::rowset<soci::row> rows =
        sql.prepare << fmt::format(
            "SELECT {}, p.name FROM prj_reports r JOIN prj_projects p ON p.id = r.project_id "
            "WHERE {} ORDER BY r.year DESC, r.month DESC, r.submitted_at DESC LIMIT 2000",
            kColumns, where);
    for (const auto& r : rows) {
      auto j = report_json(report_of(r));
      j["project_name"] = platform::get_str(r, 17);
      items.push_back(std::move(j));
    }
    return nlohmann::json{{"items", items}};
  });
}

nlohmann::json ReportService::get(const Principal& who, std::int64_t id) {
  if (!who.can("projects:read")) throw Error::forbidden();
  return rt_.db.read([&](soci::session& sql) {
    const auto r = load(sql, id, project_scope(who));
    if (!r) throw not_found();
    auto j = with_warning(*r);
    nlohmann::json h = nlohmann::json::array();
    long long rid = id;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT h.revision, h.action, h.amount, h.progress, h.problems, h.status, h.note, h.by_user, "
                        "h.at, u.name FROM prj_report_history h LEFT JOIN users u ON u.id = h.by_user WHERE "
                        "h.report_id = :r ORDER BY h.id",
         soci::use(rid));
    for (const auto& x : rows)
      h.push_back({{"revision", platform::get_i64(x, 0)},
                   {"action", platform::get_str(x, 1)},
                   {"amount_yuan", platform::get_i64(x, 2)},
                   {"progress", platform::get_str(x, 3)},
                   {"problems", platform::get_str(x, 4)},
                   {"status", platform::get_str(x, 5)},
                   {"note", platform::get_str(x, 6)},
                   {"by_user", platform::opt_i64(x, 7) ? nlohmann::json(*platform::opt_i64(x, 7)) : nullptr},
                   {"by_name", platform::opt_str(x, 9) ? nlohmann::json(*platform::opt_str(x, 9)) : nullptr},
                   {"at", platform::get_i64(x, 8)}});
    j["history"] = h;
    nlohmann::json milestones = nlohmann::json::array();
    soci::rowset<soci::row> ms =
        (sql.prepare
             << "SELECT id, month, title, reached_on FROM prj_milestones WHERE report_id = :r ORDER BY month, id",
         soci::use(rid));
    for (const auto& x : ms)
      milestones.push_back(
          {{"id", platform::get_i64(x, 0)},
           {"month", platform::get_i64(x, 1)},
           {"title", platform::get_str(x, 2)},
           {"reached_on", platform::opt_str(x, 3) ? nlohmann::json(*platform::opt_str(x, 3)) : nullptr}});
    j["milestones"] = milestones;
    nlohmann::json photos = nlohmann::json::array();
    for (const auto& ph : load_photos(sql, id)) photos.push_back(photo_json(ph));
    j["photos"] = photos;
    return j;
  });
}

nlohmann::json ReportService::tracking(const Principal& who, int year, int month) {
  if (!who.can("projects:read")) throw Error::forbidden();
  const auto s = settings();
  const auto now = platform::now_ms();
  const auto due = due_instant(year, month, s), lock = lock_instant(year, month, s);
  return rt_.db.read([&](soci::session& sql) {
    nlohmann::json items = nlohmann::json::array();
    int in = 0, late = 0, missing = 0, pending = 0;
    int y = year, m = month;
    soci::rowset<soci::row> rows =
        (sql.prepare << fmt::format("SELECT p.id, p.name, p.lead_unit_id, r.id, r.status, r.submitted_at FROM "
                                    "prj_projects p JOIN prj_plans pl ON pl.project_id = p.id AND pl.year = :y LEFT "
                                    "JOIN prj_reports r ON r.project_id = p.id AND r.year = :y2 AND r.month = :m "
                                    "WHERE ({}) ORDER BY p.id",
                                    project_scope(who)),
         soci::use(y), soci::use(y), soci::use(m));
    for (const auto& r : rows) {
      const auto report = platform::opt_i64(r, 3);
      std::string state;
      if (report) {
        const auto at = platform::get_i64(r, 5);
        state = at >= due ? "late" : "on_time";
        ++(at >= due ? late : in);
      } else {
        state = now >= lock ? "missing" : "pending";
        ++(now >= lock ? missing : pending);
      }
      items.push_back({{"project_id", platform::get_i64(r, 0)},
                       {"project_name", platform::get_str(r, 1)},
                       {"lead_unit_id", platform::get_i64(r, 2)},
                       {"report_id", report ? nlohmann::json(*report) : nullptr},
                       {"report_status", report ? nlohmann::json(platform::get_str(r, 4)) : nullptr},
                       {"state", state}});
    }
    return nlohmann::json{{"year", year},
                          {"month", month},
                          {"due_at", due},
                          {"locks_at", lock},
                          {"summary", {{"on_time", in}, {"late", late}, {"missing", missing}, {"pending", pending}}},
                          {"items", items}};
  });
}

std::optional<std::int64_t> ReportService::put_accepted(Tx& tx, const AcceptedReport& in, const ReportSettings& s) {
  long long pid = in.project, a = in.amount, sat = in.submitted_at, aat = in.accepted_at, id = 0, n = 0;
  int y = in.year, m = in.month;
  tx.sql << "SELECT COUNT(*) FROM prj_reports WHERE project_id = :p AND year = :y AND month = :m", soci::use(pid),
      soci::use(y), soci::use(m), soci::into(n);
  if (n > 0) return std::nullopt;
  const int late = in.submitted_at >= due_instant(in.year, in.month, s) ? 1 : 0;
  platform::Nullable<long long> by(in.by);
  tx.sql << "INSERT INTO prj_reports (project_id, year, month, amount, progress, problems, status, late, submitted_by, "
            "submitted_at, reviewed_by, reviewed_at, review_note) VALUES (:p, :y, :m, :a, :pr, :pb, 'accepted', :l, "
            ":b, :s, :b2, :r, :n) RETURNING id",
      soci::use(pid), soci::use(y), soci::use(m), soci::use(a), soci::use(in.progress), soci::use(in.problems),
      soci::use(late), soci::use(by.value, by.ind), soci::use(sat), soci::use(by.value, by.ind), soci::use(aat),
      soci::use(in.note), soci::into(id);
  Report r;
  r.id = id;
  r.project_id = in.project;
  r.year = in.year;
  r.month = in.month;
  r.amount = in.amount;
  r.progress = in.progress;
  r.problems = in.problems;
  r.status = "accepted";
  history(tx, r, "import", in.note, in.by);
  return id;
}

}  // namespace ecity::projects
