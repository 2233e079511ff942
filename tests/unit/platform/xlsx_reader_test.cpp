#include "platform/files/xlsx_reader.h"

#include "platform/audit/export.h"
#include "platform/error.h"

#include <gtest/gtest.h>

namespace ecity::platform {
namespace {

std::string error_of(std::string_view bytes) {
  try {
    read_xlsx(bytes);
  } catch (const Error& e) {
    return e.slug();
  }
  return "";
}

// A workbook written by libxlsxwriter (through the export) reads back cell by cell.
TEST(XlsxReader, ReadsWhatTheExportWrites) {
  Table t;
  t.header = {"序号", "项目名称", "本月完成投资（万元）", "备注"};
  t.rows = {{"1", "石榴精深加工产业园项目", "1234.56", ""},
            {"2", "A&B <测试> \"引号\"", "0.0015", "=SUM(A1)"},
            {"3", "", "", "末列"}};
  t.numeric = {true, false, true, false};
  const auto bytes = to_xlsx(t, "调度表");
  ASSERT_TRUE(looks_like_zip(bytes));
  const auto rows = read_xlsx(bytes);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], t.header);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"1", "石榴精深加工产业园项目", "1234.56"}));  // trailing empty dropped
  EXPECT_EQ(rows[2][1], "A&B <测试> \"引号\"");
  EXPECT_EQ(rows[2][2], "0.0015");
  EXPECT_EQ(rows[2][3], "=SUM(A1)");  // written and read as text, never as a formula
  EXPECT_EQ(rows[3], (std::vector<std::string>{"3", "", "", "末列"}));
}

TEST(XlsxReader, RefusesWhatIsNotAWorkbook) {
  EXPECT_EQ(error_of(""), "xlsx-invalid");
  EXPECT_EQ(error_of("序号,项目名称\n1,x\n"), "xlsx-invalid");
  std::string junk(100'000, '\0');
  for (std::size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<char>((i * 2654435761u) >> 13);
  EXPECT_EQ(error_of(junk), "xlsx-invalid");
  EXPECT_FALSE(looks_like_zip("id,name"));
  // A workbook cut short, or with a byte changed inside a compressed part, is refused.
  Table t;
  t.header = {"a"};
  for (int i = 0; i < 200; ++i) t.rows.push_back({std::to_string(i)});
  const auto bytes = to_xlsx(t, "s");
  EXPECT_EQ(error_of(std::string_view(bytes).substr(0, bytes.size() / 2)), "xlsx-invalid");
  auto damaged = bytes;
  damaged[damaged.size() / 3] ^= 0x5A;
  const auto e = error_of(damaged);
  EXPECT_TRUE(e == "xlsx-invalid" || e.empty()) << e;  // stored parts may still read; never a crash
  // A part claiming to inflate beyond the limit is refused before any allocation of that size.
  XlsxLimits tiny;
  tiny.max_entry_bytes = 100;
  EXPECT_THROW(read_xlsx(bytes, tiny), Error);
}

TEST(CsvReader, ReadsWhatTheExportWritesAndRefusesStrayQuotes) {
  Table t;
  t.header = {"项目名称", "形象进度"};
  t.rows = {{"A,B", "第一行\n第二行"}, {"\"引号\"", "-5"}, {"", "=1+1"}};
  const auto rows = parse_csv(to_csv(t));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1], t.rows[0]);
  EXPECT_EQ(rows[2], t.rows[1]);  // the export's apostrophe before -5 is removed again
  EXPECT_EQ(rows[3], t.rows[2]);
  EXPECT_EQ(parse_csv("a,b\r\n\r\n1,2"), (std::vector<std::vector<std::string>>{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(parse_csv("a,\n"), (std::vector<std::vector<std::string>>{{"a", ""}}));
  EXPECT_THROW(parse_csv("a,\"b\n"), Error);
  EXPECT_THROW(parse_csv("a,b\"c\"\n"), Error);
  EXPECT_TRUE(parse_csv("").empty());
  EXPECT_EQ(read_table_upload("x,y\n1,2\n").size(), 2u);
}

}  // namespace
}  // namespace ecity::platform
