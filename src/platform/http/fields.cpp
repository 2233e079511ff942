#include "platform/http/fields.h"

#include "platform/error.h"
#include "platform/http/message.h"

namespace ecity::platform {

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

Fields::Fields(const nlohmann::json& body, std::set<std::string> allowed) : body_(body), allowed_(std::move(allowed)) {
  for (const auto& [k, v] : body_.items()) {
    if (!allowed_.count(k)) fail(k, "不支持的字段", "unknown field");
  }
}

bool Fields::has(const std::string& name) const { return body_.contains(name) && !body_.at(name).is_null(); }

const nlohmann::json* Fields::get(const std::string& name) {
  auto it = body_.find(name);
  if (it == body_.end() || it->is_null()) return nullptr;
  return &*it;
}

void Fields::fail(const std::string& name, const std::string& zh, const std::string& en) {
  problems_.push_back({name, zh, en});
}

std::optional<std::string> Fields::check_string(const std::string& name, const nlohmann::json& v,
                                                std::size_t max_chars, std::size_t min_chars) {
  if (!v.is_string()) {
    fail(name, "应为字符串", "must be a string");
    return std::nullopt;
  }
  const auto& s = v.get_ref<const std::string&>();
  if (!valid_utf8(s)) {
    fail(name, "不是有效的 UTF-8 文本", "is not valid UTF-8");
    return std::nullopt;
  }
  for (unsigned char c : s) {
    if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) {
      fail(name, "包含控制字符", "contains control characters");
      return std::nullopt;
    }
  }
  auto len = utf8_length(s);
  if (len > max_chars) {
    fail(name, "长度不能超过 " + std::to_string(max_chars) + " 个字符",
         "must be at most " + std::to_string(max_chars) + " characters");
    return std::nullopt;
  }
  if (len < min_chars) {
    fail(name, min_chars == 1 ? "不能为空" : "长度不能少于 " + std::to_string(min_chars) + " 个字符",
         min_chars == 1 ? "must not be empty" : "must be at least " + std::to_string(min_chars) + " characters");
    return std::nullopt;
  }
  return s;
}

std::string Fields::str(const std::string& name, std::size_t max_chars, std::size_t min_chars) {
  const auto* v = get(name);
  if (v == nullptr) {
    fail(name, "必填", "is required");
    return {};
  }
  return check_string(name, *v, max_chars, min_chars).value_or("");
}

std::optional<std::string> Fields::opt_str(const std::string& name, std::size_t max_chars) {
  const auto* v = get(name);
  if (v == nullptr) return std::nullopt;
  return check_string(name, *v, max_chars, 0);
}

std::int64_t Fields::integer(const std::string& name, std::int64_t min, std::int64_t max) {
  if (get(name) == nullptr) {
    fail(name, "必填", "is required");
    return min;
  }
  return opt_integer(name, min, max).value_or(min);
}

std::optional<std::int64_t> Fields::opt_integer(const std::string& name, std::int64_t min, std::int64_t max) {
  const auto* v = get(name);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number_integer()) {
    fail(name, "应为整数", "must be an integer");
    return std::nullopt;
  }
  if (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
    fail(name, "超出范围", "is out of range");
    return std::nullopt;
  }
  auto x = v->get<std::int64_t>();
  if (x < min || x > max) {
    fail(name, "超出范围", "is out of range");
    return std::nullopt;
  }
  return x;
}

std::vector<std::int64_t> Fields::id_list(const std::string& name, std::size_t max_items) {
  std::vector<std::int64_t> out;
  const auto* v = get(name);
  if (v == nullptr) return out;
  if (!v->is_array() || v->size() > max_items) {
    fail(name, "应为编号数组", "must be an array of ids");
    return out;
  }
  for (const auto& e : *v) {
    if (!e.is_number_integer() || e.get<std::int64_t>() <= 0) {
      fail(name, "应为正整数编号", "must contain positive integer ids");
      return {};
    }
    out.push_back(e.get<std::int64_t>());
  }
  return out;
}

std::vector<std::string> Fields::str_list(const std::string& name, std::size_t max_chars, std::size_t max_items) {
  std::vector<std::string> out;
  const auto* v = get(name);
  if (v == nullptr) return out;
  if (!v->is_array() || v->size() > max_items) {
    fail(name, "应为字符串数组", "must be an array of strings");
    return out;
  }
  for (const auto& e : *v) {
    auto s = check_string(name, e, max_chars, 1);
    if (!s) return {};
    out.push_back(*s);
  }
  return out;
}

void Fields::done() const {
  if (problems_.empty()) return;
  nlohmann::json errors = nlohmann::json::array();
  std::string zh = "输入有误：";
  std::string en = "invalid input: ";
  for (std::size_t i = 0; i < problems_.size(); ++i) {
    const auto& p = problems_[i];
    errors.push_back({{"field", p.field}, {"message", p.zh}, {"message_en", p.en}});
    zh += (i ? "；" : "") + p.field + " " + p.zh;
    en += (i ? "; " : "") + p.field + " " + p.en;
  }
  throw Error::invalid("validation", zh, en).with("errors", errors);
}

}  // namespace ecity::platform
