#include "storage/postgresql/change_feed.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <random>

namespace cunji::storage::pg {

namespace {
constexpr const char* channel = "cunji_changes";
constexpr std::chrono::milliseconds retry_after{200};

std::string random_id() {
  std::random_device rd;
  return std::to_string((static_cast<std::uint64_t>(rd()) << 32) | rd());
}
}  // namespace

change_feed::change_feed(connection::executor ex, std::string conninfo, change_counters& counters,
                         std::chrono::milliseconds connect_timeout)
    : ex_(std::move(ex)),
      conninfo_(std::move(conninfo)),
      counters_(counters),
      connect_timeout_(connect_timeout),
      id_(random_id()) {
  counters_.set_blind(true);
}

void change_feed::start() { boost::asio::co_spawn(ex_, listen(), boost::asio::detached); }

task<void> change_feed::pause(std::chrono::milliseconds d) {
  boost::asio::steady_timer t(ex_, d);
  co_await t.async_wait(boost::asio::use_awaitable);
}

task<void> change_feed::listen() {
  for (;;) {
    try {
      auto c = co_await connection::open(ex_, conninfo_, connect_timeout_);
      co_await c->query(std::string("LISTEN ") + channel);
      // Deaf until now: whatever was cached before may be stale.
      counters_.bump_catalog();
      counters_.bump_search_text();
      counters_.set_blind(false);
      for (;;) {
        for (const auto& from : co_await c->notifications()) {
          if (from == id_) continue;
          ++heard_;
          counters_.bump_catalog();
          counters_.bump_search_text();
        }
      }
    } catch (const std::exception&) {
      // Lost (or never made): blind until listening again.
    }
    counters_.set_blind(true);
    co_await pause(retry_after);
  }
}

void change_feed::committed() {
  wanted_.store(true);
  if (!sending_.exchange(true)) boost::asio::co_spawn(ex_, send(), boost::asio::detached);
}

// One sender at a time (sending_): it sends as long as commits keep asking, then leaves; a
// commit that asked just as it left starts it again (the exchange after the store).
task<void> change_feed::send() {
  auto& c = notifier_;
  for (;;) {
    while (wanted_.exchange(false)) {
      try {
        if (!c || !c->reusable()) {
          c = co_await connection::open(ex_, conninfo_, connect_timeout_);
          // A NOTIFY's transaction takes a transaction id, so its commit would wait for the WAL
          // flush (and a synchronous standby) behind the writes: several ms under load, for a
          // message that needs no durability (a primary lost before the flush takes every
          // listener's connection with it, and they stop serving their caches).
          co_await c->query("SET synchronous_commit = off");
        }
        co_await c->query("SELECT pg_notify($1, $2)", params(channel, id_));
        ++sent_;
      } catch (const std::exception&) {
        // Not sent: the others are down with the database (and blind), or will be told by the
        // next attempt.
        c.reset();
        wanted_.store(true);
      }
      if (!c) co_await pause(retry_after);
    }
    sending_.store(false);
    if (!wanted_.load() || sending_.exchange(true)) co_return;
  }
}

}  // namespace cunji::storage::pg
