// The monthly dispatch table (月度调度表) as supervision offices circulate it: one row per project
// with its plan, the month's and the year's investment, completion, time progress, the gap in
// points, progress, problems and colour. Exported as CSV or XLSX; the same layout is imported
// back (CSV or XLSX, told apart by content), so an office that collects the month on paper or in a
// spreadsheet can load it: each row's 本月完成投资 becomes that project's accepted report of the
// month. Imports are all or nothing; a row already stored with the same amount is unchanged, with
// another amount a conflict naming the row; errors name the row and the column.
//
// Thread-safety: safe from any worker thread.
#pragma once

#include "projects/reports.h"

#include "platform/audit/export.h"

namespace ecity::projects {

struct DispatchImportResult {
  std::size_t rows = 0, added = 0, unchanged = 0, skipped = 0;  // skipped: no amount in the row
};

class DispatchService {
 public:
  DispatchService(platform::Runtime& rt, ReportService& reports) : rt_(rt), reports_(reports) {}

  // The table of a month for the projects in scope with a plan that year.
  platform::Table table(const platform::Principal& who, int year, int month);
  // Loads a filled table (projects:review). Throws Error (invalid) naming row and column,
  // (conflict) for a month stored with other amounts or a report waiting for review.
  DispatchImportResult import(const platform::Principal& who, const platform::Actor& actor, int year, int month,
                              std::string_view bytes);

 private:
  platform::Runtime& rt_;
  ReportService& reports_;
};

// The header of the table, in order.
const std::vector<std::string>& dispatch_header();

}  // namespace ecity::projects
