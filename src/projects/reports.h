// Monthly progress reports (月度调度): the lead unit reports each month's completed investment,
// progress, problems and the milestones reached; the supervising office (调度办) accepts or returns
// it; a returned report is corrected and submitted again. A unit's report for month M is due by
// the office's due day of M+1 (later: flagged late) and locks after its lock day (later: the unit
// can no longer submit; the month counts as missing). After acceptance only the office corrects a
// report, and every state of a report is kept in its history. Only accepted amounts count.
//
// Thread-safety: safe from any worker thread.
#pragma once

#include "projects/registry.h"

#include <nlohmann/json.hpp>

namespace ecity::projects {

struct ReportSettings {
  int due_day = 5;    // reports of month M are due by this day of M+1
  int lock_day = 10;  // … and lock after this day of M+1
};

struct Report {
  std::int64_t id = 0, project_id = 0;
  int year = 0, month = 0;
  Yuan amount = 0;
  std::string progress, problems, status, review_note;
  bool late = false, over_total = false;
  std::optional<std::int64_t> submitted_by, reviewed_by, reviewed_at;
  std::int64_t submitted_at = 0;
  int revision = 1, version = 1;
};

// A photo of a report's site progress; its bytes are in the platform's file store.
struct ReportPhoto {
  std::int64_t id = 0, report_id = 0;
  std::string name, content_type, sha256, uploaded_by_name;
  std::int64_t size = 0, uploaded_at = 0;
  std::optional<std::int64_t> uploaded_by;
};
inline constexpr int kMaxReportPhotos = 12;

struct AcceptedReport {
  std::int64_t project = 0;
  int year = 0, month = 0;
  Yuan amount = 0;
  std::string progress, problems, note;
  std::optional<std::int64_t> by;  // the office's user; none for the system
  std::int64_t submitted_at = 0, accepted_at = 0;
};

struct ReportInput {
  int year = 0, month = 0;  // on submission
  std::optional<Yuan> amount;
  std::optional<std::string> progress, problems;
  std::vector<std::int64_t> milestones;  // milestone ids reached this month
  std::optional<int> version;            // on resubmission and correction
  std::string note;                      // the office's note (return, correction)
};
// `submission`: year and month required (a new report); otherwise a resubmission or a correction.
ReportInput parse_report(const nlohmann::json& body, bool submission);

class ReportService {
 public:
  ReportService(platform::Runtime& rt, ProjectService& projects) : rt_(rt), projects_(projects) {}

  // The lead unit's report of a month. Throws Error: forbidden (not the lead unit, or without
  // projects:report), invalid (a future month, an amount above the project's total), conflict
  // "duplicate" (a report of that month exists) or "locked" (after the lock day).
  nlohmann::json submit(const platform::Principal& who, const platform::Actor& actor, std::int64_t project,
                        const ReportInput& in);
  // The lead unit submits a returned report again.
  nlohmann::json resubmit(const platform::Principal& who, const platform::Actor& actor, std::int64_t id,
                          const ReportInput& in);
  // The office (projects:review): accept, return (a note is required), correct an accepted report.
  nlohmann::json accept(const platform::Principal& who, const platform::Actor& actor, std::int64_t id,
                        const ReportInput& in);
  nlohmann::json send_back(const platform::Principal& who, const platform::Actor& actor, std::int64_t id,
                           const ReportInput& in);
  nlohmann::json correct(const platform::Principal& who, const platform::Actor& actor, std::int64_t id,
                         const ReportInput& in);
  // Reports in scope, newest first, filtered by status, year, month, project.
  nlohmann::json list(const platform::Principal& who, const std::optional<std::string>& status, std::optional<int> year,
                      std::optional<int> month, std::optional<std::int64_t> project);
  // One report with its history.
  nlohmann::json get(const platform::Principal& who, std::int64_t id);
  // The reporting of a month: each project in scope with a plan that year, whether its report is
  // in, on time, late or missing (after the lock day).
  nlohmann::json tracking(const platform::Principal& who, int year, int month);

  // Photos: the lead unit adds (an image checked by its bytes, at most kMaxReportPhotos) and
  // removes them until the report is accepted; whoever sees the report sees its photos.
  // Throws Error: forbidden, not_found, invalid "file-type", too_large, conflict "state" (accepted)
  // or "too-many-photos".
  ReportPhoto add_photo(const platform::Principal& who, const platform::Actor& actor, std::int64_t report,
                        const std::string& name, const std::string& declared_type, std::string_view bytes);
  void remove_photo(const platform::Principal& who, const platform::Actor& actor, std::int64_t report,
                    std::int64_t photo);
  // A photo and its bytes (verified against the checksum).
  std::pair<ReportPhoto, std::string> photo_file(const platform::Principal& who, std::int64_t report,
                                                 std::int64_t photo);

  ReportSettings settings();
  ReportSettings set_settings(const platform::Principal& who, const platform::Actor& actor, const nlohmann::json& body);
  // Inside the caller's transaction, an accepted report that did not come through the cycle (the
  // dispatch-table import, the demo), with its history line; nothing when the month has one.
  // Returns the new report's id.
  static std::optional<std::int64_t> put_accepted(platform::Tx& tx, const AcceptedReport& r, const ReportSettings& s);
  // Recomputes every project's year figures (prj_year_figures: accepted amount and first
  // submission of each month) from the reports, for stores filled around the service (the
  // benchmarks). The service keeps them itself on every change of a report.
  static void rebuild_year_figures(platform::Tx& tx);

 private:
  nlohmann::json review(const platform::Principal& who, const platform::Actor& actor, std::int64_t id,
                        const ReportInput& in, const std::string& action);
  platform::Runtime& rt_;
  ProjectService& projects_;
};

nlohmann::json report_json(const Report& r);
nlohmann::json photo_json(const ReportPhoto& p);

// Instants (epoch ms) that close the reporting of a month: the end of the due day and of the
// lock day of the next month, Asia/Shanghai.
std::int64_t due_instant(int year, int month, const ReportSettings& s);
std::int64_t lock_instant(int year, int month, const ReportSettings& s);

// "a1, a2, …, a12" (prefix 'a': accepted amounts) or "s1, …, s12" (first submissions): the month
// columns of prj_year_figures.
std::string year_figures_columns(char prefix);

}  // namespace ecity::projects
