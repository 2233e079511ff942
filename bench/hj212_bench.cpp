// Issue 4's parsing target: cutting frames, checking their CRC and parsing the packets runs at
// least half as fast as a pass that only computes the CRC over the same bytes (one core). The
// bytes: the two hours of field traffic in tests/data/hj212-corpus (18,674 packets, 4.7 MB).
#include "environment/hj212.h"

#include <benchmark/benchmark.h>

#include <fstream>
#include <string>

namespace {

using namespace ecity::environment;

const std::string& corpus() {
  static const std::string all = [] {
    std::string out;
    for (const char* name : {"2016-08-24_00.h212", "2016-08-24_12.h212"}) {
      std::ifstream in(std::string(ECITY_SOURCE_DIR) + "/tests/data/hj212-corpus/" + name, std::ios::binary);
      out.append(std::istreambuf_iterator<char>(in), {});
    }
    return out;
  }();
  return all;
}

void BM_CrcOnly(benchmark::State& state) {
  const auto& bytes = corpus();
  for (auto _ : state) benchmark::DoNotOptimize(hj212::crc(bytes));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_CrcOnly);

void BM_FrameCheckAndParse(benchmark::State& state) {
  const auto& bytes = corpus();
  std::size_t packets = 0;
  hj212::Packet p;
  for (auto _ : state) {
    hj212::FrameReader r;
    // As a connection sees it: reads of up to 4 KiB.
    for (std::size_t at = 0; at < bytes.size(); at += 4096) {
      r.feed(std::string_view(bytes).substr(at, 4096));
      while (auto it = r.next())
        if (!it->reject) packets += hj212::parse_segment(it->segment, p) ? 1 : 0;
    }
  }
  benchmark::DoNotOptimize(packets);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
  state.counters["packets/s"] = benchmark::Counter(static_cast<double>(packets), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FrameCheckAndParse);

}  // namespace
