#include "storage/postgresql/idempotency.hpp"

#include <algorithm>

#include "storage/sql/idempotency.hpp"

namespace cunji::storage::pg {

task<std::optional<stored_answer>> find_answer(connection& c, const idempotency_key& k) {
  const auto r = co_await c.query(
      "SELECT request_hash, status, body FROM idempotency_records WHERE account_id = $1 AND endpoint = $2 AND key = $3",
      params(k.caller, k.scope, k.key));
  if (r.rows() == 0) co_return std::nullopt;
  stored_answer a;
  const auto digest = r.bytes(0, 0);
  if (digest.size() != a.digest.size()) throw pg_failure("a stored request digest has the wrong size", "22000");
  std::copy(digest.begin(), digest.end(), a.digest.begin());
  a.status = static_cast<int>(r.i64(0, 1));
  a.body = std::string(r.text(0, 2));
  co_return a;
}

statement claim_statement(const idempotency_key& k, unix_seconds now) {
  return {
      "INSERT INTO idempotency_records (account_id, key_hash, endpoint, key, request_hash, status, body, created_at) "
      "VALUES ($1, $2, $3, $4, $5, 0, '', $6) ON CONFLICT (account_id, endpoint, key) DO NOTHING RETURNING id",
      params(k.caller, idempotency_key_hash(k.scope, k.key), k.scope, k.key, bytea(k.digest), now)};
}

std::optional<std::int64_t> claimed(const row_set& claim) {
  if (claim.rows() == 0) return std::nullopt;
  return claim.i64(0, 0);
}

statement record_statement(std::int64_t record_id, const answer& a) {
  return {"UPDATE idempotency_records SET status = $2, body = $3 WHERE id = $1", params(record_id, a.status, a.body)};
}

task<std::optional<std::int64_t>> claim_key(connection& c, const idempotency_key& k, unix_seconds now) {
  auto st = claim_statement(k, now);
  co_return claimed(co_await c.query(std::move(st.sql), std::move(st.values)));
}

task<void> record_answer(connection& c, std::int64_t record_id, const answer& a) {
  auto st = record_statement(record_id, a);
  co_await c.query(std::move(st.sql), std::move(st.values));
}

}  // namespace cunji::storage::pg
