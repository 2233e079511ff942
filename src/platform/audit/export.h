// Tabular export of log pages as CSV (UTF-8 with BOM, so Excel opens Chinese text) or XLSX
// (libxlsxwriter). Cells that a spreadsheet would run as a formula (= + - @ at the start)
// are prefixed with an apostrophe in CSV and written as strings in XLSX. And the way back for
// uploads: a table read from CSV or XLSX.
#pragma once

#include "platform/error.h"
#include "platform/http/message.h"

#include <string>
#include <utility>
#include <vector>

namespace ecity::platform {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  // Columns whose cells are numbers: XLSX writes a cell that parses entirely as a number as a
  // number (so a spreadsheet can sum it), anything else ("—") as text. CSV is unchanged.
  std::vector<bool> numeric = {};
};

std::string to_csv(const Table& t);
// Throws Error (internal) if the workbook cannot be written.
std::string to_xlsx(const Table& t, const std::string& sheet_name);
// A workbook of several sheets, in order (names unique, at most 31 characters, no []:*?/\).
std::string to_xlsx(const std::vector<std::pair<std::string, const Table*>>& sheets);

// The HTTP answer for ?format=csv|xlsx (csv by default): the file as an attachment named
// base.csv / base.xlsx. Throws Error (invalid) for another format.
Response export_response(const Request& req, const Table& t, const std::string& base);

// Rows of an RFC 4180 CSV text (quoted fields with doubled quotes and line breaks, CRLF or LF,
// a UTF-8 BOM dropped); an apostrophe that to_csv() put before = + - @ is removed again. Throws
// Error (invalid "csv-invalid") naming the line of an unterminated quote or a stray quote.
std::vector<std::vector<std::string>> parse_csv(std::string_view text);
// An uploaded table: XLSX (first sheet) when the bytes are a ZIP archive, else CSV.
std::vector<std::vector<std::string>> read_table_upload(std::string_view bytes);
// The error of one cell of an uploaded table (invalid "table-invalid"): "第 3 行「数值」：…",
// "row 3, column 数值: …", with `row` and `column` as members of the problem.
Error table_cell_error(std::size_t row, const std::string& column, const std::string& zh, const std::string& en);

}  // namespace ecity::platform
