#include "platform/http/message.h"

#include "platform/error.h"
#include "platform/http/fields.h"

#include <gtest/gtest.h>

namespace ecity::platform {
namespace {

TEST(PercentDecode, DecodesAndRejectsMalformedEscapes) {
  EXPECT_EQ(percent_decode("/a%20b", false), "/a b");
  EXPECT_EQ(percent_decode("%E5%B3%84%E5%9F%8E", false), "峄城");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_FALSE(percent_decode("%", false));
  EXPECT_FALSE(percent_decode("%4", false));
  EXPECT_FALSE(percent_decode("%zz", false));
  EXPECT_FALSE(percent_decode("%00", false));  // a decoded NUL never reaches a path
}

TEST(ParseQuery, LastKeyWinsAndBadEscapesThrow) {
  auto q = parse_query("a=1&b=%E4%B8%AD&a=2&&c");
  EXPECT_EQ(q["a"], "2");
  EXPECT_EQ(q["b"], "中");
  EXPECT_EQ(q["c"], "");
  EXPECT_THROW(parse_query("a=%ff"), Error);  // not UTF-8 once decoded
  EXPECT_THROW(parse_query("a=%4"), Error);
}

TEST(ParseForm, KeepsOrderAndRepeatedKeys) {
  auto f = parse_form("attribute%5Btype%5D=help&x=1&x=2&name=%E8%B5%B5+%E5%85%AD&&empty=");
  ASSERT_EQ(f.size(), 5u);
  EXPECT_EQ(f[0], (std::pair<std::string, std::string>{"attribute[type]", "help"}));
  EXPECT_EQ(f[1].second, "1");
  EXPECT_EQ(f[2].second, "2");
  EXPECT_EQ(f[3].second, "赵 六");
  EXPECT_EQ(f[4], (std::pair<std::string, std::string>{"empty", ""}));
  EXPECT_TRUE(parse_form("").empty());
  EXPECT_THROW(parse_form("a=%E8%B5"), Error);  // truncated UTF-8
}

TEST(ValidUtf8, AcceptsChineseRejectsOverlongsAndSurrogates) {
  EXPECT_TRUE(valid_utf8("榴乡诉递 12345"));
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_FALSE(valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(valid_utf8("\xE5\xB3"));          // truncated
  EXPECT_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(valid_utf8("\xFF"));
  // The eight-byte ASCII path hands over to the sequence check at any offset.
  EXPECT_TRUE(valid_utf8("abcdefghijklmnop峄城"));
  EXPECT_FALSE(valid_utf8("abcdefghijklmnop\xE5\xB3"));
  EXPECT_FALSE(valid_utf8("abcdefg\xFFhijklmnop"));
  EXPECT_EQ(utf8_sequence("峄"), 3u);
  EXPECT_EQ(utf8_sequence("a"), 1u);
  EXPECT_EQ(utf8_sequence(""), 0u);
  EXPECT_EQ(utf8_sequence("\xF0\x9F\x98\x80"), 4u);
}

TEST(Request, LanguageAndJsonBody) {
  Request r;
  EXPECT_FALSE(r.prefers_english());
  r.headers = {{"accept-language", "en-US,en;q=0.9,zh-CN;q=0.8"}};
  EXPECT_TRUE(r.prefers_english());
  r.headers = {{"accept-language", "zh-CN,zh;q=0.9,en;q=0.8"}};
  EXPECT_FALSE(r.prefers_english());
  r.body = R"({"a":1})";
  EXPECT_EQ(r.json_object()["a"], 1);
  r.body = "[]";
  EXPECT_THROW(r.json_object(), Error);
  r.body = "{";
  EXPECT_THROW(r.json_object(), Error);
}

TEST(Request, IdParamIsAPositiveInteger) {
  Request r;
  r.params["id"] = "42";
  EXPECT_EQ(r.id_param(), 42);
  for (const char* bad : {"0", "-1", "4x", "", "99999999999999999999"}) {
    r.params["id"] = bad;
    EXPECT_THROW(r.id_param(), Error) << bad;
  }
}

TEST(Fields, CollectsEveryProblemAtOnce) {
  auto body = nlohmann::json::parse(R"({"name":"","age":"x","extra":1,"tags":[1]})");
  Fields f(body, {"name", "age", "tags", "code"});
  f.str("name", 10);
  f.opt_integer("age", 0, 150);
  f.str_list("tags", 10);
  f.str("code", 10);
  try {
    f.done();
    FAIL() << "expected a validation error";
  } catch (const Error& e) {
    EXPECT_EQ(e.slug(), "validation");
    std::set<std::string> fields;
    for (const auto& x : e.extra()["errors"]) fields.insert(x["field"]);
    EXPECT_EQ(fields, (std::set<std::string>{"name", "age", "extra", "tags", "code"}));
  }
}

TEST(Fields, CountsCharactersNotBytesAndRefusesControls) {
  auto ok = nlohmann::json::parse(R"({"name":"峄城区榴园镇"})");
  Fields f(ok, {"name"});
  EXPECT_EQ(f.str("name", 6), "峄城区榴园镇");
  EXPECT_NO_THROW(f.done());
  auto longer = nlohmann::json::parse(R"({"name":"峄城区榴园镇7"})");
  Fields g(longer, {"name"});
  g.str("name", 6);
  EXPECT_THROW(g.done(), Error);
  nlohmann::json ctl = {{"name", std::string("a\x01")}};
  Fields h(ctl, {"name"});
  h.str("name", 6);
  EXPECT_THROW(h.done(), Error);
}

TEST(ContentDisposition, GivesAnAsciiFallbackAndTheUtf8Name) {
  EXPECT_EQ(content_disposition("report.csv"), "attachment; filename=\"report.csv\"; filename*=UTF-8''report.csv");
  // 调度表 as percent-encoded UTF-8; the fallback replaces each non-ASCII byte.
  EXPECT_EQ(content_disposition("调度表-2022.csv"),
            "attachment; filename=\"_________-2022.csv\"; filename*=UTF-8''%E8%B0%83%E5%BA%A6%E8%A1%A8-2022.csv");
  // Quotes, backslashes and spaces never break out of the header's syntax.
  EXPECT_EQ(content_disposition("a\"b\\c d.txt"),
            "attachment; filename=\"a_b_c d.txt\"; filename*=UTF-8''a%22b%5Cc%20d.txt");
}

}  // namespace
}  // namespace ecity::platform
