// HJ 212 (污染物在线监控（监测）系统数据传输标准): frames, the standard's CRC, and the packet fields.
// One parser for HJ/T 212-2005, HJ 212-2017 and HJ 212-2025 packets. ../shared/standards/hj212.md
// collects the clauses and the field facts this follows; docs/environment.md restates the rules.
//
// Frame: `##` + 4-digit length + data segment + 4 hex CRC + CR LF. The length counts the data
// segment's bytes; the CRC (Appendix A, not CRC-16/MODBUS) covers exactly those bytes. Frames
// are cut by the length, never by line ends; after a damaged frame the reader re-synchronises
// on the next `##`.
//
// Thread-safety: a FrameReader belongs to one connection; the free functions are pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecity::environment::hj212 {

// The CRC of HJ 212 Appendix A ("123456789" → 0x2F80).
std::uint16_t crc(std::string_view bytes);
// The same, bit by bit as the standard prints it (the reference for the table-driven one).
std::uint16_t crc_reference(std::string_view bytes);

// Why a frame or a packet was refused; each reason is counted in /metrics.
enum class Reject {
  kGarbage,    // bytes before a `##` that are not part of a frame
  kBadLength,  // the 4 length digits are not digits, or exceed the limit
  kBadCrc,     // CRC mismatch (also what dropped or glued bytes look like)
  kBadTail,    // no CR LF where the frame should end (strict mode only)
  kBadHeader,  // the data segment lacks CN, MN or CP, or a field is malformed
};
std::string_view code(Reject r);

struct FrameLimits {
  std::size_t max_length = 9999;  // what 4 digits hold; the 2017 text says 1024, the field exceeds it
  bool strict_tail = false;       // lenient by default: a missing or bare-LF tail is accepted
};

// Cuts a byte stream into data segments. Feed whatever arrived; take frames until none is
// complete. Keeps at most one frame's worth of bytes, and with feed_view() nothing between frames.
class FrameReader {
 public:
  explicit FrameReader(FrameLimits limits = {}) : limits_(limits) {}

  // Takes a copy of bytes that arrived.
  void feed(std::string_view bytes) {
    keep_view();
    buf_.append(bytes.data(), bytes.size());
  }
  // The same without a copy while the reader holds nothing (a listener reading into one buffer
  // for every connection): `bytes` must stay valid until next() has returned nullopt. Only an
  // incomplete frame's bytes are then kept.
  void feed_view(std::string_view bytes) {
    keep_view();
    if (buf_.size() == pos_) {
      buf_.clear();
      pos_ = 0;
      ext_ = bytes;
    } else {
      buf_.append(bytes.data(), bytes.size());
    }
  }

  struct Item {
    std::optional<Reject> reject;  // set: a refused frame (or skipped garbage)
    std::string_view segment;      // the data segment of a good frame, inside the reader's buffer
    std::size_t skipped = 0;       // bytes dropped for this item
  };
  // The next frame or refusal; nullopt if more bytes are needed. The segment stays valid until
  // the next call of next() or feed(): nothing is copied on the way.
  std::optional<Item> next();
  // Bytes held waiting for the rest of a frame.
  std::size_t buffered() const { return buf_.size() - pos_ + ext_.size(); }

 private:
  void compact();
  // Bytes of a feed_view() not drained: kept before anything new arrives.
  void keep_view() {
    if (ext_.empty()) return;
    buf_.append(ext_.data(), ext_.size());
    ext_ = {};
  }
  FrameLimits limits_;
  std::string buf_;
  std::size_t pos_ = 0;
  std::string_view ext_;  // the caller's bytes while they are read in place (feed_view)
};

// One `code-suffix=value` pair of the data area, in the order sent (duplicates kept).
struct CpField {
  std::string_view key;    // e.g. "a34004-Rtd", "DataTime", "QnRtn"
  std::string_view value;  // raw text
};

// The fields of a packet, as views into its data segment (parse on the hot path without
// copying; copy what is kept).
struct Packet {
  std::string_view qn, st, cn, pw, mn;  // as sent; QN and ST may be empty (2005 devices omit QN)
  std::optional<int> flag;              // absent in most 2005 packets
  std::optional<int> pnum, pno;         // split packets
  std::vector<CpField> cp;              // the data area, `//…//` texts kept whole
  std::string_view data_time;           // DataTime, 14 digits (17-digit values lose their ms); empty if none

  bool needs_answer() const { return flag && (*flag & 1); }
  bool split() const { return pnum && pno; }
  // Protocol version from the flag's bits 7–2: 0 = 2005, 1 = 2017, 2 = 2025; nullopt without a flag.
  std::optional<int> version() const { return flag ? std::optional<int>(*flag >> 2) : std::nullopt; }
};

// Parses a data segment into `out` (whose vector is reused). False if CN, MN or CP is missing or
// the segment is malformed. The views in `out` point into `segment`.
bool parse_segment(std::string_view segment, Packet& out);
// The same into a fresh packet.
std::optional<Packet> parse_segment(std::string_view segment);

// A complete frame around `segment` (length, uppercase CRC, CR LF).
std::string frame(std::string_view segment);

// The data answer (9014) or notification answer (9013) to `p`: ST=91, Flag=4, QN, PW and MN
// echoed, empty CP. A 2005 packet (no QN) gets its answer with the QN inside CP, as 2005 replies do.
std::string answer(const Packet& p, std::string_view cn);

}  // namespace ecity::environment::hj212
