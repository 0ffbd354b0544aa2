#pragma once
// Stored answers of idempotent requests on PostgreSQL (table idempotency_records), and the
// runner of an idempotent write. The key (caller, scope, key) is UNIQUE in the table and is
// claimed by an INSERT … ON CONFLICT DO NOTHING in the same transaction as the work: a
// concurrent duplicate waits on the unique index until the first commits, then finds the key
// taken and replays the first answer; if the first rolls back, the duplicate does the work.
// No index in memory (the SQLite engine's answer index is for its single writer).
#include <functional>
#include <optional>

#include "storage/common.hpp"
#include "storage/postgresql/connection.hpp"
#include "storage/postgresql/pg_failure.hpp"
#include "storage/postgresql/pool.hpp"

namespace cunji::storage::pg {

struct stored_answer {
  request_digest digest{};
  int status = 0;
  std::string body;
};

task<std::optional<stored_answer>> find_answer(connection& c, const idempotency_key& k);
// Claims the key for this transaction with an empty answer: its record id, or nullopt if the
// key was taken (by a transaction that has committed: a running one is waited for).
task<std::optional<std::int64_t>> claim_key(connection& c, const idempotency_key& k, unix_seconds now);
task<void> record_answer(connection& c, std::int64_t record_id, const answer& a);

// The answer a stored one gives to `key`: itself (replayed), or idempotency_key_reused if the
// body differs.
template <class T>
answer replay(const stored_answer& a, const idempotency_key& key, const renderer<T>& render) {
  if (a.digest != key.digest)
    return render(error{errc::idempotency_key_reused, "This Idempotency-Key was used with a different request body."});
  return answer{a.status, a.body, true};
}

// A use case's work inside the write's transaction.
template <class T>
using work_fn = std::function<task<result<T>>(connection&)>;

// The answer to an idempotent write: a stored one for a repeat of `key`, else `work` run in
// one transaction on a connection of `p` (a failed outcome rolls the work back to a savepoint
// and keeps the key's record), its outcome rendered and stored under the key unless it is a
// 5xx. A serialization failure or deadlock reported by PostgreSQL runs the whole write again
// (at most 3 times). A lost connection is thrown as pg_failure (503): whether a COMMIT in
// flight took effect is unknown, and the client's retry with the same key settles it.
template <class T>
task<answer> idempotent(pool& p, std::optional<idempotency_key> key, work_fn<T> work, renderer<T> render,
                        unix_seconds now) {
  auto c = co_await p.acquire();
  if (key) {
    if (auto stored = co_await find_answer(*c, *key)) co_return replay(*stored, *key, render);
  }
  for (int attempt = 1;; ++attempt) {
    bool again = false;
    try {
      co_await c->query("BEGIN");
      std::optional<std::int64_t> record;
      if (key) {
        record = co_await claim_key(*c, *key, now);
        if (!record) {  // a duplicate committed first: its answer
          co_await c->query("ROLLBACK");
          auto stored = co_await find_answer(*c, *key);
          if (!stored) throw pg_failure("an idempotency record vanished", "22000");
          co_return replay(*stored, *key, render);
        }
      }
      co_await c->query("SAVEPOINT work");
      auto outcome = co_await work(*c);
      if (!outcome.ok()) co_await c->query("ROLLBACK TO SAVEPOINT work");
      auto a = render(outcome);
      if (a.status >= 500) {
        co_await c->query("ROLLBACK");
        co_return a;
      }
      if (record) co_await record_answer(*c, *record, a);
      co_await c->query("COMMIT");
      co_return a;
    } catch (const pg_failure& e) {
      const bool retryable = e.sqlstate() == "40001" || e.sqlstate() == "40P01";
      if (!retryable || attempt == 3 || !c->connected()) throw;
      again = true;
    }
    if (again) co_await c->query("ROLLBACK");
  }
}

}  // namespace cunji::storage::pg
