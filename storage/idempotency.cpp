#include "storage/idempotency.hpp"

#include <cstring>

#include "storage/sqlite.hpp"

namespace cunji::storage {

std::optional<stored_answer> find_answer(connection& c, const idempotency_scope& s) {
  auto q = c.prepare(
      "SELECT request_hash, status, body FROM idempotency_keys WHERE account_id = ? AND endpoint = ? AND key = ?");
  q.bind_all(s.account_id, s.endpoint, s.key);
  if (!q.step()) return std::nullopt;
  stored_answer a;
  const auto h = q.text(0);
  if (h.size() == a.hash.size()) std::memcpy(a.hash.data(), h.data(), h.size());
  a.status = static_cast<int>(q.i64(1));
  a.body = q.str(2);
  return a;
}

void store_answer(connection& c, const idempotency_scope& s, const stored_answer& a, unix_seconds now) {
  auto q = c.prepare(
      "INSERT INTO idempotency_keys (account_id, endpoint, key, request_hash, status, body, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)");
  q.bind_all(s.account_id, s.endpoint, s.key);
  q.bind_blob(4, a.hash.data(), a.hash.size());
  q.bind(5, a.status).bind(6, a.body).bind(7, now);
  q.run();
}

}  // namespace cunji::storage
