#include "platform/http/metrics.h"

#include <fmt/format.h>

namespace ecity::platform {

namespace {
// Label values are route patterns and methods (ours), but escape anyway.
std::string esc(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}
}  // namespace

void Metrics::observe(const std::string& route, const std::string& method, int status, double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{route, method, status}];
  auto& h = latency_[route];
  for (std::size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  ++h.count;
  h.sum += seconds;
}

void Metrics::add_sampler(std::string name, std::string help, std::string type, std::function<double()> fn) {
  std::lock_guard lock(mu_);
  samplers_[std::move(name)] = Sampler{std::move(help), std::move(type), std::move(fn)};
}

void Metrics::count(const std::string& name, const std::string& label, const std::string& value, std::uint64_t n) {
  std::lock_guard lock(mu_);
  counters_[name][{label, value}] += n;
}

std::string Metrics::render() const {
  std::lock_guard lock(mu_);
  std::string out;
  out += "# HELP ecity_http_requests_total HTTP requests by route pattern, method and status.\n";
  out += "# TYPE ecity_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [route, method, status] = key;
    out += fmt::format("ecity_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n", esc(route),
                       esc(method), status, n);
  }
  out += "# HELP ecity_http_request_duration_seconds Time from parsed request to response, by route.\n";
  out += "# TYPE ecity_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    for (std::size_t i = 0; i < kBuckets.size(); ++i)
      out += fmt::format("ecity_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", esc(route),
                         kBuckets[i], h.buckets[i]);
    out += fmt::format("ecity_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", esc(route),
                       h.count);
    out += fmt::format("ecity_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", esc(route), h.sum);
    out += fmt::format("ecity_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", esc(route), h.count);
  }
  for (const auto& [name, values] : counters_) {
    out += fmt::format("# TYPE {} counter\n", name);
    for (const auto& [lv, n] : values) out += fmt::format("{}{{{}=\"{}\"}} {}\n", name, lv.first, esc(lv.second), n);
  }
  for (const auto& [name, s] : samplers_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, s.help, name, s.type, name, s.fn());
  }
  return out;
}

}  // namespace ecity::platform
