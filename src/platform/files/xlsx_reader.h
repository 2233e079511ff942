// Reads the first worksheet of an XLSX workbook (Office Open XML, as Excel, WPS and
// libxlsxwriter write it) into rows of cell texts, for spreadsheet uploads. The ZIP container is
// read from its central directory and entries are inflated with zlib (libxlsxwriter only
// writes); shared strings, inline strings, numbers and booleans are returned as text, numbers as
// plain decimals without exponent ("1.5E-3" → "0.0015"). Limits guard against zip bombs.
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ecity::platform {

struct XlsxLimits {
  std::size_t max_entry_bytes = 64 * 1024 * 1024;  // an inflated part
  std::size_t max_cells = 2'000'000;
};

// Rows in sheet order; within a row, cells at their column (A = 0), missing cells empty, trailing
// empty cells dropped; empty rows kept as empty vectors up to the last row with content.
// Throws Error (invalid "xlsx-invalid") for anything that is not a readable workbook.
std::vector<std::vector<std::string>> read_xlsx(std::string_view bytes, const XlsxLimits& limits = {});

// True if the bytes start like a ZIP archive (an XLSX), for telling an upload from CSV.
bool looks_like_zip(std::string_view bytes);

}  // namespace ecity::platform
