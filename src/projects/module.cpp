#include "projects/module.h"

#include "platform/calendar/working_hours.h"
#include "platform/error.h"
#include "platform/http/fields.h"
#include "platform/runtime.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>

namespace ecity::projects {

using platform::Principal;
using platform::Request;
using platform::Response;

namespace {

int year_param(const Request& req) {
  const auto it = req.params.find("year");
  int y = 0;
  if (it == req.params.end() || it->second.size() != 4 || (y = std::atoi(it->second.c_str())) < 1990 || y > 2100)
    throw Error::invalid("validation", "年份应为 1990–2100", "the year must be 1990-2100")
        .on_field("year", "无效", "invalid");
  return y;
}

// The year and month asked for (default: this year and this month in Asia/Shanghai).
std::pair<int, int> period_of(const Request& req) {
  const auto today = platform::local_date_of(platform::now_ms());
  const auto y = platform::int_query(req, "year").value_or(static_cast<int>(today.year()));
  const auto m = platform::int_query(req, "month")
                     .value_or(y == static_cast<int>(today.year()) ? static_cast<int>(unsigned(today.month())) : 12);
  if (y < 1990 || y > 2100)
    throw Error::invalid("validation", "年份无效", "invalid year").on_field("year", "无效", "invalid");
  if (m < 1 || m > 12)
    throw Error::invalid("validation", "月份应为 1–12", "month must be 1-12").on_field("month", "无效", "invalid");
  return {static_cast<int>(y), static_cast<int>(m)};
}

}  // namespace

ProjectsModule::~ProjectsModule() { stop(); }

std::vector<platform::PermissionInfo> ProjectsModule::permissions() const {
  return {
      {"projects:read", "查看重点项目", "View key projects"},
      {"projects:report", "报送项目月报", "Submit monthly project reports"},
      {"projects:review", "审核项目月报", "Review monthly project reports"},
      {"projects:manage", "管理重点项目、计划与预警规则", "Manage key projects, plans and warning rules"},
      {"projects:attract", "维护招商线索与全民招商人才信息", "Manage investment leads and contacts"},
  };
}

std::vector<platform::RoleGrant> ProjectsModule::role_grants() const {
  return {
      {"leader", "", "", {"projects:read"}},
      {"dept_admin", "", "", {"projects:read", "projects:report"}},
      {"town_admin", "", "", {"projects:read", "projects:report"}},
      {"project_office",
       "重点项目调度办",
       "all",
       {"projects:read", "projects:review", "projects:manage", "projects:attract", "org:read", "pii:read"}},
      {"attraction_officer", "招商专员", "all", {"projects:read", "projects:attract", "org:read"}},
  };
}

void ProjectsModule::prepare(platform::Runtime& rt) {
  // The shipped rule sets sit beside the calendar under data/ (data/projects/rules).
  const auto data = std::filesystem::path(rt.config.calendar.file).parent_path().parent_path();
  projects_ = std::make_unique<ProjectService>(rt);
  reports_ = std::make_unique<ReportService>(rt, *projects_);
  colours_ = std::make_unique<ColourService>(rt, *reports_, (data / "projects" / "rules").string());
  overview_ = std::make_unique<OverviewService>(rt, *projects_);
  issues_ = std::make_unique<IssueService>(rt, *projects_);
  attraction_ = std::make_unique<AttractionService>(rt, *projects_);
  dispatch_ = std::make_unique<DispatchService>(rt, *reports_);
}

void ProjectsModule::serve(platform::Runtime&) {
  // Once a minute: last month's colours, once its reports have locked.
  job_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stop_) {
      lock.unlock();
      try {
        colours_->evaluate_due(platform::now_ms());
      } catch (const std::exception& e) {
        spdlog::warn("event=project_colour_job_failed error=\"{}\"", e.what());
      }
      lock.lock();
      cv_.wait_for(lock, std::chrono::minutes(1), [this] { return stop_; });
    }
  });
}

void ProjectsModule::stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (job_.joinable()) job_.join();
}

void ProjectsModule::register_routes(platform::Runtime& rt) {
  auto& r = rt.router;
  auto& projects = *projects_;
  auto& reports = *reports_;
  auto& colours = *colours_;
  auto& overview = *overview_;
  const std::string tag = "projects";

  r.add({"GET", "/api/projects", "projects:read", true, tag,
         "Key projects in the caller's scope with their latest colour: level, industry, status, town, unit, "
         "leader, q (name or code)",
         [&projects, &colours](const Request& req, const Principal* who) {
           ProjectFilter f;
           f.level = req.q("level");
           f.industry = req.q("industry");
           f.status = req.q("status");
           f.q = req.q("q");
           f.leader = req.q("leader");
           f.town_id = platform::int_query(req, "town");
           f.unit_id = platform::int_query(req, "unit");
           const auto list = projects.list(*who, f);
           std::vector<std::int64_t> ids;
           for (const auto& p : list) ids.push_back(p.id);
           const auto latest = colours.latest(ids);
           nlohmann::json items = nlohmann::json::array();
           for (const auto& p : list) {
             auto j = project_json(p, who);
             auto it = latest.find(p.id);
             j["colour"] = it == latest.end() ? nlohmann::json(nullptr) : nlohmann::json(it->second.first);
             j["colour_month"] = it == latest.end() ? nlohmann::json(nullptr) : nlohmann::json(it->second.second);
             items.push_back(std::move(j));
           }
           return Response::json(200, {{"items", items}});
         }});
  r.add({"GET", "/api/projects/{id}", "projects:read", true, tag,
         "One key project; can_report: whether the caller submits its monthly reports (its lead unit)",
         [&projects](const Request& req, const Principal* who) {
           const auto p = projects.get(*who, req.id_param());
           auto j = project_json(p, who);
           j["can_report"] = who->can("projects:report") && projects.is_lead_unit(*who, p);
           return Response::json(200, j);
         }});
  r.add({"POST", "/api/projects", "projects:manage", true, tag,
         "Register a key project (amounts in 万元 as total_investment_wan; dates YYYY-MM-DD)",
         [&projects](const Request& req, const Principal* who) {
           const auto in = parse_project(req.json_object(), true);
           return Response::json(201, project_json(projects.create(*who, platform::actor_of(req, who), in), who));
         }});
  r.add({"PUT", "/api/projects/{id}", "projects:manage", true, tag, "Change a key project (version required)",
         [&projects](const Request& req, const Principal* who) {
           const auto in = parse_project(req.json_object(), false);
           return Response::json(
               200, project_json(projects.update(*who, platform::actor_of(req, who), req.id_param(), in), who));
         }});
  r.add({"GET", "/api/projects/{id}/plans/{year}", "projects:read", true, tag,
         "A project's plan for a year with its milestones (version 0: none yet)",
         [&projects](const Request& req, const Principal* who) {
           return Response::json(200, plan_json(projects.plan(*who, req.id_param(), year_param(req))));
         }});
  r.add({"PUT", "/api/projects/{id}/plans/{year}", "projects:manage", true, tag,
         "Set a project's plan for a year: planned_investment_wan, planned_start_month, milestones [{month, title}] "
         "(replacing those not reached), version when one exists",
         [&projects](const Request& req, const Principal* who) {
           const auto in = parse_plan(req.json_object());
           return Response::json(200, plan_json(projects.set_plan(*who, platform::actor_of(req, who), req.id_param(),
                                                                  year_param(req), in)));
         }});
  r.add({"POST", "/api/projects/milestones/{id}/reach", "projects:read", true, tag,
         "Mark a milestone reached on a date (the lead unit or the office)",
         [&projects](const Request& req, const Principal* who) {
           const auto body = req.json_object();
           const auto date = body.contains("date") && body["date"].is_string() ? body["date"].get<std::string>() : "";
           projects.reach_milestone(*who, platform::actor_of(req, who), req.id_param(), date);
           return Response::json(200, {{"reached_on", date}});
         }});
  r.add({"GET", "/api/projects/{id}/year/{year}", "projects:read", true, tag,
         "A project's year: plan, monthly accepted investment, cumulative against the plan line, completion and "
         "gap at month= (default: this month), and its colour then",
         [&overview](const Request& req, const Principal* who) {
           const int year = year_param(req);
           const auto today = platform::local_date_of(platform::now_ms());
           const auto m =
               platform::int_query(req, "month")
                   .value_or(year == static_cast<int>(today.year()) ? static_cast<int>(unsigned(today.month())) : 12);
           if (m < 1 || m > 12)
             throw Error::invalid("validation", "月份应为 1–12", "month must be 1-12")
                 .on_field("month", "无效", "invalid");
           return Response::json(200, overview.project_year(*who, req.id_param(), year, static_cast<int>(m)));
         }});
  r.add({"GET", "/api/projects/{id}/colours", "projects:read", true, tag,
         "A project's colours by month with their reasons and rule set (year= optional), newest first",
         [&colours, &projects](const Request& req, const Principal* who) {
           const auto y = platform::int_query(req, "year");
           return Response::json(200, colours.history(*who, projects, req.id_param(),
                                                      y ? std::optional<int>(static_cast<int>(*y)) : std::nullopt));
         }});
  r.add({"POST", "/api/projects/{id}/reports", "projects:report", true, tag,
         "The lead unit's monthly report: year, month, amount_wan (this month's investment), progress, problems, "
         "milestones (ids reached)",
         [&reports](const Request& req, const Principal* who) {
           const auto in = parse_report(req.json_object(), true);
           return Response::json(201, reports.submit(*who, platform::actor_of(req, who), req.id_param(), in));
         }});
  r.add({"GET", "/api/projects/reports", "projects:read", true, tag,
         "Reports in scope (the review queue with status=submitted): status, year, month, project",
         [&reports](const Request& req, const Principal* who) {
           const auto y = platform::int_query(req, "year"), m = platform::int_query(req, "month");
           return Response::json(
               200, reports.list(*who, req.q("status"), y ? std::optional<int>(static_cast<int>(*y)) : std::nullopt,
                                 m ? std::optional<int>(static_cast<int>(*m)) : std::nullopt,
                                 platform::int_query(req, "project")));
         }});
  r.add({"GET", "/api/projects/reports/tracking", "projects:read", true, tag,
         "Reporting of a month (year, month): each project with a plan, its report on time, late, pending or missing",
         [&reports](const Request& req, const Principal* who) {
           const auto [y, m] = period_of(req);
           return Response::json(200, reports.tracking(*who, y, m));
         }});
  r.add({"GET", "/api/projects/reports/{id}", "projects:read", true, tag, "One report with its history",
         [&reports](const Request& req, const Principal* who) {
           return Response::json(200, reports.get(*who, req.id_param()));
         }});
  r.add({"PUT", "/api/projects/reports/{id}", "projects:report", true, tag,
         "Submit a returned report again (amount_wan, progress, problems, milestones; version)",
         [&reports](const Request& req, const Principal* who) {
           const auto in = parse_report(req.json_object(), false);
           return Response::json(200, reports.resubmit(*who, platform::actor_of(req, who), req.id_param(), in));
         }});
  r.add({"POST", "/api/projects/reports/{id}/photos", "projects:report", true, tag,
         "Add a site photo to a report not yet accepted (lead unit): the body is the image's bytes, ?name= its file "
         "name, Content-Type its type (JPEG, PNG, GIF, WebP; checked against the bytes); at most 12 per report",
         [&reports](const Request& req, const Principal* who) {
           const auto p =
               reports.add_photo(*who, platform::actor_of(req, who), req.id_param(), req.q("name").value_or(""),
                                 std::string(req.header("content-type")), req.body);
           return Response::json(201, photo_json(p));
         },
         /*waits=*/false, /*body_limit=*/rt.config.files.max_bytes});
  r.add({"GET", "/api/projects/reports/{id}/photos/{photo_id}", "projects:read", true, tag,
         "A report's photo (checked against its SHA-256 before it is sent)",
         [&reports](const Request& req, const Principal* who) {
           auto [p, bytes] = reports.photo_file(*who, req.id_param(), req.id_param("photo_id"));
           return Response::file(p.content_type, std::move(bytes), p.name, p.sha256);
         }});
  r.add({"DELETE", "/api/projects/reports/{id}/photos/{photo_id}", "projects:report", true, tag,
         "Remove a photo from a report not yet accepted (lead unit)",
         [&reports](const Request& req, const Principal* who) {
           reports.remove_photo(*who, platform::actor_of(req, who), req.id_param(), req.id_param("photo_id"));
           return Response::no_content();
         }});
  for (const char* action : {"accept", "return", "correct"}) {
    const std::string a = action;
    r.add({"POST", "/api/projects/reports/{id}/" + a, "projects:review", true, tag,
           a == "accept"   ? "Accept a submitted report (version; note optional)"
           : a == "return" ? "Return a submitted report to its unit (version; note required)"
                           : "Correct an accepted report (amount_wan, progress, problems; note required; version); "
                             "the history keeps the earlier state",
           [&reports, a](const Request& req, const Principal* who) {
             const auto in = parse_report(req.json_object(), false);
             const auto actor = platform::actor_of(req, who);
             const auto id = req.id_param();
             return Response::json(200, a == "accept"   ? reports.accept(*who, actor, id, in)
                                        : a == "return" ? reports.send_back(*who, actor, id, in)
                                                        : reports.correct(*who, actor, id, in));
           }});
  }
  r.add({"GET", "/api/projects/settings", "projects:read", true, tag, "Report due and lock days",
         [&reports](const Request&, const Principal*) {
           const auto s = reports.settings();
           return Response::json(200, {{"due_day", s.due_day}, {"lock_day", s.lock_day}});
         }});
  r.add({"PUT", "/api/projects/settings", "projects:manage", true, tag, "Change the report due and lock days (1-28)",
         [&reports](const Request& req, const Principal* who) {
           const auto s = reports.set_settings(*who, platform::actor_of(req, who), req.json_object());
           return Response::json(200, {{"due_day", s.due_day}, {"lock_day", s.lock_day}});
         }});
  r.add({"GET", "/api/projects/industries", "projects:read", true, tag, "The industry list",
         [&projects](const Request&, const Principal*) {
           nlohmann::json items = nlohmann::json::array();
           for (const auto& [code, name] : projects.industries()) items.push_back({{"code", code}, {"name", name}});
           return Response::json(200, {{"items", items}});
         }});
  r.add({"GET", "/api/projects/rule-templates", "projects:read", true, tag,
         "The shipped red/yellow/green rule sets (data/projects/rules)", [&colours](const Request&, const Principal*) {
           return Response::json(200, {{"items", colours.templates()}});
         }});
  r.add({"GET", "/api/projects/rules/{year}", "projects:read", true, tag, "The rule set in force for a year",
         [&colours](const Request& req, const Principal*) {
           return Response::json(200, rule_set_json(colours.rule_set(year_param(req))));
         }});
  r.add({"PUT", "/api/projects/rules/{year}", "projects:manage", true, tag,
         "Replace a year's rule set (a set with gaps or overlaps is refused naming them); the months evaluated "
         "that year are evaluated again",
         [&colours](const Request& req, const Principal* who) {
           return Response::json(
               200, colours.set_rule_set(*who, platform::actor_of(req, who), year_param(req), req.json_object()));
         }});
  r.add({"POST", "/api/projects/colours/evaluate", "projects:manage", true, tag,
         "Evaluate the colours of a month now (year, month) for every project with a plan that year",
         [&colours](const Request& req, const Principal* who) {
           const auto body = req.json_object();
           const int y = body.contains("year") && body["year"].is_number_integer() ? body["year"].get<int>() : 0;
           const int m = body.contains("month") && body["month"].is_number_integer() ? body["month"].get<int>() : 0;
           return Response::json(200, summary_json(colours.evaluate(*who, y, m)));
         }});
  auto& issues = *issues_;
  auto& attraction = *attraction_;
  // {note, version}: the version, when given, must be the issue's (409 stale otherwise).
  auto note_of = [](const Request& req, const char* key) {
    const auto body = req.json_object();
    platform::Fields f(body, {key, "version"});
    auto note = f.str(key, 2000);
    std::optional<int> version;
    if (body.contains("version")) version = static_cast<int>(f.integer("version", 1, INT32_MAX));
    f.done();
    return std::pair(note, version);
  };
  r.add({"GET", "/api/projects/issues", "projects:read", true, tag,
         "Issue lists in scope: project, status (open|resolved), level (1-3), overdue=true, kind, unit",
         [&issues](const Request& req, const Principal* who) {
           const auto level = platform::int_query(req, "level");
           return Response::json(200, issues.list(*who, platform::int_query(req, "project"), req.q("status"),
                                                  level ? std::optional<int>(static_cast<int>(*level)) : std::nullopt,
                                                  platform::bool_query(req, "overdue").value_or(false), req.q("kind"),
                                                  platform::int_query(req, "unit")));
         }});
  r.add({"GET", "/api/projects/issues/{id}", "projects:read", true, tag,
         "One issue with its log and the meeting decisions on it", [&issues](const Request& req, const Principal* who) {
           return Response::json(200, issues.get(*who, req.id_param()));
         }});
  r.add({"POST", "/api/projects/{id}/issues", "projects:read", true, tag,
         "Raise an issue (the office or the lead unit): title, description, kind (land, funding, approvals, "
         "relocation, utilities, labour, other), unit_id, raised_on, working_days (deadline on the calendar)",
         [&issues](const Request& req, const Principal* who) {
           const auto in = parse_issue(req.json_object());
           return Response::json(201, issues.raise(*who, platform::actor_of(req, who), req.id_param(), in));
         }});
  r.add({"POST", "/api/projects/issues/{id}/escalate", "projects:manage", true, tag,
         "Move an open issue one level up (note): 1 owner and unit, 2 joint meeting, 3 district government",
         [&issues, note_of](const Request& req, const Principal* who) {
           const auto [note, version] = note_of(req, "note");
           return Response::json(200,
                                 issues.escalate(*who, platform::actor_of(req, who), req.id_param(), note, version));
         }});
  r.add({"POST", "/api/projects/issues/{id}/resolve", "projects:read", true, tag,
         "Resolve an issue (the responsible unit or the office): resolution",
         [&issues, note_of](const Request& req, const Principal* who) {
           const auto [note, version] = note_of(req, "resolution");
           return Response::json(200,
                                 issues.resolve(*who, platform::actor_of(req, who), req.id_param(), note, version));
         }});
  r.add({"POST", "/api/projects/issues/{id}/reopen", "projects:manage", true, tag, "Reopen a resolved issue (note)",
         [&issues, note_of](const Request& req, const Principal* who) {
           const auto [note, version] = note_of(req, "note");
           return Response::json(200, issues.reopen(*who, platform::actor_of(req, who), req.id_param(), note, version));
         }});
  r.add({"GET", "/api/projects/meetings", "projects:read", true, tag, "Joint meetings (联席会议), newest first",
         [&issues](const Request&, const Principal* who) { return Response::json(200, issues.meetings(*who)); }});
  r.add({"POST", "/api/projects/meetings", "projects:manage", true, tag,
         "Record a joint meeting: held_on, title, chair, attendees, minutes, decisions [{issue_id, decision, "
         "unit_id, due_on}]",
         [&issues](const Request& req, const Principal* who) {
           const auto in = parse_meeting(req.json_object());
           return Response::json(201, issues.record_meeting(*who, platform::actor_of(req, who), in));
         }});
  r.add({"GET", "/api/projects/talents", "projects:read", true, tag,
         "The all-citizen talent and contact database (q: name or organisation); phones masked without pii:read",
         [&attraction](const Request& req, const Principal* who) {
           return Response::json(200, attraction.talents(*who, req.q("q")));
         }});
  r.add({"POST", "/api/projects/talents", "projects:attract", true, tag,
         "Add a contact: name, phone, organisation, city, field, note",
         [&attraction](const Request& req, const Principal* who) {
           return Response::json(201, attraction.add_talent(*who, platform::actor_of(req, who), req.json_object()));
         }});
  r.add({"GET", "/api/projects/leads", "projects:read", true, tag, "Investment leads: stage, signed_year",
         [&attraction](const Request& req, const Principal* who) {
           const auto y = platform::int_query(req, "signed_year");
           return Response::json(200, attraction.leads(*who, req.q("stage"),
                                                       y ? std::optional<int>(static_cast<int>(*y)) : std::nullopt));
         }});
  r.add({"POST", "/api/projects/leads", "projects:attract", true, tag,
         "Add a lead: name, investor, industry, amount_wan, talent_id, town_id, note",
         [&attraction](const Request& req, const Principal* who) {
           return Response::json(201, attraction.add_lead(*who, platform::actor_of(req, who), req.json_object()));
         }});
  r.add({"POST", "/api/projects/leads/{id}/advance", "projects:attract", true, tag,
         "Move a lead on: stage (negotiating, signed, registered, started, converted, dropped), on (date), "
         "project_id (converted), amount_wan, version",
         [&attraction](const Request& req, const Principal* who) {
           return Response::json(
               200, attraction.advance(*who, platform::actor_of(req, who), req.id_param(), req.json_object()));
         }});
  r.add({"GET", "/api/projects/attraction/funnel", "projects:read", true, tag,
         "The attraction funnel of year= and the year's signed projects by amount bracket and industry",
         [&attraction](const Request& req, const Principal* who) {
           const auto [y, m] = period_of(req);
           (void)m;
           return Response::json(200, attraction.funnel(*who, y));
         }});
  auto& dispatch = *dispatch_;
  r.add({"GET", "/api/projects/dispatch", "projects:read", true, tag,
         "The monthly dispatch table (调度表) of year= and month= as format=csv (default) or xlsx",
         [&dispatch](const Request& req, const Principal* who) {
           const auto [y, m] = period_of(req);
           return platform::export_response(req, dispatch.table(*who, y, m), fmt::format("调度表-{}-{:02}", y, m));
         }});
  r.add({"POST", "/api/projects/dispatch/import", "projects:review", true, tag,
         "Load a filled dispatch table (CSV or XLSX body) for year= and month=: each row's 本月完成投资 becomes the "
         "project's accepted report; all or nothing; errors name the row and column",
         [&dispatch](const Request& req, const Principal* who) {
           const auto y = platform::int_query(req, "year"), m = platform::int_query(req, "month");
           if (!y || !m)
             throw Error::invalid("validation", "须给出 year 和 month", "give year and month")
                 .on_field("month", "必填", "required");
           const auto r = dispatch.import(*who, platform::actor_of(req, who), static_cast<int>(*y),
                                          static_cast<int>(*m), req.body);
           return Response::json(
               200, {{"rows", r.rows}, {"added", r.added}, {"unchanged", r.unchanged}, {"skipped", r.skipped}});
         }});
  r.add({"GET", "/api/projects/overview", "projects:read", true, tag,
         "Supervision figures of year= up to month= (default this month): totals, by industry, town, level and "
         "leader, monthly investment against the plan line, colour mix and the red list (the red_limit=, default "
         "100, at most 1000, furthest behind; red_total counts all)",
         [&overview](const Request& req, const Principal* who) {
           const auto [y, m] = period_of(req);
           const auto limit = platform::int_query(req, "red_limit").value_or(100);
           if (limit < 1 || limit > 1000)
             throw Error::invalid("validation", "red_limit 应为 1–1000", "red_limit must be 1-1000")
                 .on_field("red_limit", "超出范围", "out of range");
           return Response::json(200, overview.overview(*who, y, m, static_cast<std::size_t>(limit)));
         }});
}

}  // namespace ecity::projects
