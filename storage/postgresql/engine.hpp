#pragma once
// How the PostgreSQL engine's use cases reach the database: a connection of the pool for the
// time of one use case, and the transaction it needs.
//
// Writes run SERIALIZABLE by default: PostgreSQL fails (40001) any transaction whose outcome no
// one-at-a-time order of the transactions could give, and the write is run again. So a use case
// may read and then write, as under SQLite's single writer, without locking rows by hand. The
// hot paths that many clients run on the same rows (orders taking stock) use READ COMMITTED
// with conditional UPDATEs instead, where such conflicts would be retried over and over.
#include <functional>
#include <optional>

#include "storage/cache/change_counters.hpp"
#include "storage/common.hpp"
#include "storage/postgresql/change_feed.hpp"
#include "storage/postgresql/connection.hpp"
#include "storage/postgresql/idempotency.hpp"
#include "storage/postgresql/pg_failure.hpp"
#include "storage/postgresql/pool.hpp"

namespace cunji::storage::pg {

enum class isolation { read_committed, serializable };

// Whether a failed write may simply be run again: PostgreSQL chose it as the victim of a
// serialization failure or a deadlock, and rolled it back. SERIALIZABLE also fails transactions
// that only touched the same index pages, so a write is run again up to write_attempts times.
inline bool run_again(const pg_failure& e) { return e.sqlstate() == "40001" || e.sqlstate() == "40P01"; }
inline constexpr int write_attempts = 8;
// A random wait before attempt + 1, in microseconds: up to 2^attempt ms.
std::int64_t retry_jitter(int attempt);
task<void> pause_for(std::chrono::microseconds d);

template <class R>
using use_fn = std::function<task<R>(connection&)>;

class engine {
 public:
  // With `changes`, every committed write bumps its counters (before the write's caller hears
  // of it): a write does not say which tables it touched, so a cache of this server's reads is
  // never stale, at the price of misses after writes that changed nothing it holds.
  // With `feed`, other servers on the database hear of every committed write too.
  explicit engine(pool& p, change_counters* changes = nullptr, change_feed* feed = nullptr) noexcept
      : pool_(p), changes_(changes), feed_(feed) {}

  // `fn` on a connection, without a transaction of its own: one statement, or several that
  // need no common snapshot.
  template <class R>
  task<R> read(use_fn<R> fn) {
    auto c = co_await pool_.acquire();
    co_return co_await fn(*c);
  }

  // `fn` in one read-only transaction: all its statements see the same snapshot. Its BEGIN goes
  // with fn's first statement, in the same round trip.
  template <class R>
  task<R> snapshot(use_fn<R> fn) {
    auto c = co_await pool_.acquire();
    c->defer("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    std::optional<R> out;
    try {
      out.emplace(co_await fn(*c));
    } catch (...) {
      c->drop_deferred();  // the connection goes back to the pool without a BEGIN pending
      throw;
    }
    if (!c->drop_deferred()) co_await c->query("COMMIT");
    co_return std::move(*out);
  }

  // `fn` in one transaction, committed when it returns (whatever it returns: a use case that
  // refuses after writing, such as a counted wrong pickup code, keeps what it wrote), rolled
  // back when it throws. Run again on a serialization failure or deadlock, up to
  // write_attempts times.
  template <class R>
  task<R> write(use_fn<R> fn, isolation level = isolation::serializable) {
    auto c = co_await pool_.acquire();
    for (int attempt = 1;; ++attempt) {
      try {
        co_await c->query(begin(level));
        auto out = co_await fn(*c);
        co_await commit(*c);
        co_return out;
      } catch (const pg_failure& e) {
        if (!run_again(e) || attempt == write_attempts || !c->connected()) throw;
      }
      co_await start_over(*c, attempt);
    }
  }

  // The answer to an idempotent write: a stored one for a repeat of `key`, else `work` run in
  // one transaction (a failed outcome rolls the work back to a savepoint and keeps the key's
  // record), its outcome rendered and stored under the key unless it is a 5xx. The key is
  // claimed in the same transaction (storage/postgresql/idempotency.hpp), so concurrent
  // duplicates make one write. Run again as write() is. A lost connection is thrown as
  // pg_failure (503): whether a COMMIT in flight took effect is unknown, and the client's retry
  // with the same key settles it. Two round trips besides the work's own: BEGIN with the claim
  // and the savepoint, then the stored answer with COMMIT (pipelines).
  template <class T>
  task<answer> idempotent(std::optional<idempotency_key> key, work_fn<T> work, renderer<T> render, unix_seconds now,
                          isolation level = isolation::serializable);

 private:
  void committed() {
    if (changes_) {
      changes_->bump_catalog();
      changes_->bump_search_text();
    }
    if (feed_) feed_->committed();
  }
  // COMMIT, then the caches and the feed hear of it. They hear of it too when the outcome is
  // unknown (the connection lost during COMMIT, or a COMMIT that may be on no synchronous
  // standby, which throws here): a needless miss is better than a stale answer. The unknown
  // outcome is thrown as "unavailable" (503): the client's retry with its Idempotency-Key finds
  // the stored answer if the write stayed, or writes it again if it did not (the primary was
  // lost before the standby had it).
  task<void> commit(connection& c, std::vector<statement> before = {}) {
    bool replicated = false;
    try {
      replicated = co_await c.commit(std::move(before));
    } catch (const pg_failure&) {
      committed();
      throw;
    }
    committed();
    if (!replicated)
      throw pg_failure("PostgreSQL: the commit's wait for a synchronous standby was cancelled; it may be on no standby",
                       "");
  }
  // Ends the failed attempt's transaction (a failed COMMIT has ended it already) and waits a
  // random while, longer after each attempt, so that the transactions that failed each other
  // do not meet again at once.
  static task<void> start_over(connection& c, int attempt) {
    if (c.in_transaction()) co_await c.query("ROLLBACK");
    co_await pause_for(std::chrono::microseconds(retry_jitter(attempt)));
  }
  static const char* begin(isolation level) noexcept {
    return level == isolation::serializable ? "BEGIN ISOLATION LEVEL SERIALIZABLE" : "BEGIN";
  }
  pool& pool_;
  change_counters* changes_;
  change_feed* feed_;
};

template <class T>
task<answer> engine::idempotent(std::optional<idempotency_key> key, work_fn<T> work, renderer<T> render,
                                unix_seconds now, isolation level) {
  auto c = co_await pool_.acquire();
  for (int attempt = 1;; ++attempt) {
    try {
      // BEGIN, the key's claim and the work's savepoint: one round trip.
      std::vector<statement> start{{begin(level), {}}};
      if (key) start.push_back(claim_statement(*key, now));
      start.push_back({"SAVEPOINT work", {}});
      const auto started = co_await c->pipeline(std::move(start));
      std::optional<std::int64_t> record;
      if (key) {
        record = claimed(started[1]);
        if (!record) {  // a duplicate committed first: its answer
          co_await c->query("ROLLBACK");
          auto stored = co_await find_answer(*c, *key);
          if (!stored) throw pg_failure("an idempotency record vanished", "22000");
          co_return replay(*stored, *key, render);
        }
      }
      auto outcome = co_await work(*c);
      auto a = render(outcome);
      if (a.status >= 500) {
        co_await c->query("ROLLBACK");
        co_return a;
      }
      // A failed outcome's writes undone, the answer stored, COMMIT: one round trip.
      std::vector<statement> end;
      if (!outcome.ok()) end.push_back({"ROLLBACK TO SAVEPOINT work", {}});
      if (record) end.push_back(record_statement(*record, a));
      co_await commit(*c, std::move(end));
      co_return a;
    } catch (const pg_failure& e) {
      if (!run_again(e) || attempt == write_attempts || !c->connected()) throw;
    }
    co_await start_over(*c, attempt);
  }
}

}  // namespace cunji::storage::pg
