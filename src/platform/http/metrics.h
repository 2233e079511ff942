// Prometheus text-format metrics: request counts by route, method and status, latency
// histograms by route, plus gauges supplied by the caller (pool usage, DB errors, …).
//
// Thread-safety: observe() and render() are safe from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace ecity::platform {

class Metrics {
 public:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
  void observe(const std::string& route, const std::string& method, int status, double seconds);
  // A gauge or counter rendered on every scrape: name, help, type ("gauge"/"counter"), value.
  void add_sampler(std::string name, std::string help, std::string type, std::function<double()> fn);
  // Counter with one label, e.g. hj212_rejected_total{reason="crc"}, raised by n.
  void count(const std::string& name, const std::string& label, const std::string& value, std::uint64_t n = 1);
  std::string render() const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  struct Sampler {
    std::string help;
    std::string type;
    std::function<double()> fn;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;  // guarded by mu_
  std::map<std::string, Histogram> latency_;                                      // guarded by mu_
  std::map<std::string, Sampler> samplers_;                                       // guarded by mu_
  std::map<std::string, std::map<std::pair<std::string, std::string>, std::uint64_t>> counters_;  // guarded by mu_
};

}  // namespace ecity::platform
