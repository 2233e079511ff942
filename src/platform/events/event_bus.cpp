#include "platform/events/event_bus.h"

#include "platform/db/row.h"

#include <spdlog/spdlog.h>

namespace ecity::platform {

EventBus::EventBus(Database& db, std::chrono::milliseconds retention) : db_(db), retention_(retention) {}

EventBus::~EventBus() { stop(); }

void EventBus::subscribe(std::string prefix, Subscriber fn) {
  subscribers_.emplace_back(std::move(prefix), std::move(fn));
}

namespace {

// The outbox INSERT, prepared once per pooled session.
struct OutboxInsert : CachedQuery {
  long long at = 0;
  std::string topic, payload;
  soci::statement st;
  explicit OutboxInsert(soci::session& sql)
      : st((sql.prepare << "INSERT INTO outbox (at, topic, payload) VALUES (:at, :t, :p)", soci::use(at),
            soci::use(topic), soci::use(payload))) {}
};

}  // namespace

void EventBus::publish(Tx& tx, const std::string& topic, const nlohmann::json& payload) {
  auto& q = tx.db.cached<OutboxInsert>(tx.sql, "events.outbox.insert",
                                       [](soci::session& s) { return std::make_unique<OutboxInsert>(s); });
  q.at = now_ms();
  q.topic = topic;
  q.payload = payload.dump();
  q.st.execute(true);
  tx.db.finish(q.st);
  tx.after_commit([this] { wake(); });
}

void EventBus::wake() {
  std::lock_guard lock(mu_);
  pending_ = true;
  cv_.notify_one();
}

void EventBus::start() {
  {
    std::lock_guard lock(mu_);
    stop_ = false;
    pending_ = true;  // deliver what a previous run left
  }
  thread_ = std::thread([this] { run(); });
}

void EventBus::stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    cv_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

void EventBus::run() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      // Wake on publish, or every 5 s to retry events a subscriber failed on.
      cv_.wait_for(lock, std::chrono::seconds(5), [this] { return pending_ || stop_; });
      if (stop_) return;
      pending_ = false;
    }
    try {
      while (deliver_pending() > 0) {
      }
    } catch (const std::exception& e) {
      spdlog::error("event=outbox_delivery_failed error=\"{}\"", e.what());
    }
    const auto now = now_ms();
    if (now - last_prune_ms_ >= 3'600'000) {
      last_prune_ms_ = now;
      try {
        if (int n = prune_delivered(now - retention_.count()); n > 0) spdlog::info("event=outbox_pruned rows={}", n);
      } catch (const std::exception& e) {
        spdlog::warn("event=outbox_prune_failed error=\"{}\"", e.what());
      }
    }
  }
}

int EventBus::prune_delivered(std::int64_t before_ms) {
  long long before = before_ms;
  int n = 0;
  db_.write([&](Tx& tx) {
    soci::statement st = (tx.sql.prepare << "DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < :b",
                          soci::use(before));
    st.execute(true);
    n = static_cast<int>(st.get_affected_rows());
  });
  return n;
}

int EventBus::deliver_pending() {
  std::lock_guard serial(deliver_mu_);
  std::vector<Event> batch;
  db_.read([&](soci::session& sql) {
    soci::rowset<soci::row> rows =
        sql.prepare << "SELECT id, at, topic, payload FROM outbox WHERE delivered_at IS NULL ORDER BY id LIMIT 200";
    for (const auto& r : rows) {
      batch.push_back(
          {get_i64(r, 0), get_i64(r, 1), get_str(r, 2), nlohmann::json::parse(get_str(r, 3), nullptr, false)});
    }
  });
  // Deliver in order; stop at the first event a subscriber fails on (it is retried, and
  // nothing after it overtakes it). Everything delivered before it is marked in one write.
  std::string ids;  // of the delivered events (integers from the database)
  int delivered = 0;
  for (const auto& ev : batch) {
    bool ok = true;
    for (const auto& [prefix, fn] : subscribers_) {
      if (ev.topic.rfind(prefix, 0) != 0) continue;
      try {
        fn(ev);
      } catch (const std::exception& e) {
        ok = false;
        spdlog::warn("event=subscriber_failed topic={} id={} error=\"{}\"", ev.topic, ev.id, e.what());
      }
    }
    if (!ok) break;
    ids += (ids.empty() ? "" : ",") + std::to_string(ev.id);
    ++delivered;
  }
  if (delivered > 0) {
    // By id, not by range: on PostgreSQL an earlier id can commit after a later one, and
    // must not be marked before it was seen.
    // In the next group commit: a transaction of its own after every intake group would
    // double the commits and wait for the write lock against them.
    long long at = now_ms();
    db_.write_grouped(
        [&](Tx& tx) { tx.sql << "UPDATE outbox SET delivered_at = :at WHERE id IN (" + ids + ")", soci::use(at); });
    delivered_.fetch_add(static_cast<std::uint64_t>(delivered));
  }
  return delivered;
}

}  // namespace ecity::platform
