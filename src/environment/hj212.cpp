#include "environment/hj212.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>

namespace ecity::environment::hj212 {

namespace {

// Appendix A shifts the register right by 8 before each byte: the new register depends only on
// the old high byte XOR the data byte, so one 256-entry table is the whole algorithm.
std::array<std::uint16_t, 256> make_table() {
  std::array<std::uint16_t, 256> t{};
  for (unsigned x = 0; x < 256; ++x) {
    std::uint16_t r = static_cast<std::uint16_t>(x);
    for (int i = 0; i < 8; ++i)
      r = (r & 1) ? static_cast<std::uint16_t>((r >> 1) ^ 0xA001) : static_cast<std::uint16_t>(r >> 1);
    t[x] = r;
  }
  return t;
}
const std::array<std::uint16_t, 256> kTable = make_table();

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// The 4 hex digits at `p` (either case), or -1.
int parse_hex4(std::string_view p) {
  int v = 0;
  for (int i = 0; i < 4; ++i) {
    const int d = hex_value(p[static_cast<std::size_t>(i)]);
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

std::optional<int> parse_int(std::string_view s, int max) {
  int v = 0;
  if (s.empty() || s.size() > 6) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0 || v > max) return std::nullopt;
  return v;
}

// The first `;` or `,` (std::string_view::find_first_of calls memchr once per character).
std::size_t find_separator(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s[i] == ';' || s[i] == ',') return i;
  return std::string_view::npos;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

std::uint16_t crc(std::string_view bytes) {
  std::uint16_t r = 0xFFFF;
  for (unsigned char b : bytes) r = kTable[((r >> 8) ^ b) & 0xFF];
  return r;
}

std::uint16_t crc_reference(std::string_view bytes) {
  std::uint16_t r = 0xFFFF;
  for (unsigned char b : bytes) {
    r = static_cast<std::uint16_t>((r >> 8) ^ b);
    for (int i = 0; i < 8; ++i) {
      const bool lsb = r & 1;
      r = static_cast<std::uint16_t>(r >> 1);
      if (lsb) r ^= 0xA001;
    }
  }
  return r;
}

std::string_view code(Reject r) {
  switch (r) {
    case Reject::kGarbage:
      return "garbage";
    case Reject::kBadLength:
      return "bad_length";
    case Reject::kBadCrc:
      return "bad_crc";
    case Reject::kBadTail:
      return "bad_tail";
    case Reject::kBadHeader:
      return "bad_header";
  }
  return "unknown";
}

void FrameReader::compact() {
  if (pos_ == 0) return;
  if (pos_ >= buf_.size()) {
    buf_.clear();
    if (buf_.capacity() > 16384) buf_.shrink_to_fit();  // an idle connection keeps no big buffer
  } else if (pos_ > 4096 && pos_ * 2 > buf_.size()) {
    buf_.erase(0, pos_);
  } else {
    return;
  }
  pos_ = 0;
}

std::optional<FrameReader::Item> FrameReader::next() {
  // Bytes are read from the caller's buffer while nothing is held (feed_view: no copy), else from
  // buf_. Whatever is left of the caller's buffer when a frame is incomplete is kept in buf_.
  auto advance = [this](std::size_t n) {
    if (!ext_.empty())
      ext_.remove_prefix(n);
    else
      pos_ += n;
  };
  auto need_more = [this]() -> std::optional<Item> {
    if (!ext_.empty()) {
      buf_.assign(ext_.data(), ext_.size());
      pos_ = 0;
      ext_ = {};
    }
    return std::nullopt;
  };
  for (;;) {
    if (ext_.empty()) compact();
    const std::string_view b = ext_.empty() ? std::string_view(buf_.data() + pos_, buf_.size() - pos_) : ext_;
    if (b.empty()) return std::nullopt;
    const auto start = b.find("##");
    if (start != 0) {
      // Line ends between frames are not garbage; anything else up to the next `##` is.
      std::size_t n = start == std::string_view::npos ? b.size() : start;
      if (start == std::string_view::npos && b.back() == '#') --n;  // may begin the next `##`
      bool only_line_ends = true;
      for (std::size_t i = 0; i < n; ++i) only_line_ends = only_line_ends && (b[i] == '\r' || b[i] == '\n');
      advance(n);
      if (n == 0) return need_more();
      if (only_line_ends) continue;
      return Item{Reject::kGarbage, {}, n};
    }
    if (b.size() < 6) return need_more();
    std::size_t len = 0;
    bool digits = true;
    for (int i = 2; i < 6; ++i) {
      const char c = b[static_cast<std::size_t>(i)];
      digits = digits && c >= '0' && c <= '9';
      len = len * 10 + static_cast<std::size_t>(c - '0');
    }
    if (!digits || len > limits_.max_length) {
      advance(2);  // re-synchronise on the next `##`
      return Item{Reject::kBadLength, {}, 2};
    }
    if (b.size() < 6 + len + 4) return need_more();
    const std::string_view segment = b.substr(6, len);
    const int sent = parse_hex4(b.substr(6 + len, 4));
    if (sent < 0 || static_cast<std::uint16_t>(sent) != crc(segment)) {
      // A damaged frame (dropped or glued bytes): drop it up to the next `##` after its start.
      auto next_frame = b.find("##", 2);
      const std::size_t n = next_frame == std::string_view::npos ? b.size() - (b.back() == '#' ? 1 : 0) : next_frame;
      advance(n);
      return Item{Reject::kBadCrc, {}, n};
    }
    std::size_t end = 6 + len + 4;
    if (limits_.strict_tail) {
      if (b.size() < end + 2) return need_more();
      if (b.substr(end, 2) != "\r\n") {
        advance(2);
        return Item{Reject::kBadTail, {}, 2};
      }
    }
    Item good{std::nullopt, segment, 0};
    // The tail: CR LF, a bare LF, or (lenient) nothing; line ends still on their way are
    // skipped when they arrive.
    if (b.size() > end && b[end] == '\r') ++end;
    if (b.size() > end && b[end] == '\n') ++end;
    advance(end);
    return good;
  }
}

bool parse_segment(std::string_view s, Packet& p) {
  p.qn = p.st = p.cn = p.pw = p.mn = p.data_time = {};
  p.flag = p.pnum = p.pno = std::nullopt;
  p.cp.clear();
  const auto cp_at = s.find("CP=&&");
  if (cp_at == std::string_view::npos) return false;
  const auto cp_end = s.rfind("&&");
  if (cp_end < cp_at + 5) return false;
  // The header: KEY=VALUE separated by `;` (or `,`, a typo of the standard's own examples),
  // in any order; unknown keys are ignored.
  std::string_view head = s.substr(0, cp_at);
  while (!head.empty()) {
    const auto sep = find_separator(head);
    const std::string_view item = trim(head.substr(0, sep));
    head = sep == std::string_view::npos ? std::string_view() : head.substr(sep + 1);
    if (item.empty()) continue;
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) return false;
    const auto key = item.substr(0, eq);
    const auto value = item.substr(eq + 1);
    if (key == "Flag" || key == "PNUM" || key == "PNO") {
      auto& number = key == "Flag" ? p.flag : key == "PNUM" ? p.pnum : p.pno;
      number = parse_int(value, key == "Flag" ? 255 : 9999);
      if (!number) return false;
    } else if (std::string_view* text = key == "QN"   ? &p.qn
                                        : key == "ST" ? &p.st
                                        : key == "CN" ? &p.cn
                                        : key == "PW" ? &p.pw
                                        : key == "MN" ? &p.mn
                                                      : nullptr) {
      *text = value;
    }
  }
  if (p.cn.empty() || p.mn.empty()) return false;
  // The data area: items separated by `;` or `,`; a value between `//` and `//` is opaque text.
  std::string_view cp = s.substr(cp_at + 5, cp_end - cp_at - 5);
  while (!cp.empty()) {
    std::size_t value_end = std::min(find_separator(cp), cp.size());
    const auto eq = cp.find('=');
    if (eq < value_end && cp.substr(eq + 1, 2) == "//") {
      const auto close = cp.find("//", eq + 3);
      value_end = close == std::string_view::npos ? cp.size() : close + 2;
    }
    const std::string_view item = trim(cp.substr(0, value_end));
    cp = value_end >= cp.size() ? std::string_view() : cp.substr(value_end + 1);
    if (item.empty()) continue;
    const auto e = item.find('=');
    if (e == std::string_view::npos) {
      p.cp.push_back({item, {}});
      continue;
    }
    const auto key = item.substr(0, e), value = item.substr(e + 1);
    p.cp.push_back({key, value});
    if (key == "DataTime") {
      bool all_digits = value.size() == 14 || value.size() == 17;
      for (char c : value) all_digits = all_digits && c >= '0' && c <= '9';
      if (!all_digits) return false;
      p.data_time = value.substr(0, 14);
    }
  }
  return true;
}

std::optional<Packet> parse_segment(std::string_view s) {
  Packet p;
  if (!parse_segment(s, p)) return std::nullopt;
  return p;
}

std::string frame(std::string_view segment) {
  return fmt::format("##{:04d}{}{:04X}\r\n", segment.size(), segment, crc(segment));
}

std::string answer(const Packet& p, std::string_view cn) {
  const bool v2005 = p.version().value_or(0) == 0;
  const std::string cp = v2005 && !p.qn.empty() ? "QN=" + std::string(p.qn) : "";
  const std::string qn = !v2005 && !p.qn.empty() ? "QN=" + std::string(p.qn) + ";" : "";
  const std::string segment = fmt::format("{}ST=91;CN={};PW={};MN={};Flag=4;CP=&&{}&&", qn, cn, p.pw, p.mn, cp);
  return frame(segment);
}

}  // namespace ecity::environment::hj212
