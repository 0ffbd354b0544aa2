#pragma once
// How servers on one database tell each other of their writes, so that their read caches
// (storage/cache/change_counters.hpp) stay exact. Each server LISTENs on a connection of its
// own. After its writes commit it sends a NOTIFY from another connection of its own, never
// inside the writes' transactions (a NOTIFY makes every committing transaction wait on one
// lock). Notifications are coalesced: while one is being sent, any number of commits make one
// more. A server that hears another's notification moves its counters. While its LISTEN
// connection is down it is blind (no cache entry is served), and once it listens again it moves
// its counters before it sees anything through them again.
//
// The guarantee: a write acknowledged by one server is seen by another server's cached reads
// once the notification has travelled (after the writer's COMMIT, one NOTIFY and one delivery),
// and at once by the writer's own cached reads.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "storage/cache/change_counters.hpp"
#include "storage/common.hpp"
#include "storage/postgresql/connection.hpp"

namespace cunji::storage::pg {

class change_feed {
 public:
  // `counters` start blind until the first LISTEN succeeds.
  change_feed(connection::executor ex, std::string conninfo, change_counters& counters,
              std::chrono::milliseconds connect_timeout);

  // Starts listening (and reconnecting whenever the connection is lost) on `ex`.
  void start();
  // After a commit of this server's, from any thread: other servers will hear of it.
  void committed();

  // Notifications sent and heard, for /metrics.
  std::uint64_t sent() const noexcept { return sent_.load(); }
  std::uint64_t heard() const noexcept { return heard_.load(); }

 private:
  task<void> listen();
  task<void> send();
  task<void> pause(std::chrono::milliseconds d);

  connection::executor ex_;
  std::string conninfo_;
  change_counters& counters_;
  std::chrono::milliseconds connect_timeout_;
  std::string id_;  // this server's: its own notifications are not news to it
  std::atomic<bool> wanted_{false}, sending_{false};
  // The sender's connection, kept between bursts of commits (only the one sender uses it): a
  // new connection per burst costs PostgreSQL a new backend process each time.
  std::unique_ptr<connection> notifier_;
  std::atomic<std::uint64_t> sent_{0}, heard_{0};
};

}  // namespace cunji::storage::pg
