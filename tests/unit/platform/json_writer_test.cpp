#include "platform/http/json_writer.h"

#include "platform/auth/user_view.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ecity::platform {
namespace {

TEST(JsonWriter, NestedContainersAndCommas) {
  JsonWriter w;
  w.begin_object().field("a", 1).key("b").begin_array().value("x").null().value(true).begin_object().end_object();
  w.end_array().field("c", std::optional<std::int64_t>{}).field("d", std::optional<std::string>("峄城")).end_object();
  EXPECT_EQ(w.str(), R"({"a":1,"b":["x",null,true,{}],"c":null,"d":"峄城"})");
}

TEST(JsonWriter, EscapesLikeAJsonParserExpects) {
  std::string tricky = "q\"b\\s/\n\r\t\x01\x1f<script>'; DROP TABLE users; --";
  JsonWriter w;
  w.begin_object().field("s", tricky).end_object();
  auto parsed = nlohmann::json::parse(w.str());
  EXPECT_EQ(parsed["s"], tricky);
}

TEST(JsonWriter, InvalidUtf8BecomesReplacementCharacters) {
  JsonWriter w;
  w.value(std::string_view("ok\xff\xfe"));
  auto parsed = nlohmann::json::parse(w.str());
  EXPECT_EQ(parsed.get<std::string>(), "ok\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(JsonWriter, OnlyTheMalformedBytesAreReplaced) {
  // A valid Chinese name next to a truncated sequence keeps its characters.
  JsonWriter w;
  w.value(std::string_view("峄城\xE5\xB3区\"\xC0\xAF"));
  auto parsed = nlohmann::json::parse(w.str());
  EXPECT_EQ(parsed.get<std::string>(), "峄城\xEF\xBF\xBD\xEF\xBF\xBD区\"\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(JsonWriter, LongAndEmptyStringsRoundTrip) {
  std::string lng;
  for (int i = 0; i < 1000; ++i) lng += (i % 7 == 0) ? "榴" : (i % 11 == 0 ? "\"" : "a");
  JsonWriter w;
  w.begin_array().value(lng).value("").end_array();
  auto parsed = nlohmann::json::parse(w.str());
  EXPECT_EQ(parsed[0].get<std::string>(), lng);
  EXPECT_EQ(parsed[1].get<std::string>(), "");
}

TEST(UserView, OneJsonFormForListsAndSingleUsers) {
  UserView u;
  u.id = 3;
  u.username = "tanshan";
  u.name = "坛山街道管理员";
  u.phone = "138****1234";
  u.status = "active";
  u.created_at = 1795739424479;
  u.roles = {{4, "town_admin", "镇街管理员"}};
  auto j = to_json(u);
  EXPECT_EQ(j["roles"][0]["code"], "town_admin");
  EXPECT_TRUE(j["email"].is_null());
  UserPage page{{u}, 1, 1, 20};
  auto p = nlohmann::json::parse(to_json_text(page));
  EXPECT_EQ(p["items"][0], j);
  EXPECT_EQ(p["total"], 1);
}

}  // namespace
}  // namespace ecity::platform
