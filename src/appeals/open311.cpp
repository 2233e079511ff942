#include "appeals/open311.h"

#include "platform/error.h"

#include <fmt/format.h>

#include <chrono>
#include <map>

namespace ecity::appeals::open311 {

std::optional<Format> format_of(std::string_view extension) {
  if (extension == "json") return Format::kJson;
  if (extension == "xml") return Format::kXml;
  return std::nullopt;
}

std::optional<std::pair<std::string, Format>> split_format(std::string_view segment) {
  const auto dot = segment.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  auto f = format_of(segment.substr(dot + 1));
  if (!f) return std::nullopt;
  return std::pair{std::string(segment.substr(0, dot)), *f};
}

std::string_view content_type(Format f) {
  return f == Format::kJson ? "application/json; charset=utf-8" : "text/xml; charset=utf-8";
}

namespace {

void escape_into(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
}

std::string item_name(const std::string& container) {
  static const std::map<std::string, std::string> kItems{
      {"services", "service"},   {"service_requests", "request"}, {"attributes", "attribute"}, {"values", "value"},
      {"endpoints", "endpoint"}, {"formats", "format"},           {"errors", "error"},
  };
  auto it = kItems.find(container);
  return it == kItems.end() ? "item" : it->second;
}

void element(std::string& out, const std::string& name, const nlohmann::ordered_json& v) {
  out += '<' + name + '>';
  if (v.is_object()) {
    for (const auto& [k, child] : v.items()) element(out, k, child);
  } else if (v.is_array()) {
    const auto child_name = item_name(name);
    for (const auto& child : v) element(out, child_name, child);
  } else if (v.is_string()) {
    escape_into(out, v.get_ref<const std::string&>());
  } else if (!v.is_null()) {
    out += v.dump();  // numbers, true, false
  }
  out += "</" + name + '>';
}

}  // namespace

std::string to_xml(const nlohmann::ordered_json& doc, const std::string& root) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  element(out, root, doc);
  out += '\n';
  return out;
}

std::string render(const nlohmann::ordered_json& doc, const std::string& xml_root, Format f) {
  return f == Format::kJson ? doc.dump() : to_xml(doc, xml_root);
}

nlohmann::ordered_json error_doc(int status, const std::string& description) {
  nlohmann::ordered_json e;
  e["code"] = status;
  e["description"] = description;
  return nlohmann::ordered_json::array({e});
}

std::string iso_time(std::int64_t epoch_ms) {
  using namespace std::chrono;
  const auto local = sys_seconds(duration_cast<seconds>(milliseconds(epoch_ms))) + hours(8);
  const auto day = floor<days>(local);
  const year_month_day ymd(day);
  const hh_mm_ss hms(local - day);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+08:00", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), hms.hours().count(),
                     hms.minutes().count(), hms.seconds().count());
}

std::optional<std::int64_t> parse_iso_time(std::string_view t) {
  using namespace std::chrono;
  auto digits = [&](std::size_t pos, std::size_t n) -> std::optional<int> {
    if (pos + n > t.size()) return std::nullopt;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return std::nullopt;
      v = v * 10 + (t[i] - '0');
    }
    return v;
  };
  auto Y = digits(0, 4), M = digits(5, 2), D = digits(8, 2), h = digits(11, 2), m = digits(14, 2), s = digits(17, 2);
  if (!Y || !M || !D || !h || !m || !s || t[4] != '-' || t[7] != '-' || (t[10] != 'T' && t[10] != ' ') ||
      t[13] != ':' || t[16] != ':')
    return std::nullopt;
  const year_month_day ymd{year(*Y), month(static_cast<unsigned>(*M)), day(static_cast<unsigned>(*D))};
  if (!ymd.ok() || *h > 23 || *m > 59 || *s > 59) return std::nullopt;
  std::size_t pos = 19;
  int millis = 0;
  if (pos < t.size() && t[pos] == '.') {
    std::size_t start = ++pos, n = 0;
    while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') {
      if (n < 3) millis = millis * 10 + (t[pos] - '0');
      ++n;
      ++pos;
    }
    if (pos == start) return std::nullopt;
    for (; n < 3; ++n) millis *= 10;
  }
  if (pos >= t.size()) return std::nullopt;  // no zone
  int offset_min = 0;
  if (t[pos] == 'Z' && pos + 1 == t.size()) {
    offset_min = 0;
  } else if (t[pos] == '+' || t[pos] == '-') {
    const int sign = t[pos] == '+' ? 1 : -1;
    auto oh = digits(pos + 1, 2);
    std::optional<int> om;
    if (pos + 6 == t.size() && t[pos + 3] == ':') {
      om = digits(pos + 4, 2);
    } else if (pos + 5 == t.size()) {
      om = digits(pos + 3, 2);
    }
    if (!oh || !om || *oh > 14 || *om > 59) return std::nullopt;
    offset_min = sign * (*oh * 60 + *om);
  } else {
    return std::nullopt;
  }
  const auto local = sys_days(ymd) + hours(*h) + minutes(*m) + seconds(*s) + milliseconds(millis);
  return duration_cast<milliseconds>((local - minutes(offset_min)).time_since_epoch()).count();
}

namespace {

template <typename E>
std::vector<std::pair<std::string, std::string>> values_of() {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto v : all<E>()) out.emplace_back(std::string(code(v)), std::string(label_zh(v)));
  return out;
}

const std::vector<std::pair<std::string, std::string>> kYesNo{{"true", "是"}, {"false", "否"}};

Error attribute_error(const std::string& code, const std::string& zh, const std::string& en) {
  return Error::invalid("validation", "attribute[" + code + "] " + zh, "attribute[" + code + "] " + en)
      .on_field("attribute[" + code + "]", zh);
}

}  // namespace

const std::vector<Attribute>& attributes() {
  static const std::vector<Attribute> kAttributes{
      {"type", "singlevaluelist", true, "诉求类型 (type of appeal)", values_of<AppealType>()},
      {"urgency", "singlevaluelist", false, "紧急程度 (urgency; default normal)", values_of<Urgency>()},
      {"anonymous", "singlevaluelist", false, "匿名 (anonymous: no name or phone required)", kYesNo},
      {"confidential", "singlevaluelist", false, "保密 (confidential: only the centre sees the caller)", kYesNo},
  };
  return kAttributes;
}

AttributeValues read_attributes(const std::vector<std::pair<std::string, std::string>>& form) {
  std::map<std::string, std::vector<std::string>> given;
  for (const auto& [key, value] : form) {
    if (key.rfind("attribute[", 0) != 0) continue;
    auto close = key.find(']');
    if (close == std::string::npos || (close + 1 != key.size() && key.substr(close + 1) != "[]"))
      throw Error::invalid("validation", "属性参数格式错误：" + key, "malformed attribute parameter: " + key)
          .on_field(key, "格式错误");
    given[key.substr(10, close - 10)].push_back(value);
  }
  AttributeValues out;
  for (const auto& [code, values] : given) {
    const Attribute* def = nullptr;
    for (const auto& a : attributes())
      if (a.code == code) def = &a;
    if (def == nullptr) throw attribute_error(code, "不是此服务定义的属性", "is not an attribute of this service");
    if (values.size() != 1) throw attribute_error(code, "只能取一个值", "takes a single value");
    bool known = false;
    for (const auto& [k, name] : def->values) known = known || k == values[0];
    if (!known) throw attribute_error(code, "取值不在列表中", "has a value outside its list");
    out.posted[code] = values[0];
  }
  for (const auto& a : attributes())
    if (a.required && !given.count(a.code)) throw attribute_error(a.code, "必填", "is required");
  out.type = parse<AppealType>(out.posted["type"].get<std::string>()).value_or(AppealType::kOther);
  if (out.posted.contains("urgency")) out.urgency = *parse<Urgency>(out.posted["urgency"].get<std::string>());
  out.anonymous = out.posted.value("anonymous", "false") == "true";
  out.confidential = out.posted.value("confidential", "false") == "true";
  return out;
}

bool is_closed(State s) { return s == State::kClosed || s == State::kArchived || s == State::kMerged; }

}  // namespace ecity::appeals::open311
