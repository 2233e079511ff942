#include "platform/http/message.h"

#include "platform/error.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace ecity::platform {

std::string_view Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return {};
}

bool Request::prefers_english() const {
  // Only the first language range matters for a two-language product: "en-US,en;q=0.9,zh"
  // is English, "zh-CN,zh;q=0.9,en" is Chinese, absent is Chinese.
  auto al = header("accept-language");
  auto first = al.substr(0, al.find_first_of(",;"));
  while (!first.empty() && first.front() == ' ') first.remove_prefix(1);
  return first.size() >= 2 && (first[0] == 'e' || first[0] == 'E') && (first[1] == 'n' || first[1] == 'N');
}

nlohmann::json Request::json_object() const {
  if (!valid_utf8(body))
    throw Error::invalid("invalid-utf8", "请求体不是有效的 UTF-8 文本", "the request body is not valid UTF-8");
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded())
    throw Error::invalid("malformed-json", "请求体不是合法的 JSON", "the request body is not valid JSON");
  if (!j.is_object())
    throw Error::invalid("malformed-json", "请求体应为 JSON 对象", "the request body must be a JSON object");
  return j;
}

std::optional<std::string> Request::q(const std::string& key) const {
  auto it = query.find(key);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

std::int64_t Request::id_param(const std::string& key) const {
  auto it = params.find(key);
  std::int64_t v = 0;
  if (it != params.end()) {
    const auto& s = it->second;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && p == s.data() + s.size() && v > 0) return v;
  }
  throw Error::not_found();
}

Response Response::json(int status, const nlohmann::json& body) {
  Response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response Response::file(std::string content_type, std::string bytes, const std::string& name,
                        const std::string& sha256) {
  Response r;
  r.content_type = std::move(content_type);
  r.body = std::move(bytes);
  r.headers = {{"Content-Disposition", content_disposition(name)},
               {"X-Content-Type-Options", "nosniff"},
               {"ETag", "\"" + sha256 + "\""}};
  return r;
}

std::string content_disposition(const std::string& name) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string ascii, encoded;
  for (unsigned char c : name) {
    ascii += (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') ? static_cast<char>(c) : '_';
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '.' || c == '-' ||
        c == '_') {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

std::optional<std::string> percent_decode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      int v = 0;
      auto [p, ec] = std::from_chars(in.data() + i + 1, in.data() + i + 3, v, 16);
      if (ec != std::errc() || p != in.data() + i + 3) return std::nullopt;
      if (v == 0) return std::nullopt;
      out.push_back(static_cast<char>(v));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> parse_form(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    auto amp = query.find('&');
    auto part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (part.empty()) continue;
    auto eq = part.find('=');
    auto k = percent_decode(part.substr(0, eq), true);
    auto v = percent_decode(eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1), true);
    if (!k || !v || !valid_utf8(*k) || !valid_utf8(*v))
      throw Error::invalid("malformed-query", "查询参数编码错误", "malformed query string");
    out.emplace_back(std::move(*k), std::move(*v));
  }
  return out;
}

std::map<std::string, std::string> parse_query(std::string_view query) {
  std::map<std::string, std::string> out;
  for (auto& [k, v] : parse_form(query)) out[k] = std::move(v);
  return out;
}

std::size_t utf8_sequence(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  if (s.empty()) return 0;
  unsigned char c = p[0];
  if (c < 0x80) return 1;
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if ((c & 0xE0) == 0xC0) {
    n = 1;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 2;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 3;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (n >= s.size()) return 0;
  for (std::size_t k = 1; k <= n; ++k) {
    unsigned char cc = p[k];
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000)) return 0;
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n + 1;
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  while (i < s.size()) {
    // ASCII eight bytes at a time: most of what we check is ASCII.
    while (i + 8 <= s.size()) {
      std::uint64_t w;
      std::memcpy(&w, p + i, 8);
      if (w & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= s.size()) break;
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    auto n = utf8_sequence(s.substr(i));
    if (n == 0) return false;
    i += n;
  }
  return true;
}

}  // namespace ecity::platform
