#include "platform/audit/export.h"

#include "platform/files/xlsx_reader.h"

#include "platform/error.h"

#include <fmt/format.h>
#include <sodium.h>
#include <xlsxwriter.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ecity::platform {

namespace {
std::string csv_cell(const std::string& v) {
  std::string s = v;
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) s = "'" + s;
  bool quote = s.find_first_of(",\"\r\n") != std::string::npos;
  if (!quote) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}
}  // namespace

std::string to_csv(const Table& t) {
  std::string out = "\xEF\xBB\xBF";
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) out.push_back(',');
      out += csv_cell(cells[i]);
    }
    out += "\r\n";
  };
  line(t.header);
  for (const auto& r : t.rows) line(r);
  return out;
}

std::string to_xlsx(const Table& t, const std::string& sheet_name) { return to_xlsx({{sheet_name, &t}}); }

std::string to_xlsx(const std::vector<std::pair<std::string, const Table*>>& sheets) {
  unsigned char rnd[8];
  randombytes_buf(rnd, sizeof rnd);
  char hex[17];
  sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
  auto path = std::filesystem::temp_directory_path() / ("ecity-export-" + std::string(hex) + ".xlsx");
  lxw_workbook_options opts{};
  opts.constant_memory = LXW_TRUE;
  lxw_workbook* wb = workbook_new_opt(path.c_str(), &opts);
  if (wb == nullptr) throw Error::internal();
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  for (const auto& [sheet_name, table] : sheets) {
    const Table& t = *table;
    lxw_worksheet* ws = workbook_add_worksheet(wb, sheet_name.c_str());
    if (ws == nullptr) {
      workbook_close(wb);
      std::error_code ec;
      std::filesystem::remove(path, ec);
      throw Error::internal();
    }
    for (std::size_t c = 0; c < t.header.size(); ++c)
      worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), t.header[c].c_str(), bold);
    for (std::size_t r = 0; r < t.rows.size(); ++r)
      for (std::size_t c = 0; c < t.rows[r].size(); ++c) {
        const auto& cell = t.rows[r][c];
        const auto row = static_cast<lxw_row_t>(r + 1);
        const auto col = static_cast<lxw_col_t>(c);
        if (c < t.numeric.size() && t.numeric[c] && !cell.empty()) {
          char* end = nullptr;
          const double v = std::strtod(cell.c_str(), &end);
          if (end == cell.c_str() + cell.size() && std::isfinite(v)) {
            worksheet_write_number(ws, row, col, v, nullptr);
            continue;
          }
        }
        worksheet_write_string(ws, row, col, cell.c_str(), nullptr);
      }
  }
  lxw_error err = workbook_close(wb);
  std::string out;
  if (err == LXW_NO_ERROR) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    out = ss.str();
  }
  std::error_code ec;
  std::filesystem::remove(path, ec);
  if (err != LXW_NO_ERROR || out.empty()) throw Error::internal();
  return out;
}

Response export_response(const Request& req, const Table& t, const std::string& base) {
  auto format = req.q("format").value_or("csv");
  Response r;
  std::string filename;
  if (format == "csv") {
    r.body = to_csv(t);
    r.content_type = "text/csv; charset=utf-8";
    filename = base + ".csv";
  } else if (format == "xlsx") {
    r.body = to_xlsx(t, base);
    r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    filename = base + ".xlsx";
  } else {
    throw Error::invalid("validation", "format 应为 csv 或 xlsx", "format must be csv or xlsx");
  }
  r.headers.emplace_back("Content-Disposition", content_disposition(filename));
  return r;
}

std::vector<std::vector<std::string>> parse_csv(std::string_view text) {
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.remove_prefix(3);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false, was_quoted = false;
  std::size_t line = 1;
  auto end_cell = [&] {
    if (!was_quoted && cell.size() > 1 && cell[0] == '\'' &&
        (cell[1] == '=' || cell[1] == '+' || cell[1] == '-' || cell[1] == '@'))
      cell.erase(0, 1);
    row.push_back(std::move(cell));
    cell.clear();
    was_quoted = false;
  };
  auto end_row = [&] {
    end_cell();
    if (!(row.size() == 1 && row[0].empty())) rows.push_back(std::move(row));
    row.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          cell += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        cell += c;
      }
      continue;
    }
    if (c == '"') {
      if (!cell.empty())
        throw Error::invalid("csv-invalid", "第 " + std::to_string(line) + " 行：引号位置不对",
                             "line " + std::to_string(line) + ": a stray quote");
      quoted = was_quoted = true;
    } else if (c == ',') {
      end_cell();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;
    } else if (c == '\n') {
      end_row();
      ++line;
    } else {
      cell += c;
    }
  }
  if (quoted)
    throw Error::invalid("csv-invalid", "第 " + std::to_string(line) + " 行：引号没有闭合",
                         "line " + std::to_string(line) + ": an unterminated quote");
  if (!cell.empty() || !row.empty()) end_row();
  return rows;
}

Error table_cell_error(std::size_t row, const std::string& column, const std::string& zh, const std::string& en) {
  Error e = Error::invalid("table-invalid", fmt::format("第 {} 行「{}」：{}", row, column, zh),
                           fmt::format("row {}, column {}: {}", row, column, en));
  e.extra()["row"] = row;
  e.extra()["column"] = column;
  return e;
}

std::vector<std::vector<std::string>> read_table_upload(std::string_view bytes) {
  if (looks_like_zip(bytes)) return read_xlsx(bytes);
  return parse_csv(bytes);
}

}  // namespace ecity::platform
