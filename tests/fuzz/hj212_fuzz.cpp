// libFuzzer target for the HJ 212 frame reader and packet parser (issue 4): whatever bytes
// arrive, in whatever pieces, the reader never holds more than one frame's worth, every good
// frame has a correct CRC and parses or is refused without harm, and a parsed packet's answer
// is itself a good frame. Built with clang (-fsanitize=fuzzer,address,undefined) by
// tests/CMakeLists.txt and run briefly by `make test` (ctest fuzz_hj212).
#include "environment/hj212.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace ecity::environment::hj212;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte chooses the read sizes, so that frames straddle reads differently, and
  // whether reads are copied (feed) or read in place (feed_view, from a buffer that is
  // overwritten after every read, as the listener's is).
  const std::size_t step = 1 + data[0] % 64;
  const bool in_place = data[0] & 0x80;
  std::string scratch;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  FrameReader reader;
  Packet packet;
  for (std::size_t at = 0; at < bytes.size(); at += step) {
    if (in_place) {
      scratch.assign(bytes.substr(at, step));
      reader.feed_view(scratch);
    } else {
      reader.feed(bytes.substr(at, step));
    }
    while (auto item = reader.next()) {
      if (item->reject) continue;
      const auto segment = item->segment;
      check(segment.size() <= 9999);
      if (!parse_segment(segment, packet)) continue;
      check(!packet.cn.empty() && !packet.mn.empty());
      if (!packet.data_time.empty()) check(packet.data_time.size() == 14);
      // An answer is a frame this reader accepts.
      FrameReader echo;
      echo.feed(answer(packet, "9014"));
      auto back = echo.next();
      check(back && !back->reject);
    }
    check(reader.buffered() <= 9999 + 12 + step);
    scratch.assign(scratch.size(), '\xAA');  // the next read overwrites the buffer
  }
  return 0;
}
