#include "platform/files/xlsx_reader.h"

#include "platform/error.h"
#include "platform/numeric/decimal.h"

#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>

namespace ecity::platform {

namespace {

Error bad(const std::string& zh, const std::string& en) {
  return Error::invalid("xlsx-invalid", "无法读取 XLSX 文件：" + zh, "cannot read the XLSX file: " + en);
}

std::uint32_t u16(std::string_view b, std::size_t at) {
  if (at + 2 > b.size()) throw bad("文件被截断", "truncated");
  return static_cast<std::uint8_t>(b[at]) | static_cast<std::uint32_t>(static_cast<std::uint8_t>(b[at + 1])) << 8;
}
std::uint32_t u32(std::string_view b, std::size_t at) { return u16(b, at) | u16(b, at + 2) << 16; }

struct Entry {
  std::uint32_t method = 0, compressed = 0, size = 0, offset = 0;
};

// The entries of the ZIP's central directory by name.
std::map<std::string, Entry> directory(std::string_view b) {
  if (b.size() < 22) throw bad("不是 ZIP 文件", "not a ZIP archive");
  std::size_t eocd = std::string_view::npos;
  const std::size_t lowest = b.size() > 22 + 65535 ? b.size() - 22 - 65535 : 0;
  for (std::size_t at = b.size() - 22 + 1; at-- > lowest;)
    if (u32(b, at) == 0x06054b50) {
      eocd = at;
      break;
    }
  if (eocd == std::string_view::npos) throw bad("找不到 ZIP 目录", "no ZIP central directory");
  const auto count = u16(b, eocd + 10);
  std::size_t at = u32(b, eocd + 16);
  std::map<std::string, Entry> out;
  for (std::uint32_t i = 0; i < count; ++i) {
    if (u32(b, at) != 0x02014b50) throw bad("ZIP 目录损坏", "damaged ZIP directory");
    Entry e;
    e.method = u16(b, at + 10);
    e.compressed = u32(b, at + 20);
    e.size = u32(b, at + 24);
    const auto name_len = u16(b, at + 28), extra_len = u16(b, at + 30), comment_len = u16(b, at + 32);
    e.offset = u32(b, at + 42);
    if (at + 46 + name_len > b.size()) throw bad("ZIP 目录损坏", "damaged ZIP directory");
    out.emplace(std::string(b.substr(at + 46, name_len)), e);
    at += 46 + name_len + extra_len + comment_len;
  }
  return out;
}

std::string inflate_entry(std::string_view b, const Entry& e, const XlsxLimits& limits) {
  if (u32(b, e.offset) != 0x04034b50) throw bad("ZIP 条目损坏", "damaged ZIP entry");
  const std::size_t data = e.offset + 30 + u16(b, e.offset + 26) + u16(b, e.offset + 28);
  if (data + e.compressed > b.size()) throw bad("文件被截断", "truncated");
  if (e.size > limits.max_entry_bytes) throw bad("内容过大", "a part is too large");
  const auto in = b.substr(data, e.compressed);
  if (e.method == 0) return std::string(in);
  if (e.method != 8) throw bad("不支持的压缩方式", "unsupported compression");
  std::string out(e.size, '\0');
  z_stream z{};
  if (inflateInit2(&z, -MAX_WBITS) != Z_OK) throw bad("解压失败", "inflate failed");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&z, Z_FINISH);
  const auto produced = z.total_out;
  inflateEnd(&z);
  if (rc != Z_STREAM_END || produced != e.size) throw bad("解压失败（文件损坏）", "inflate failed (damaged file)");
  return out;
}

// XML text with its five entities and character references decoded.
std::string unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const auto semi = s.find(';', i);
    if (semi == std::string_view::npos) throw bad("XML 实体不完整", "unterminated XML entity");
    const auto name = s.substr(i + 1, semi - i - 1);
    if (name == "amp")
      out += '&';
    else if (name == "lt")
      out += '<';
    else if (name == "gt")
      out += '>';
    else if (name == "quot")
      out += '"';
    else if (name == "apos")
      out += '\'';
    else if (!name.empty() && name[0] == '#') {
      const bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
      const std::string digits(name.substr(hex ? 2 : 1));
      char* end = nullptr;
      const unsigned long cp = std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
      if (digits.empty() || *end != '\0' || cp > 0x10FFFF) throw bad("XML 字符引用无效", "invalid character reference");
      if (cp < 0x80) {
        out += static_cast<char>(cp);
      } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      }
    } else {
      throw bad("未知的 XML 实体", "unknown XML entity");
    }
    i = semi;
  }
  return out;
}

// The value of attribute `name` in a start tag's text, if present.
std::optional<std::string_view> attribute(std::string_view tag, std::string_view name) {
  for (std::size_t at = 0; (at = tag.find(name, at)) != std::string_view::npos; at += name.size()) {
    const bool starts = at > 0 && (tag[at - 1] == ' ' || tag[at - 1] == '\t' || tag[at - 1] == '\n');
    const auto eq = at + name.size();
    if (!starts || eq + 1 >= tag.size() || tag[eq] != '=') continue;
    const char quote = tag[eq + 1];
    const auto close = tag.find(quote, eq + 2);
    if (close == std::string_view::npos) return std::nullopt;
    return tag.substr(eq + 2, close - eq - 2);
  }
  return std::nullopt;
}

// The concatenated text of every <t>…</t> inside `xml` (rich-text runs joined).
std::string texts(std::string_view xml) {
  std::string out;
  for (std::size_t at = 0;;) {
    auto open = xml.find("<t", at);
    if (open == std::string_view::npos) break;
    const char next = open + 2 < xml.size() ? xml[open + 2] : '\0';
    if (next != '>' && next != ' ' && next != '/') {
      at = open + 2;
      continue;
    }
    const auto gt = xml.find('>', open);
    if (gt == std::string_view::npos) break;
    if (xml[gt - 1] == '/') {
      at = gt + 1;
      continue;
    }
    const auto close = xml.find("</t>", gt);
    if (close == std::string_view::npos) throw bad("XML 不完整", "unterminated XML");
    out += unescape(xml.substr(gt + 1, close - gt - 1));
    at = close + 4;
  }
  return out;
}

std::vector<std::string> shared_strings(const std::string& xml) {
  std::vector<std::string> out;
  for (std::size_t at = 0;;) {
    auto open = xml.find("<si", at);
    if (open == std::string::npos) break;
    const auto close = xml.find("</si>", open);
    const auto empty = xml.find("/>", open);
    const auto gt = xml.find('>', open);
    if (gt != std::string::npos && empty != std::string::npos && empty + 1 == gt) {  // <si/>
      out.emplace_back();
      at = gt + 1;
      continue;
    }
    if (close == std::string::npos) throw bad("共享字符串不完整", "unterminated shared string");
    out.push_back(texts(std::string_view(xml).substr(open, close - open)));
    at = close + 5;
  }
  return out;
}

// "AB12" → column index 27 (A = 0).
std::optional<std::size_t> column_of(std::string_view ref) {
  std::size_t col = 0, letters = 0;
  for (char c : ref) {
    if (c < 'A' || c > 'Z') break;
    col = col * 26 + static_cast<std::size_t>(c - 'A' + 1);
    ++letters;
  }
  if (letters == 0 || letters > 3) return std::nullopt;
  return col - 1;
}

}  // namespace

bool looks_like_zip(std::string_view bytes) { return bytes.size() >= 4 && bytes.substr(0, 4) == "PK\x03\x04"; }

std::vector<std::vector<std::string>> read_xlsx(std::string_view bytes, const XlsxLimits& limits) {
  const auto dir = directory(bytes);
  std::string sheet_name = "xl/worksheets/sheet1.xml";
  if (!dir.count(sheet_name)) {
    sheet_name.clear();
    for (const auto& [name, e] : dir)
      if (name.rfind("xl/worksheets/", 0) == 0 && name.size() > 18 && name.substr(name.size() - 4) == ".xml") {
        sheet_name = name;
        break;
      }
    if (sheet_name.empty()) throw bad("没有工作表", "no worksheet");
  }
  std::vector<std::string> strings;
  if (auto it = dir.find("xl/sharedStrings.xml"); it != dir.end())
    strings = shared_strings(inflate_entry(bytes, it->second, limits));
  const std::string xml = inflate_entry(bytes, dir.at(sheet_name), limits);
  const auto data = xml.find("<sheetData");
  if (data == std::string::npos) throw bad("工作表没有数据区", "the worksheet has no sheetData");
  std::vector<std::vector<std::string>> rows;
  std::size_t cells = 0;
  for (std::size_t at = data;;) {
    const auto row = xml.find("<row", at);
    if (row == std::string::npos) break;
    const auto row_gt = xml.find('>', row);
    if (row_gt == std::string::npos) throw bad("XML 不完整", "unterminated XML");
    const auto r = attribute(std::string_view(xml).substr(row, row_gt - row), "r");
    std::size_t index = rows.size();
    if (r) index = static_cast<std::size_t>(std::atol(std::string(*r).c_str())) - 1;
    if (index > 1'048'575 || index < rows.size()) throw bad("行号无效", "invalid row number");
    rows.resize(index + 1);
    auto& cells_of_row = rows[index];
    if (xml[row_gt - 1] == '/') {  // <row …/>
      at = row_gt + 1;
      continue;
    }
    const auto row_end = xml.find("</row>", row_gt);
    if (row_end == std::string::npos) throw bad("XML 不完整", "unterminated XML");
    for (std::size_t c = row_gt; (c = xml.find("<c", c)) != std::string::npos && c < row_end;) {
      const char next = xml[c + 2];
      if (next != ' ' && next != '>' && next != '/') {
        c += 2;
        continue;
      }
      const auto gt = xml.find('>', c);
      const std::string_view tag = std::string_view(xml).substr(c, gt - c);
      const auto ref = attribute(tag, "r");
      const std::size_t col = ref ? column_of(*ref).value_or(SIZE_MAX) : cells_of_row.size();
      if (col == SIZE_MAX || col > 16383) throw bad("单元格引用无效", "invalid cell reference");
      if (++cells > limits.max_cells) throw bad("单元格过多", "too many cells");
      std::string value;
      std::size_t next_at = gt + 1;
      if (xml[gt - 1] != '/') {
        const auto end = xml.find("</c>", gt);
        if (end == std::string::npos || end > row_end) throw bad("XML 不完整", "unterminated XML");
        const std::string_view body = std::string_view(xml).substr(gt + 1, end - gt - 1);
        const auto type = attribute(tag, "t").value_or("n");
        std::string v;
        if (auto vo = body.find("<v>"); vo != std::string_view::npos) {
          const auto vc = body.find("</v>", vo);
          if (vc == std::string_view::npos) throw bad("XML 不完整", "unterminated XML");
          v = unescape(body.substr(vo + 3, vc - vo - 3));
        }
        if (type == "s") {
          char* endp = nullptr;
          const unsigned long i = std::strtoul(v.c_str(), &endp, 10);
          if (v.empty() || *endp != '\0' || i >= strings.size())
            throw bad("共享字符串编号无效", "invalid shared string");
          value = strings[i];
        } else if (type == "inlineStr") {
          value = texts(body);
        } else if (type == "b") {
          value = v == "1" ? "TRUE" : "FALSE";
        } else if (type == "n") {
          value = plain_decimal(v);
        } else {  // str (a formula's text), e (an error)
          value = v;
        }
        next_at = end + 4;
      }
      if (cells_of_row.size() <= col) cells_of_row.resize(col + 1);
      cells_of_row[col] = std::move(value);
      c = next_at;
    }
    while (!cells_of_row.empty() && cells_of_row.back().empty()) cells_of_row.pop_back();
    at = row_end + 6;
  }
  while (!rows.empty() && rows.back().empty()) rows.pop_back();
  return rows;
}

}  // namespace ecity::platform
