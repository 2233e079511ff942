// Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2), the rules without I/O: formats and
// their documents (JSON as the specification writes it, XML with the specification's element
// names), ISO 8601 times, the attributes every service (a leaf category) defines and how a
// POST's attribute[...] values become an appeal's fields, and what "open" means.
#pragma once

#include "appeals/model.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ecity::appeals::open311 {

enum class Format { kJson, kXml };

// "json" or "xml"; nullopt otherwise.
std::optional<Format> format_of(std::string_view extension);
// "123.json" → ("123", json); nullopt without a known extension.
std::optional<std::pair<std::string, Format>> split_format(std::string_view segment);
std::string_view content_type(Format f);

// A document in the specification's JSON shape; to_xml() renders it with `root` as the outer
// element (arrays of objects become repeated elements named after their container:
// services/service, service_requests/request, attributes/attribute, values/value,
// endpoints/endpoint, formats/format, errors/error). Booleans are "true"/"false"; null is an
// empty element. Includes the XML declaration with encoding="UTF-8".
std::string to_xml(const nlohmann::ordered_json& doc, const std::string& root);
std::string render(const nlohmann::ordered_json& doc, const std::string& xml_root, Format f);

// The specification's error document: [{"code": status, "description": text}].
nlohmann::ordered_json error_doc(int status, const std::string& description);

// ISO 8601 with the Asia/Shanghai offset: "2026-11-27T16:45:01+08:00".
std::string iso_time(std::int64_t epoch_ms);
// "YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM|±HHMM)" → epoch ms; nullopt if malformed or without a
// zone (the specification requires one).
std::optional<std::int64_t> parse_iso_time(std::string_view text);

// One attribute of a service definition.
struct Attribute {
  std::string code;
  std::string datatype;  // singlevaluelist
  bool required = false;
  std::string description;
  std::vector<std::pair<std::string, std::string>> values;  // key, name
};
// The attributes every service defines: 诉求类型 (required), 紧急程度, 匿名, 保密.
const std::vector<Attribute>& attributes();

// What a POST's attribute[code]=value pairs (and attribute[code][]=value) say.
struct AttributeValues {
  AppealType type = AppealType::kOther;
  Urgency urgency = Urgency::kNormal;
  bool anonymous = false;
  bool confidential = false;
  nlohmann::json posted = nlohmann::json::object();  // as received, for the record
};
// Reads the attribute[...] entries of a form. Throws Error (invalid, naming the attribute) for
// an unknown attribute, a value outside its list, several values for a single-value list, or
// a missing required one.
AttributeValues read_attributes(const std::vector<std::pair<std::string, std::string>>& form);

// Open311 has two states: a case is "closed" once closed, archived or merged.
bool is_closed(State s);

}  // namespace ecity::appeals::open311
