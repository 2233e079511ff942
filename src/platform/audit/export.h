// Tabular export of log pages as CSV (UTF-8 with BOM, so Excel opens Chinese text) or XLSX
// (libxlsxwriter). Cells that a spreadsheet would run as a formula (= + - @ at the start)
// are prefixed with an apostrophe in CSV and written as strings in XLSX.
#pragma once

#include <string>
#include <vector>

namespace ecity::platform {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

std::string to_csv(const Table& t);
// Throws Error (internal) if the workbook cannot be written.
std::string to_xlsx(const Table& t, const std::string& sheet_name);

}  // namespace ecity::platform
