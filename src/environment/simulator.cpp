#include "environment/simulator.h"

#include "environment/hj212.h"
#include "environment/readings.h"

#include "platform/error.h"
#include "platform/numeric/decimal.h"

#include <fmt/format.h>
#include <boost/asio.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <vector>

namespace ecity::environment {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Station {
  int index = 0;
  tcp::socket socket;
  std::string out, sending;
  bool writing = false, open = false;
  double credit = 0;           // packets due
  std::int64_t last_hour = 0;  // the last hour whose hourly packet went out
  std::int64_t backlog = 0;    // the next past minute to upload when more than one packet a second is due
  hj212::FrameReader reader;
  hj212::Packet packet;
  explicit Station(asio::io_context& io) : socket(io) {}
};

// Writes what is queued, then again while more was queued meanwhile.
void write_next(Station& s) {
  s.writing = true;
  s.sending.swap(s.out);
  s.out.clear();
  asio::async_write(s.socket, asio::buffer(s.sending), [&s](const boost::system::error_code& e, std::size_t) {
    s.writing = false;
    s.sending.clear();
    if (e)
      s.open = false;
    else if (!s.out.empty())
      write_next(s);
  });
}

}  // namespace

std::string simulated_mn(const std::string& prefix, int i) { return fmt::format("{}{:06}", prefix, i); }

std::string simulated_packet(const SimulatorOptions& o, int i, int cn, std::int64_t epoch_ms) {
  const std::int64_t period = cn == kHourly ? 3'600'000 : cn == kMinute ? 60'000 : 1000;
  const std::int64_t t = epoch_ms - (epoch_ms % period);
  const auto m = model_hour(i, t, o.model);
  std::string cp = "DataTime=" + data_time_digits(t, false);
  const char* suffix = cn == kRealtime ? "Rtd" : "Avg";
  for (std::size_t k = 0; k < kPollutants; ++k) {
    if (m.missing || !m.value[k]) continue;
    const int decimals = k == static_cast<std::size_t>(Pollutant::kCO) ? 3 : 0;
    cp += fmt::format(";{0}-{1}={2},{0}-Flag={3}", kAqiCodes[k], suffix,
                      platform::format_scaled(*m.value[k], kInputScale, decimals), m.flag);
  }
  return hj212::frame(fmt::format("QN={};ST=22;CN={};PW={};MN={};Flag=5;CP=&&{}&&", data_time_digits(wall_ms(), true),
                                  cn, o.password, simulated_mn(o.mn_prefix, i), cp));
}

SimulatorReport run_simulator(const SimulatorOptions& o, const std::atomic<bool>* stop) {
  asio::io_context io;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(o.host, ec);
  if (ec) throw Error::invalid("bad-host", "不是合法的 IP 地址：" + o.host, "not an IP address: " + o.host);
  const tcp::endpoint target(address, static_cast<unsigned short>(o.port));

  std::vector<std::unique_ptr<Station>> stations;
  for (int i = 0; i < o.count; ++i) {
    stations.push_back(std::make_unique<Station>(io));
    stations.back()->index = o.first + i;
  }
  SimulatorReport report;
  bool finishing = false;
  std::int64_t last_answer = 0;

  auto flush = [](Station& s) {
    if (!s.writing && !s.out.empty() && s.open) write_next(s);
  };

  // Reads the answers of one station.
  auto reader = [&](Station& s) -> asio::awaitable<void> {
    std::array<char, 1024> buf;
    for (;;) {
      boost::system::error_code e;
      const std::size_t n =
          co_await s.socket.async_read_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, e));
      if (e) break;
      s.reader.feed(std::string_view(buf.data(), n));
      while (auto item = s.reader.next())
        if (!item->reject && hj212::parse_segment(item->segment, s.packet) && s.packet.cn == "9014") {
          ++report.answered;
          last_answer = wall_ms();
        }
    }
    if (s.open && !finishing) ++report.dropped;
    s.open = false;
  };

  const std::int64_t started = wall_ms();
  std::int64_t first_send = 0;
  std::int64_t connected_at = 0;  // when every station had its connection
  std::uint64_t answered_at_connect = 0;
  auto connector = [&](std::size_t from, std::size_t step) -> asio::awaitable<void> {
    for (std::size_t k = from; k < stations.size(); k += step) {
      auto& s = *stations[k];
      boost::system::error_code e;
      co_await s.socket.async_connect(target, asio::redirect_error(asio::use_awaitable, e));
      if (e) {
        ++report.failed;
        continue;
      }
      s.socket.set_option(tcp::no_delay(true), e);
      s.open = true;
      ++report.connected;
      s.last_hour = wall_ms() / 3'600'000;
      s.backlog = wall_ms() - 60'000;
      for (int h = o.history_hours; h >= 1; --h) {
        s.out += simulated_packet(o, s.index, kHourly, (s.last_hour - h) * 3'600'000);
        if (first_send == 0) first_send = wall_ms();
        ++report.sent;
      }
      flush(s);
      asio::co_spawn(io, reader(s), asio::detached);
    }
  };
  for (std::size_t c = 0; c < 8; ++c) asio::co_spawn(io, connector(c, 8), asio::detached);

  // Every 10 ms, a hundredth of the stations send what is due, each in one write: a station
  // writes about once a second, whatever its rate.
  asio::steady_timer ticker(io);
  std::int64_t tick = 0;
  std::function<void()> on_tick = [&] {
    const std::int64_t now = wall_ms();
    const bool out_of_time = o.duration_s > 0 && now - started >= o.duration_s * 1000LL;
    bool all_gone = false;
    if (tick % 100 == 0 && report.connected + report.failed == o.count) {  // once a second
      all_gone = true;
      for (const auto& s : stations) all_gone = all_gone && !s->open;
    }
    if (connected_at == 0 && report.connected + report.failed == o.count) {
      connected_at = now;
      answered_at_connect = report.answered;
    }
    if (out_of_time || all_gone || (stop && stop->load())) {
      finishing = true;
      if (connected_at != 0 && now > connected_at + 1000)
        report.steady_per_s = static_cast<double>(report.answered - answered_at_connect) * 1000.0 /
                              static_cast<double>(now - connected_at);
      ticker.expires_after(std::chrono::seconds(2));  // the last answers
      ticker.async_wait([&](const boost::system::error_code&) {
        for (auto& s : stations) s->socket.close(ec);
      });
      return;
    }
    const std::size_t slot = static_cast<std::size_t>(tick % 100);
    for (std::size_t k = slot; k < stations.size(); k += 100) {
      auto& s = *stations[k];
      if (!s.open) continue;
      s.credit += o.rate;  // one second's worth
      const std::int64_t hour = now / 3'600'000;
      if (hour > s.last_hour) {
        s.out += simulated_packet(o, s.index, kHourly, (hour - 1) * 3'600'000);
        s.last_hour = hour;
        ++report.sent;
      }
      // One real-time packet a second at most (DataTime has whole seconds); more than that is a
      // station catching up: minute data of the past, newest first.
      for (bool first = true; s.credit >= 1; s.credit -= 1, first = false) {
        if (first) {
          s.out += simulated_packet(o, s.index, kRealtime, now);
        } else {
          s.out += simulated_packet(o, s.index, kMinute, s.backlog);
          s.backlog -= 60'000;
        }
        ++report.sent;
      }
      if (!s.out.empty() && first_send == 0) first_send = now;
      flush(s);
    }
    ++tick;
    ticker.expires_at(ticker.expiry() + std::chrono::milliseconds(10));
    ticker.async_wait([&](const boost::system::error_code& e) {
      if (!e) on_tick();
    });
  };
  ticker.expires_after(std::chrono::milliseconds(10));
  ticker.async_wait([&](const boost::system::error_code& e) {
    if (!e) on_tick();
  });
  io.run();
  if (first_send != 0 && last_answer > first_send)
    report.seconds = static_cast<double>(last_answer - first_send) / 1000.0;
  return report;
}

}  // namespace ecity::environment
