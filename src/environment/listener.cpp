#include "environment/listener.h"

#include "environment/hj212.h"
#include "environment/readings.h"
#include "environment/stations.h"

#include "platform/db/migrations.h"
#include "platform/db/row.h"
#include "platform/net/stream_server.h"
#include "platform/runtime.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace ecity::environment {

namespace {

using platform::StreamConnection;

// What the listener knows of one station between reloads.
struct StationEntry {
  std::int64_t id = 0;
  std::string mn, password_hash;  // SHA-256 hex of the access password
  bool enabled = true;
  FactorMap factors;
  // Shared across reloads (the same object for the same id).
  struct State {
    std::atomic<std::int64_t> last_seen{0};
    std::atomic<int> online{0};
  };
  std::shared_ptr<State> state;
};
using Directory = std::unordered_map<std::string, std::shared_ptr<const StationEntry>>;

struct Rejection {
  std::int64_t at = 0;
  std::string peer, reason, mn, detail, sample;
  std::optional<std::int64_t> station_id;
};

// The first bytes of a packet, printable: anything outside ASCII 0x20-0x7E as \xNN.
std::string sample_of(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes.substr(0, 160)) {
    if (c >= 0x20 && c < 0x7F && c != '\\')
      out += static_cast<char>(c);
    else
      out += fmt::format("\\x{:02X}", c);
  }
  return out;
}

std::int64_t wall_ms() { return platform::now_ms(); }

}  // namespace

struct Hj212Listener::Impl : std::enable_shared_from_this<Hj212Listener::Impl> {
  Impl(platform::Runtime& rt, platform::Hj212Config c) : rt(rt), config(std::move(c)) {}

  platform::Runtime& rt;
  const platform::Hj212Config config;
  std::unique_ptr<platform::StreamServer> server;

  mutable std::mutex dir_mu;
  std::shared_ptr<const Directory> directory = std::make_shared<Directory>();     // guarded by dir_mu
  std::unordered_map<std::int64_t, std::shared_ptr<StationEntry::State>> states;  // guarded by dir_mu

  std::atomic<std::uint64_t> packets{0}, stored{0}, duplicates{0}, answers{0}, rejected{0}, store_failed{0};
  // Readings handed to the commit thread and not yet written. Above kMaxQueued the connections
  // stop being read until the queue is below half of it (memory stays bounded under overload).
  static constexpr std::int64_t kMaxQueued = 40000;
  std::atomic<std::int64_t> queued{0};
  std::atomic<bool> backlogged{false};
  bool behind() {
    const auto q = queued.load();
    if (q > kMaxQueued) backlogged = true;
    if (q < kMaxQueued / 2) backlogged = false;
    return backlogged.load();
  }

  // Refusals waiting to be written; at most kRejectionsPerSecond rows a second are kept.
  static constexpr int kRejectionsPerSecond = 20;
  std::mutex rej_mu;
  std::vector<Rejection> pending;  // guarded by rej_mu
  std::int64_t window_start = 0;   // guarded by rej_mu
  int window_count = 0;            // guarded by rej_mu
  std::uint64_t suppressed = 0;    // guarded by rej_mu

  std::mutex flush_mu;
  std::condition_variable flush_cv;
  bool stopping = false;  // guarded by flush_mu
  std::thread flusher;
  std::int64_t last_prune = 0;
  // An unknown MN may be a station registered by another process (ecity station add): the
  // directory is read again within a second, at most every two seconds.
  std::atomic<bool> reload_wanted{false};
  std::atomic<std::int64_t> last_reload{0};

  std::shared_ptr<const Directory> snapshot() const {
    std::lock_guard lock(dir_mu);
    return directory;
  }

  void reload() {
    last_reload = wall_ms();
    auto next = std::make_shared<Directory>();
    auto rows = rt.db.read([](soci::session& sql) {
      std::vector<StationEntry> out;
      soci::rowset<soci::row> rs = sql.prepare
                                   << "SELECT id, mn, password_hash, enabled, units, aliases FROM env_stations";
      for (const auto& r : rs) {
        StationEntry e;
        e.id = platform::get_i64(r, 0);
        e.mn = platform::get_str(r, 1);
        e.password_hash = platform::get_str(r, 2);
        e.enabled = platform::get_i64(r, 3) != 0;
        e.factors = FactorMap::of(split_pairs(platform::get_str(r, 4)), split_pairs(platform::get_str(r, 5)));
        out.push_back(std::move(e));
      }
      return out;
    });
    std::lock_guard lock(dir_mu);
    for (auto& e : rows) {
      auto& st = states[e.id];
      if (!st) st = std::make_shared<StationEntry::State>();
      e.state = st;
      auto mn = e.mn;
      (*next)[mn] = std::make_shared<const StationEntry>(std::move(e));
    }
    directory = std::move(next);
  }

  void count_reject(std::string_view reason, std::uint64_t n = 1) {
    rejected.fetch_add(n);
    rt.metrics.count("hj212_rejected_total", "reason", std::string(reason), n);
  }

  // Counts a refusal and keeps a row of it.
  void reject(Rejection r) {
    count_reject(r.reason);
    keep(std::move(r));
  }

  // Keeps a row of a refusal (unless this second's rows are used up).
  void keep(Rejection r) {
    std::lock_guard lock(rej_mu);
    const std::int64_t second = r.at / 1000;
    if (second != window_start) {
      window_start = second;
      window_count = 0;
    }
    if (++window_count > kRejectionsPerSecond || pending.size() > 1000) {
      ++suppressed;
      return;
    }
    pending.push_back(std::move(r));
  }

  // A connection refused or closed by a limit (the session, if any, counts its own close).
  void closed(std::string_view reason, const std::string& peer) {
    if (reason == "refused" || reason == "refused_ip")
      rt.metrics.count("hj212_closed_total", "reason", std::string(reason));
    if (reason != "idle_timeout") reject({wall_ms(), peer, std::string(reason), "", "", "", std::nullopt});
  }

  // Writes refusals and last-seen times; prunes old real-time and minute rows once an hour.
  void flush() {
    std::vector<Rejection> rows;
    {
      std::lock_guard lock(rej_mu);
      rows.swap(pending);
    }
    std::vector<std::pair<long long, long long>> seen;
    {
      std::lock_guard lock(dir_mu);
      for (const auto& [id, st] : states) {
        const auto t = st->last_seen.exchange(0);
        if (t != 0) seen.emplace_back(id, t);
      }
    }
    if (rows.empty() && seen.empty()) return;
    try {
      rt.db.write([&](platform::Tx& tx) {
        for (auto& r : rows) {
          long long at = r.at;
          platform::Nullable<std::string> mn(r.mn.empty() ? std::nullopt : std::optional<std::string>(r.mn));
          platform::Nullable<long long> sid(r.station_id);
          tx.sql << "INSERT INTO env_rejections (at, peer, reason, mn, station_id, detail, sample) VALUES (:at, :p, "
                    ":r, :mn, :s, :d, :x)",
              soci::use(at), soci::use(r.peer), soci::use(r.reason), soci::use(mn.value, mn.ind),
              soci::use(sid.value, sid.ind), soci::use(r.detail), soci::use(r.sample);
        }
        for (auto& [id, t] : seen)
          tx.sql << "UPDATE env_stations SET last_seen_at = :t WHERE id = :id AND (last_seen_at IS NULL OR "
                    "last_seen_at < :t2)",
              soci::use(t), soci::use(id), soci::use(t);
      });
    } catch (const std::exception& e) {
      spdlog::error("event=hj212_flush_failed error=\"{}\"", e.what());
    }
  }

  void prune() {
    const long long cutoff = wall_ms() - config.realtime_retention_days * 86'400'000LL;
    std::vector<long long> ids;
    {
      std::lock_guard lock(dir_mu);
      for (const auto& [id, st] : states) ids.push_back(id);
    }
    std::int64_t removed = 0;
    for (long long id : ids) {
      try {
        removed += rt.db.write([&](platform::Tx& tx) {
          soci::statement st = (tx.sql.prepare << "DELETE FROM env_readings WHERE station_id = :s AND cn IN (2011, "
                                                  "2051) AND data_time < :c",
                                soci::use(id), soci::use(cutoff));
          st.execute(true);
          return static_cast<std::int64_t>(st.get_affected_rows());
        });
      } catch (const std::exception& e) {
        spdlog::error("event=hj212_prune_failed station={} error=\"{}\"", id, e.what());
      }
    }
    if (removed > 0)
      spdlog::info("event=hj212_pruned rows={} older_than_days={}", removed, config.realtime_retention_days);
  }

  void flush_loop() {
    std::unique_lock lock(flush_mu);
    while (!stopping) {
      flush_cv.wait_for(lock, std::chrono::seconds(1));
      lock.unlock();
      if (reload_wanted.load() && wall_ms() - last_reload > 2000) {
        reload_wanted = false;
        try {
          reload();
        } catch (const std::exception& e) {
          spdlog::error("event=hj212_reload_failed error=\"{}\"", e.what());
        }
      }
      flush();
      if (wall_ms() - last_prune > 3'600'000) {
        last_prune = wall_ms();
        prune();
      }
      lock.lock();
    }
  }
};

namespace {

// One station connection.
class Session : public platform::StreamProtocol {
 public:
  Session(std::shared_ptr<Hj212Listener::Impl> impl, std::shared_ptr<StreamConnection> conn)
      : impl_(std::move(impl)),
        conn_(std::move(conn)),
        reader_(hj212::FrameLimits{static_cast<std::size_t>(impl_->config.max_frame_bytes), false}) {}

  ~Session() override {
    if (online_) online_->online.fetch_sub(1);
  }

  platform::ReadOutcome on_read(std::string_view bytes) override {
    platform::ReadOutcome out;
    reader_.feed_view(bytes);  // the server's read buffer, drained below
    std::vector<Reading> rows;
    std::string acks, answers;
    int ack_count = 0, answer_count = 0;
    std::uint64_t garbage_items = 0;
    while (auto item = reader_.next()) {
      if (item->reject) {
        garbage_ += item->skipped + item->segment.size();
        if (*item->reject == hj212::Reject::kGarbage) {
          // Runs of junk count once per read, not once per run.
          ++garbage_items;
          garbage_bytes_ += item->skipped;
          continue;
        }
        refuse(std::string(hj212::code(*item->reject)), "", nullptr, fmt::format("{} bytes", item->skipped),
               item->segment);
        continue;
      }
      const std::string_view seg = item->segment;
      if (!hj212::parse_segment(seg, packet_)) {
        garbage_ += seg.size();
        refuse("bad_header", "", nullptr, "", seg);
        continue;
      }
      const auto* station = admit(seg);
      if (!station) continue;
      garbage_ = 0;
      out.completed = true;
      impl_->packets.fetch_add(1);
      int cn = 0;
      for (char c : packet_.cn) cn = (c >= '0' && c <= '9' && cn < 100000) ? cn * 10 + (c - '0') : 100000;
      if (stored_command(cn)) {
        auto reading = read_data(seg, *station, cn);
        if (!reading) continue;
        rows.push_back(std::move(*reading));
        if (packet_.needs_answer()) {
          acks += hj212::answer(packet_, "9014");
          ++ack_count;
        }
      } else if (cn == 1013) {
        // A time-calibration request: 9013, then the platform's time (1012).
        answers += hj212::answer(packet_, "9013");
        answers += set_time(packet_);
        answer_count += 2;
      } else if (cn >= 9011 && cn <= 9014) {
        // Answers to our own requests: nothing to answer.
      } else if (packet_.needs_answer()) {
        // Other uploads (2081 power-on, 3019, 3020, vendor heartbeats 8013…): acknowledged, not stored.
        answers += hj212::answer(packet_, "9014");
        ++answer_count;
      }
    }
    if (garbage_items > 0) {
      impl_->count_reject("garbage", garbage_items);
      if (!garbage_logged_) {
        garbage_logged_ = true;  // one row per connection; the counter has them all
        impl_->keep({wall_ms(), conn_->peer_ip(), "garbage", last_mn_,
                     fmt::format("{} bytes outside frames", garbage_bytes_), "", std::nullopt});
      }
    }
    if (!answers.empty()) {
      conn_->send(std::move(answers));
      impl_->answers.fetch_add(static_cast<std::uint64_t>(answer_count));
    }
    if (!rows.empty()) submit(std::move(rows), std::move(acks), ack_count);
    if (garbage_ > static_cast<std::size_t>(impl_->config.garbage_limit_bytes)) {
      impl_->reject({wall_ms(), conn_->peer_ip(), "garbage_limit", last_mn_,
                     fmt::format("{} refused bytes since the last good packet", garbage_), "", std::nullopt});
      out.close = true;
    }
    out.partial = reader_.buffered() > 0;
    return out;
  }

  bool paused() const override { return impl_->behind(); }

  void on_close(std::string_view reason) override {
    impl_->rt.metrics.count("hj212_closed_total", "reason", std::string(reason));
  }

 private:
  void refuse(std::string reason, std::string mn, const StationEntry* s, std::string detail, std::string_view seg) {
    impl_->reject({wall_ms(), conn_->peer_ip(), std::move(reason), std::move(mn), std::move(detail), sample_of(seg),
                   s ? std::optional<std::int64_t>(s->id) : std::nullopt});
  }

  // The station that sent packet_, if it is known, enabled and its password is right.
  const StationEntry* admit(std::string_view seg) {
    auto dir = impl_->snapshot();
    auto it = dir->find(std::string(packet_.mn));
    if (it == dir->end()) {
      impl_->reload_wanted = true;
      garbage_ += seg.size();
      refuse("unknown_mn", std::string(packet_.mn.substr(0, 64)), nullptr, "", seg);
      return nullptr;
    }
    const auto& s = it->second;
    if (!s->enabled) {
      garbage_ += seg.size();
      refuse("disabled", s->mn, s.get(), "", seg);
      return nullptr;
    }
    // The password's hash is checked once per connection and password, not per packet.
    if (s != verified_ || packet_.pw != verified_pw_) {
      if (platform::sha256_hex(std::string(packet_.pw)) != s->password_hash) {
        garbage_ += seg.size();
        refuse("bad_password", s->mn, s.get(), "", seg);
        return nullptr;
      }
      verified_ = s;
      verified_pw_ = std::string(packet_.pw);
      if (!online_ || online_ != s->state) {
        if (online_) online_->online.fetch_sub(1);
        online_ = s->state;
        online_->online.fetch_add(1);
      }
      last_mn_ = s->mn;
    }
    s->state->last_seen.store(wall_ms());
    return s.get();
  }

  std::optional<Reading> read_data(std::string_view seg, const StationEntry& s, int cn) {
    const auto t = data_time_ms(packet_.data_time);
    const auto now = wall_ms();
    const char* bad_time = !t                                                     ? "DataTime missing or invalid"
                           : *t > now + impl_->config.clock_skew_s * 1000LL       ? "DataTime in the future"
                           : *t < now - impl_->config.max_age_days * 86'400'000LL ? "DataTime too old"
                                                                                  : nullptr;
    if (bad_time) {
      refuse("bad_time", s.mn, &s, bad_time, seg);
      return std::nullopt;
    }
    if (packet_.split() && (*packet_.pno < 1 || *packet_.pno > *packet_.pnum || *packet_.pnum > 64)) {
      refuse("bad_split", s.mn, &s, fmt::format("PNO {} of {}", *packet_.pno, *packet_.pnum), seg);
      return std::nullopt;
    }
    bad_.clear();
    Reading r = decode(packet_, cn, *t, s.factors, bad_);
    r.station_id = s.id;
    for (const auto& b : bad_) refuse("bad_value", s.mn, &s, b, seg);
    return r;
  }

  static std::string set_time(const hj212::Packet& p) {
    const auto now = wall_ms();
    const std::string digits = data_time_digits(now), qn = data_time_digits(now, true);
    return hj212::frame(fmt::format("QN={};ST={};CN=1012;PW={};MN={};Flag={};CP=&&SystemTime={}&&", qn,
                                    p.st.empty() ? "22" : p.st, p.pw, p.mn, p.version().value_or(1) * 4 + 1, digits));
  }

  void submit(std::vector<Reading> rows, std::string acks, int ack_count) {
    struct Shared {
      std::vector<Reading> rows;
      std::uint64_t stored = 0, duplicates = 0;
    };
    auto shared = std::make_shared<Shared>();
    shared->rows = std::move(rows);
    auto impl = impl_;
    auto conn = conn_;
    const auto n = static_cast<std::int64_t>(shared->rows.size());
    impl_->queued.fetch_add(n);
    impl_->rt.db.submit_grouped(
        [shared](platform::Tx& tx) {
          shared->stored = shared->duplicates = 0;  // the group may run twice
          for (const auto& r : shared->rows) ++(put_reading(tx, r) ? shared->stored : shared->duplicates);
        },
        [shared, impl, conn, acks = std::move(acks), ack_count, n](std::exception_ptr e) mutable {
          impl->queued.fetch_sub(n);
          if (e) {
            impl->store_failed.fetch_add(shared->rows.size());
            try {
              std::rethrow_exception(e);
            } catch (const std::exception& x) {
              spdlog::error("event=hj212_store_failed rows={} error=\"{}\"", shared->rows.size(), x.what());
            } catch (...) {
            }
            return;  // no answer: the station sends again
          }
          impl->stored.fetch_add(shared->stored);
          impl->duplicates.fetch_add(shared->duplicates);
          if (!acks.empty()) {
            conn->send(std::move(acks));
            impl->answers.fetch_add(static_cast<std::uint64_t>(ack_count));
          }
        });
  }

  std::shared_ptr<Hj212Listener::Impl> impl_;
  std::shared_ptr<StreamConnection> conn_;
  hj212::FrameReader reader_;
  hj212::Packet packet_;
  std::vector<std::string> bad_;
  std::shared_ptr<const StationEntry> verified_;
  std::string verified_pw_, last_mn_;
  std::shared_ptr<StationEntry::State> online_;
  std::size_t garbage_ = 0;  // refused bytes since the last good packet
  std::uint64_t garbage_bytes_ = 0;
  bool garbage_logged_ = false;
};

}  // namespace

Hj212Listener::Hj212Listener(platform::Runtime& rt, platform::Hj212Config config)
    : impl_(std::make_shared<Impl>(rt, std::move(config))) {
  auto& m = rt.metrics;
  std::weak_ptr<Impl> weak = impl_;
  auto sampler = [weak](std::atomic<std::uint64_t> Impl::*field) {
    return [weak, field]() -> double {
      auto impl = weak.lock();
      return impl ? static_cast<double>(((*impl).*field).load()) : 0.0;
    };
  };
  m.add_sampler("hj212_packets_total", "Good HJ 212 packets from known stations", "counter", sampler(&Impl::packets));
  m.add_sampler("hj212_readings_stored_total", "Readings written", "counter", sampler(&Impl::stored));
  m.add_sampler("hj212_readings_duplicate_total", "Readings received again (not stored twice)", "counter",
                sampler(&Impl::duplicates));
  m.add_sampler("hj212_answers_total", "Answers sent to stations", "counter", sampler(&Impl::answers));
  m.add_sampler("hj212_store_failed_total", "Readings not stored (the station sends them again)", "counter",
                sampler(&Impl::store_failed));
  m.add_sampler("hj212_connections", "Open station connections", "gauge", [weak]() -> double {
    auto impl = weak.lock();
    return impl && impl->server ? impl->server->connections() : 0;
  });
}

Hj212Listener::~Hj212Listener() { stop(); }

void Hj212Listener::start() {
  auto& d = *impl_;
  d.reload();
  platform::StreamServerConfig sc;
  sc.setting = "hj212.host";
  sc.host = d.config.host;
  sc.port = d.config.port;
  sc.io_threads = d.config.io_threads;
  sc.max_connections = d.config.max_connections;
  sc.max_per_ip = d.config.max_per_ip;
  sc.login_timeout_s = d.config.login_timeout_s;
  sc.frame_timeout_s = d.config.frame_timeout_s;
  sc.idle_timeout_s = d.config.idle_timeout_s;
  std::weak_ptr<Impl> weak = impl_;
  d.server = std::make_unique<platform::StreamServer>(
      sc,
      [weak](std::shared_ptr<StreamConnection> conn) -> std::unique_ptr<platform::StreamProtocol> {
        auto impl = weak.lock();
        if (!impl) return nullptr;
        return std::make_unique<Session>(std::move(impl), std::move(conn));
      },
      [weak](std::string_view reason, const std::string& peer) {
        if (auto impl = weak.lock()) impl->closed(reason, peer);
      });
  d.server->start();
  d.last_prune = wall_ms();
  d.flusher = std::thread([&d] { d.flush_loop(); });
  spdlog::info("event=hj212_listening host={} port={} stations={}", d.config.host, d.server->port(),
               d.snapshot()->size());
}

int Hj212Listener::port() const { return impl_->server ? impl_->server->port() : 0; }

void Hj212Listener::stop() {
  auto& d = *impl_;
  if (d.server) {
    d.server->stop();
    d.server->wait();
  }
  {
    std::lock_guard lock(d.flush_mu);
    d.stopping = true;
  }
  d.flush_cv.notify_all();
  if (d.flusher.joinable()) d.flusher.join();
  d.flush();
}

void Hj212Listener::reload() { impl_->reload(); }

Hj212Listener::Stats Hj212Listener::stats() const {
  const auto& d = *impl_;
  Stats s;
  s.packets = d.packets.load();
  s.stored = d.stored.load();
  s.duplicates = d.duplicates.load();
  s.answers = d.answers.load();
  s.rejected = d.rejected.load();
  s.store_failed = d.store_failed.load();
  s.connections = d.server ? d.server->connections() : 0;
  return s;
}

bool Hj212Listener::online(std::int64_t station_id) const {
  std::lock_guard lock(impl_->dir_mu);
  auto it = impl_->states.find(station_id);
  return it != impl_->states.end() && it->second->online.load() > 0;
}

}  // namespace ecity::environment
