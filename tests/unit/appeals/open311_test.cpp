// Open311 GeoReport v2 rules without I/O: formats, XML, times and attributes.
#include "appeals/open311.h"

#include "platform/error.h"

#include <gtest/gtest.h>

namespace ecity::appeals::open311 {
namespace {

TEST(Open311Format, ExtensionsDecideTheFormat) {
  EXPECT_EQ(split_format("123.json")->first, "123");
  EXPECT_EQ(split_format("123.json")->second, Format::kJson);
  EXPECT_EQ(split_format("0101.xml")->second, Format::kXml);
  EXPECT_EQ(split_format("a.b.xml")->first, "a.b");
  EXPECT_FALSE(split_format("123"));
  EXPECT_FALSE(split_format("123.yaml"));
  EXPECT_FALSE(split_format(".json"));
  EXPECT_FALSE(format_of("JSON"));
}

TEST(Open311Xml, NamesRepeatedElementsAfterTheirContainerAndEscapes) {
  nlohmann::ordered_json item;
  item["service_code"] = "0101";
  item["service_name"] = "路灯 <不亮> & \"坏\"";
  item["metadata"] = true;
  item["lat"] = nullptr;
  item["order"] = 2;
  const auto xml = to_xml(nlohmann::ordered_json::array({item, item}), "services");
  EXPECT_EQ(xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<services>"
            "<service><service_code>0101</service_code><service_name>路灯 &lt;不亮&gt; &amp; &quot;坏&quot;"
            "</service_name><metadata>true</metadata><lat></lat><order>2</order></service>"
            "<service><service_code>0101</service_code><service_name>路灯 &lt;不亮&gt; &amp; &quot;坏&quot;"
            "</service_name><metadata>true</metadata><lat></lat><order>2</order></service></services>\n");
  nlohmann::ordered_json def;
  def["attributes"] = nlohmann::ordered_json::array({{{"values", {{{"key", "a"}}}}}});
  EXPECT_NE(to_xml(def, "service_definition").find("<attributes><attribute><values><value><key>a</key></value>"),
            std::string::npos);
  EXPECT_EQ(to_xml(error_doc(403, "api_key 无效"), "errors"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<errors><error><code>403</code><description>api_key 无效"
            "</description></error></errors>\n");
  EXPECT_EQ(render(error_doc(400, "x"), "errors", Format::kJson), R"([{"code":400,"description":"x"}])");
}

TEST(Open311Time, WritesShanghaiTimeAndReadsAnyZone) {
  // 2026-11-27 00:30:05 in Shanghai is 2026-11-26 16:30:05 UTC.
  const std::int64_t t = 1'795'710'605'000;
  EXPECT_EQ(iso_time(t), "2026-11-27T00:30:05+08:00");
  EXPECT_EQ(parse_iso_time("2026-11-27T00:30:05+08:00"), t);
  EXPECT_EQ(parse_iso_time("2026-11-26T16:30:05Z"), t);
  EXPECT_EQ(parse_iso_time("2026-11-26T11:30:05-05:00"), t);
  EXPECT_EQ(parse_iso_time("2026-11-27T00:30:05+0800"), t);
  EXPECT_EQ(parse_iso_time("2026-11-26T16:30:05.250Z"), t + 250);
  EXPECT_EQ(parse_iso_time("2026-11-26T16:30:05.2Z"), t + 200);
  for (const char* bad :
       {"2026-11-26", "2026-11-26T16:30:05", "2026-02-30T00:00:00Z", "2026-11-26T24:00:00Z", "2026-11-26T16:30:05+8",
        "2026-11-26T16:30:05Zjunk", "2026-11-26T16:30:05.Z", "", "二〇二六-11-26T16:30:05Z"})
    EXPECT_FALSE(parse_iso_time(bad)) << bad;
}

using Form = std::vector<std::pair<std::string, std::string>>;

std::string field_of(const Form& form) {
  try {
    read_attributes(form);
  } catch (const Error& e) {
    return e.extra()["errors"][0]["field"].get<std::string>();
  }
  return "";
}

TEST(Open311Attributes, ValuesBecomeAppealFieldsAndTheRulesHold) {
  auto v = read_attributes({{"api_key", "k"},
                            {"attribute[type]", "complaint"},
                            {"attribute[urgency]", "critical"},
                            {"attribute[anonymous]", "true"}});
  EXPECT_EQ(v.type, AppealType::kComplaint);
  EXPECT_EQ(v.urgency, Urgency::kCritical);
  EXPECT_TRUE(v.anonymous);
  EXPECT_FALSE(v.confidential);
  EXPECT_EQ(v.posted.dump(), R"({"anonymous":"true","type":"complaint","urgency":"critical"})");
  EXPECT_EQ(read_attributes({{"attribute[type][]", "help"}}).type, AppealType::kHelp);

  EXPECT_EQ(field_of({}), "attribute[type]");
  EXPECT_EQ(field_of({{"attribute[type]", "rant"}}), "attribute[type]");
  EXPECT_EQ(field_of({{"attribute[type]", "help"}, {"attribute[type]", "consult"}}), "attribute[type]");
  EXPECT_EQ(field_of({{"attribute[type]", "help"}, {"attribute[size]", "big"}}), "attribute[size]");
  EXPECT_EQ(field_of({{"attribute[type]", "help"}, {"attribute[anonymous]", "yes"}}), "attribute[anonymous]");
  EXPECT_EQ(field_of({{"attribute[type", "help"}}), "attribute[type");
  EXPECT_EQ(field_of({{"attribute[type]x", "help"}}), "attribute[type]x");
  // Every attribute a definition lists is one read_attributes accepts.
  for (const auto& a : attributes())
    for (const auto& [key, name] : a.values) {
      Form f{{"attribute[type]", "help"}};
      if (a.code != "type") f.emplace_back("attribute[" + a.code + "]", key);
      EXPECT_EQ(field_of(f), "") << a.code << "=" << key;
      EXPECT_FALSE(name.empty());
    }
}

TEST(Open311Status, ClosedMeansClosedArchivedOrMerged) {
  for (auto s : all<State>())
    EXPECT_EQ(is_closed(s), s == State::kClosed || s == State::kArchived || s == State::kMerged) << code(s);
}

}  // namespace
}  // namespace ecity::appeals::open311
