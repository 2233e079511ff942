// The HJ 212 listener against the real runtime and database: stations connect over loopback and
// send packets; what is stored, what is answered, what is refused and counted, and that a
// healthy connection survives every kind of bad input while a flood of garbage, a slow loris
// or one connection too many does not.
#include "harness.h"

#include "environment/hj212.h"
#include "environment/listener.h"
#include "environment/readings.h"
#include "platform/db/row.h"

#include <gtest/gtest.h>
#include <boost/asio.hpp>

#include <poll.h>

#include <chrono>
#include <deque>
#include <random>
#include <thread>

namespace ecity::test {
namespace {

using json = nlohmann::json;
namespace asio = boost::asio;
using environment::hj212::frame;

std::string admin() {
  static std::string t = login("admin");
  return t;
}

// A listener of the suite's own, with short timeouts and small limits; stopped after the
// suite, while the runtime it writes to still exists.
std::unique_ptr<environment::Hj212Listener> g_listener;

environment::Hj212Listener& listener() {
  if (!g_listener) {
    platform::Hj212Config c;
    c.port = 0;
    c.max_connections = 40;
    c.login_timeout_s = 2;
    c.frame_timeout_s = 2;
    c.idle_timeout_s = 30;
    c.garbage_limit_bytes = 8192;
    g_listener = std::make_unique<environment::Hj212Listener>(runtime(), c);
    g_listener->start();
  }
  return *g_listener;
}

class EnvironmentIngest : public ::testing::Test {
 public:
  static void TearDownTestSuite() { g_listener.reset(); }
};

std::int64_t add_station(const std::string& mn, const json& extra = json::object()) {
  json body = {{"mn", mn}, {"name", "测试站 " + mn}, {"password", "Pw-" + mn}};
  body.update(extra);
  auto r = http("POST", "/api/environment/stations", body.dump(), bearer(admin()));
  EXPECT_EQ(r.status, 201) << r.body;
  listener().reload();
  return r.json().value("id", std::int64_t{0});
}

// DataTime digits of a local hour `hours_ago` hours before now (whole hour).
std::string hour_ago(int hours_ago) {
  const auto now = platform::now_ms();
  return environment::data_time_digits(now - now % 3'600'000 - hours_ago * 3'600'000LL);
}

std::string packet(const std::string& mn, const std::string& qn, const std::string& cn, const std::string& cp,
                   int flag = 5, const std::string& extra_head = "") {
  return frame("QN=" + qn + ";ST=22;CN=" + cn + ";PW=Pw-" + mn + ";MN=" + mn + ";Flag=" + std::to_string(flag) + ";" +
               extra_head + "CP=&&" + cp + "&&");
}

class Station {
 public:
  Station() : socket_(io_) {
    socket_.connect(
        asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(listener().port())));
  }
  void send(const std::string& bytes) {
    boost::system::error_code ec;
    asio::write(socket_, asio::buffer(bytes), ec);
  }
  // Frames received within `ms` (stops early once `want` arrived); empty on close.
  std::vector<environment::hj212::Packet> answers(std::size_t want, int ms = 5000) {
    std::vector<environment::hj212::Packet> out;
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (kept_.size() < want && std::chrono::steady_clock::now() < until) {
      if (!wait_readable(50)) continue;
      char buf[4096];
      boost::system::error_code ec;
      const auto n = socket_.read_some(asio::buffer(buf), ec);
      if (ec) {
        closed_ = true;
        break;
      }
      reader_.feed(std::string_view(buf, n));
      while (auto it = reader_.next())
        if (!it->reject) kept_.emplace_back(it->segment);
    }
    for (const auto& s : kept_) out.push_back(*environment::hj212::parse_segment(s));
    return out;
  }
  // Whether the listener closed the connection within `ms`.
  bool closed_within(int ms) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (!closed_ && std::chrono::steady_clock::now() < until) {
      if (!wait_readable(50)) continue;
      char buf[4096];
      boost::system::error_code ec;
      socket_.read_some(asio::buffer(buf), ec);
      if (ec) closed_ = true;
    }
    return closed_;
  }

 private:
  bool wait_readable(int ms) {
    pollfd p{socket_.native_handle(), POLLIN, 0};
    return ::poll(&p, 1, ms) > 0;
  }
  asio::io_context io_;
  asio::ip::tcp::socket socket_;
  environment::hj212::FrameReader reader_;
  std::deque<std::string> kept_;  // segments (the parsed packets view into them)
  bool closed_ = false;
};

struct Row {
  std::array<std::optional<std::int64_t>, 6> value;
  std::array<std::string, 6> flag;
  std::string other;
  std::int64_t parts = 0;
};

std::vector<Row> rows_of(std::int64_t station) {
  return runtime().db.read([&](soci::session& sql) {
    std::vector<Row> out;
    long long sid = station;
    soci::rowset<soci::row> rs = (sql.prepare << "SELECT so2, no2, co, o3, pm10, pm25, so2_flag, no2_flag, co_flag, "
                                                 "o3_flag, pm10_flag, pm25_flag, other, parts FROM env_readings WHERE "
                                                 "station_id = :s ORDER BY cn, data_time",
                                  soci::use(sid));
    for (const auto& r : rs) {
      Row x;
      for (std::size_t i = 0; i < 6; ++i) {
        x.value[i] =
            r.get_indicator(i) == soci::i_null ? std::nullopt : std::optional<std::int64_t>(platform::get_i64(r, i));
        x.flag[i] = r.get_indicator(6 + i) == soci::i_null ? "" : r.get<std::string>(6 + i);
      }
      x.other = r.get<std::string>(12);
      x.parts = platform::get_i64(r, 13);
      out.push_back(x);
    }
    return out;
  });
}

std::uint64_t metric(const std::string& line_start) {
  const auto text = http("GET", "/metrics").body;
  const auto at = text.find("\n" + line_start + " ");
  return at == std::string::npos ? 0 : std::stoull(text.substr(at + line_start.size() + 2));
}

std::uint64_t rejected(const std::string& reason) { return metric("hj212_rejected_total{reason=\"" + reason + "\"}"); }

TEST_F(EnvironmentIngest, HourlyDataStoredOnceAndAnsweredAfterCommit) {
  const auto id = add_station("IT-ING-01");
  Station s;
  const std::string cp = "DataTime=" + hour_ago(2) +
                         ";a21026-Avg=8,a21026-Flag=N;a21004-Avg=25.4,a21004-Flag=N;a21005-Avg=0.6,a21005-Flag=N;"
                         "a05024-Avg=80,a05024-Flag=N;a34002-Avg=60,a34002-Flag=D;a34004-Avg=35,a34004-Flag=N;"
                         "a01001-Avg=12.5,a01001-Flag=N";
  s.send(packet("IT-ING-01", "20261127100000001", "2061", cp));
  auto a = s.answers(1);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].cn, "9014");
  EXPECT_EQ(a[0].qn, "20261127100000001");
  EXPECT_EQ(a[0].st, "91");
  EXPECT_EQ(a[0].mn, "IT-ING-01");
  auto rows = rows_of(id);  // the answer came after the commit: the row is there
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].value[0], 8'000'000);
  EXPECT_EQ(rows[0].value[1], 25'400'000);
  EXPECT_EQ(rows[0].value[2], 600'000);  // CO in mg/m³
  EXPECT_EQ(rows[0].flag[4], "D");
  EXPECT_EQ(rows[0].other, "a01001-Avg=12.5;a01001-Flag=N");
  const auto dup_before = metric("hj212_readings_duplicate_total");
  // Sent again (a station that missed the answer): answered again, not stored twice.
  s.send(packet("IT-ING-01", "20261127100000002", "2061", cp));
  a = s.answers(2);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[1].qn, "20261127100000002");
  EXPECT_EQ(rows_of(id).size(), 1u);
  EXPECT_EQ(metric("hj212_readings_duplicate_total"), dup_before + 1);
  // The station was seen (written within a second or two).
  for (int i = 0; i < 40; ++i) {
    auto st = http("GET", "/api/environment/stations/" + std::to_string(id), "", bearer(admin())).json();
    if (!st["last_seen_at"].is_null()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ASSERT_LT(i, 39) << "last_seen_at never written";
  }
}

TEST_F(EnvironmentIngest, SplitMessageFillsOneRowAndEachPartIsAnswered) {
  const auto id = add_station("IT-ING-02");
  Station s;
  const auto t = hour_ago(3);
  s.send(packet("IT-ING-02", "20261127100000534", "2061", "DataTime=" + t + ";a21026-Avg=9,a21026-Flag=N", 7,
                "PNUM=2;PNO=1;") +
         packet("IT-ING-02", "20261127100000535", "2061", "DataTime=" + t + ";a34004-Avg=41,a34004-Flag=N", 7,
                "PNUM=2;PNO=2;"));
  auto a = s.answers(2);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].qn, "20261127100000534");
  EXPECT_EQ(a[1].qn, "20261127100000535");
  auto rows = rows_of(id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].value[0], 9'000'000);
  EXPECT_EQ(rows[0].value[5], 41'000'000);
  EXPECT_EQ(rows[0].parts, 3);
  // Part 1 again with another value: the first value stays.
  s.send(packet("IT-ING-02", "20261127100000536", "2061", "DataTime=" + t + ";a21026-Avg=99,a21026-Flag=N", 7,
                "PNUM=2;PNO=1;"));
  ASSERT_EQ(s.answers(3).size(), 3u);
  EXPECT_EQ(rows_of(id)[0].value[0], 9'000'000);
}

TEST_F(EnvironmentIngest, BadPacketsAreRefusedWithoutClosingAHealthyConnection) {
  const auto id = add_station("IT-ING-03");
  Station s;
  const auto good =
      packet("IT-ING-03", "20261127100000010", "2061", "DataTime=" + hour_ago(4) + ";a34004-Avg=30,a34004-Flag=N");
  std::string bad_crc = good;
  bad_crc[bad_crc.size() - 4] = bad_crc[bad_crc.size() - 4] == '0' ? '1' : '0';
  const auto before_crc = rejected("bad_crc"), before_len = rejected("bad_length"), before_time = rejected("bad_time"),
             before_value = rejected("bad_value"), before_garbage = rejected("garbage"),
             before_header = rejected("bad_header");
  const auto now = platform::now_ms();
  const auto future_t = environment::data_time_digits(now + 3 * 3'600'000),
             old_t = environment::data_time_digits(now - 800LL * 86'400'000);
  s.send(bad_crc + "##12AB" + "not a frame at all\r\n" + good.substr(2) +   // missing ##: garbage
         frame("QN=1;ST=22;CN=2061;PW=Pw-IT-ING-03;MN=IT-ING-03;Flag=5") +  // no CP
         packet("IT-ING-03", "20261127100000011", "2061", "DataTime=" + future_t + ";a34004-Avg=30") +
         packet("IT-ING-03", "20261127100000012", "2061", "DataTime=" + old_t + ";a34004-Avg=30") +
         packet("IT-ING-03", "20261127100000013", "2061", "DataTime=20231302000000;a34004-Avg=30"));
  // Junk values and an unknown factor: the rest of the packet is kept.
  s.send(packet("IT-ING-03", "20261127100000014", "2061",
                "DataTime=" + hour_ago(5) +
                    ";a34004-Avg=abc,a34004-Flag=N;a21026-Avg=-3;a21004-Avg=1e9;"
                    "a05024-Avg=77,a05024-Flag=N;zz9999-Avg=5,zz9999-Flag=N"));
  s.send(good);
  auto a = s.answers(2);
  ASSERT_EQ(a.size(), 2u) << "the healthy packets are answered";
  EXPECT_EQ(a[0].qn, "20261127100000014");
  EXPECT_EQ(a[1].qn, "20261127100000010");
  EXPECT_FALSE(s.closed_within(200));
  auto rows = rows_of(id);
  ASSERT_EQ(rows.size(), 2u);
  bool junk_row_ok = false;
  for (const auto& r : rows)
    if (r.value[3] == 77'000'000) {
      junk_row_ok = !r.value[0] && !r.value[1] && !r.value[5] && r.other == "zz9999-Avg=5;zz9999-Flag=N";
    }
  EXPECT_TRUE(junk_row_ok);
  EXPECT_EQ(rejected("bad_crc"), before_crc + 1);
  EXPECT_EQ(rejected("bad_length"), before_len + 1);
  EXPECT_EQ(rejected("bad_header"), before_header + 1);
  EXPECT_EQ(rejected("bad_time"), before_time + 3);
  EXPECT_EQ(rejected("bad_value"), before_value + 3);
  EXPECT_GE(rejected("garbage"), before_garbage + 1);
  // Refusals are listed for the console (written within a second or two).
  for (int i = 0;; ++i) {
    const auto n = runtime().db.read([&](soci::session& sql) {
      long long c = 0;
      sql << "SELECT COUNT(*) FROM env_rejections WHERE mn = 'IT-ING-03' AND reason IN ('bad_time', 'bad_value')",
          soci::into(c);
      return c;
    });
    if (n == 6) break;
    ASSERT_LT(i, 40) << "refusals not listed: " << n;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

TEST_F(EnvironmentIngest, UnknownStationsAndWrongPasswordsAreRefused) {
  const auto id = add_station("IT-ING-04");
  const auto before_mn = rejected("unknown_mn"), before_pw = rejected("bad_password");
  Station s;
  const std::string cp = "DataTime=" + hour_ago(2) + ";a34004-Avg=30";
  s.send(frame("QN=20261127100000020;ST=22;CN=2061;PW=Pw-IT-ING-04;MN=IT-ING-NONE;Flag=5;CP=&&" + cp + "&&"));
  s.send(frame("QN=20261127100000021;ST=22;CN=2061;PW=wrong-pw;MN=IT-ING-04;Flag=5;CP=&&" + cp + "&&"));
  EXPECT_TRUE(s.answers(1, 800).empty());
  EXPECT_TRUE(rows_of(id).empty());
  EXPECT_EQ(rejected("unknown_mn"), before_mn + 1);
  EXPECT_EQ(rejected("bad_password"), before_pw + 1);
  // A disabled station is refused too.
  auto st = http("GET", "/api/environment/stations/" + std::to_string(id), "", bearer(admin())).json();
  ASSERT_EQ(http("PUT", "/api/environment/stations/" + std::to_string(id),
                 json{{"enabled", false}, {"version", st["version"]}}.dump(), bearer(admin()))
                .status,
            200);
  listener().reload();
  const auto before_disabled = rejected("disabled");
  s.send(packet("IT-ING-04", "20261127100000022", "2061", cp));
  EXPECT_TRUE(s.answers(1, 800).empty());
  EXPECT_EQ(rejected("disabled"), before_disabled + 1);
}

TEST_F(EnvironmentIngest, UnitsAliasesTimeCalibrationAnd2005Packets) {
  const auto id = add_station(
      "IT-ING-05", {{"units", {{"a34004", "ng/m3"}, {"a21005", "ug/m3"}}}, {"aliases", {{"o31104", "a05024"}}}});
  Station s;
  s.send(packet("IT-ING-05", "20261127100000030", "2061",
                "DataTime=" + hour_ago(2) + ";a34004-Avg=75600.000;a21005-Avg=427;o31104-Avg=63"));
  auto a = s.answers(1);
  ASSERT_EQ(a.size(), 1u);
  auto rows = rows_of(id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].value[5], 75'600'000);  // 75600 ng/m³ = 75.6 µg/m³
  EXPECT_EQ(rows[0].value[2], 427'000);     // 427 µg/m³ = 0.427 mg/m³
  EXPECT_EQ(rows[0].value[3], 63'000'000);  // o31104 read as O3
  // 1013: a 9013 answer, then the platform's time (1012).
  s.send(packet("IT-ING-05", "20261127100000031", "1013", ""));
  a = s.answers(3);
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[1].cn, "9013");
  EXPECT_EQ(a[2].cn, "1012");
  ASSERT_EQ(a[2].cp.size(), 1u);
  EXPECT_EQ(a[2].cp[0].key, "SystemTime");
  // A 2005 packet: no QN, no Flag: stored, not answered.
  s.send(frame("ST=22;CN=2061;PW=Pw-IT-ING-05;MN=IT-ING-05;CP=&&DataTime=" + hour_ago(3) + ";a34004-Avg=10000&&"));
  EXPECT_EQ(s.answers(4, 800).size(), 3u);
  EXPECT_EQ(rows_of(id).size(), 2u);
}

TEST_F(EnvironmentIngest, GarbageFloodDropsOnlyThatConnection) {
  const auto id = add_station("IT-ING-06");
  Station healthy;
  Station flood;
  std::mt19937 rng(7);
  std::string junk(10 << 20, '\0');
  for (auto& c : junk) c = static_cast<char>(rng() & 0xFF);
  std::thread sender([&] { flood.send(junk); });
  for (int i = 0; i < 5; ++i)
    healthy.send(packet("IT-ING-06", "2026112710000004" + std::to_string(i), "2061",
                        "DataTime=" + hour_ago(i + 1) + ";a34004-Avg=30"));
  EXPECT_TRUE(flood.closed_within(5000));
  sender.join();
  EXPECT_EQ(healthy.answers(5).size(), 5u);
  EXPECT_EQ(rows_of(id).size(), 5u);
  EXPECT_FALSE(healthy.closed_within(100));
}

TEST_F(EnvironmentIngest, SlowLorisAndSilentConnectionsAreClosed) {
  Station silent;
  Station loris;
  loris.send("##0200QN=2026");  // a frame begun and never finished
  EXPECT_TRUE(loris.closed_within(5000));
  EXPECT_TRUE(silent.closed_within(5000));
}

TEST_F(EnvironmentIngest, ConnectionsBeyondTheLimitAreRefused) {
  const auto before = rejected("refused");
  std::vector<std::unique_ptr<Station>> held;
  for (int i = 0; i < 45; ++i) held.push_back(std::make_unique<Station>());
  int closed = 0;
  for (auto& h : held) closed += h->closed_within(50) ? 1 : 0;
  EXPECT_GE(closed, 5);
  EXPECT_GE(rejected("refused"), before + 5);
  held.clear();
  // The listener still takes stations once the others went away.
  const auto id = add_station("IT-ING-07");
  for (int i = 0; i < 50 && listener().stats().connections > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  Station s;
  s.send(packet("IT-ING-07", "20261127100000050", "2061", "DataTime=" + hour_ago(1) + ";a34004-Avg=30"));
  EXPECT_EQ(s.answers(1).size(), 1u);
  EXPECT_EQ(rows_of(id).size(), 1u);
}

TEST_F(EnvironmentIngest, ManyStationsAtOnce) {
  constexpr int kStations = 20, kPackets = 30;
  std::vector<std::int64_t> ids;
  for (int i = 0; i < kStations; ++i) ids.push_back(add_station("IT-ING-M" + std::to_string(i)));
  std::vector<std::thread> threads;
  std::atomic<int> answered{0};
  for (int i = 0; i < kStations; ++i)
    threads.emplace_back([&, i] {
      Station s;
      const auto mn = "IT-ING-M" + std::to_string(i);
      std::string burst;
      for (int k = 0; k < kPackets; ++k)
        burst += packet(mn, "20261127100001" + std::to_string(100 + k), "2061",
                        "DataTime=" + hour_ago(k + 1) + ";a34004-Avg=" + std::to_string(k));
      s.send(burst);
      answered += static_cast<int>(s.answers(kPackets).size());
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(answered.load(), kStations * kPackets);
  for (auto id : ids) EXPECT_EQ(rows_of(id).size(), static_cast<std::size_t>(kPackets));
}

}  // namespace
}  // namespace ecity::test
