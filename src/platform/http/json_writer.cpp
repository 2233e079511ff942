#include "platform/http/json_writer.h"

#include "platform/http/message.h"

#include <array>
#include <charconv>

namespace ecity::platform {

void JsonWriter::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_.push_back(',');
    first_.back() = false;
  }
}

JsonWriter& JsonWriter::begin_object() {
  separate();
  out_.push_back('{');
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  out_.push_back('}');
  first_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  separate();
  out_.push_back('[');
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  out_.push_back(']');
  first_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view k) {
  separate();
  escape(k);
  out_.push_back(':');
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
  separate();
  escape(s);
  return *this;
}

JsonWriter& JsonWriter::value(std::int64_t v) {
  separate();
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, end);
  return *this;
}

JsonWriter& JsonWriter::value(bool v) {
  separate();
  out_ += v ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  separate();
  out_ += "null";
  return *this;
}

namespace {

// 1 for the ASCII bytes a JSON string must escape: controls, '"' and '\\'.
constexpr std::array<bool, 128> kMustEscape = [] {
  std::array<bool, 128> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = true;
  t['"'] = t['\\'] = true;
  return t;
}();

}  // namespace

void JsonWriter::escape(std::string_view s) {
  static const char* kHex = "0123456789abcdef";
  out_.push_back('"');
  // One pass: runs of bytes that need nothing are copied in one append; a malformed
  // UTF-8 sequence becomes U+FFFD byte by byte, the rest of the string is kept.
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t run = 0, i = 0;
  while (i < s.size()) {
    unsigned char c = p[i];
    if (c < 0x80) {
      if (!kMustEscape[c]) {
        ++i;
        continue;
      }
    } else if (auto n = utf8_sequence(s.substr(i)); n != 0) {
      i += n;
      continue;
    }
    out_.append(s.data() + run, i - run);
    switch (c) {
      case '"': out_ += "\\\""; break;
      case '\\': out_ += "\\\\"; break;
      case '\n': out_ += "\\n"; break;
      case '\r': out_ += "\\r"; break;
      case '\t': out_ += "\\t"; break;
      default:
        if (c < 0x20) {
          out_ += "\\u00";
          out_.push_back(kHex[c >> 4]);
          out_.push_back(kHex[c & 15]);
        } else {
          out_ += "\xEF\xBF\xBD";  // U+FFFD for a byte of a malformed sequence
        }
    }
    run = ++i;
  }
  out_.append(s.data() + run, s.size() - run);
  out_.push_back('"');
}

}  // namespace ecity::platform
