#pragma once
// Stored answers of idempotent requests on PostgreSQL (table idempotency_records); the runner
// of an idempotent write is engine::idempotent (storage/postgresql/engine.hpp). The key
// (caller, scope, key) is UNIQUE in the table and is claimed by an INSERT … ON CONFLICT DO NOTHING in the same
// transaction as the work: a concurrent duplicate waits on the unique index until the first commits, then finds the key
// taken and replays the first answer; if the first rolls back, the duplicate does the work.
// No index in memory (the SQLite engine's answer index is for its single writer).
#include <functional>
#include <optional>

#include "storage/common.hpp"
#include "storage/postgresql/connection.hpp"
#include "storage/postgresql/pg_failure.hpp"

namespace cunji::storage::pg {

struct stored_answer {
  request_digest digest{};
  int status = 0;
  std::string body;
};

task<std::optional<stored_answer>> find_answer(connection& c, const idempotency_key& k);
// Claims the key for this transaction with an empty answer: its record id, or nullopt if the
// key was taken (by a transaction that has committed: a running one is waited for; under
// SERIALIZABLE one that committed after this transaction began fails it with 40001 instead).
task<std::optional<std::int64_t>> claim_key(connection& c, const idempotency_key& k, unix_seconds now);
task<void> record_answer(connection& c, std::int64_t record_id, const answer& a);
// The same as statements, for a pipeline: the claim, what its rows say, and the record.
statement claim_statement(const idempotency_key& k, unix_seconds now);
std::optional<std::int64_t> claimed(const row_set& claim);
statement record_statement(std::int64_t record_id, const answer& a);

// The answer a stored one gives to `key`: itself (replayed), or idempotency_key_reused if the
// body differs.
template <class T>
answer replay(const stored_answer& a, const idempotency_key& key, const renderer<T>& render) {
  if (a.digest != key.digest)
    return render(error{errc::idempotency_key_reused, "This Idempotency-Key was used with a different request body."});
  return answer{a.status, a.body, true};
}

// A use case's work inside an idempotent write's transaction (engine::idempotent).
template <class T>
using work_fn = std::function<task<result<T>>(connection&)>;

}  // namespace cunji::storage::pg
