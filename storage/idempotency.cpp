#include "storage/idempotency.hpp"

#include <sqlite3.h>

#include <cstring>

#include "storage/sqlite.hpp"

namespace cunji::storage {

std::int64_t idempotency_key_hash(std::string_view endpoint, std::string_view key) noexcept {
  // FNV-1a, 64 bits, over endpoint, a NUL (neither holds one) and key. Not a secret: a caller
  // who makes two of their own keys collide only makes their own lookups compare one more row.
  std::uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&h](std::string_view s) {
    for (const unsigned char ch : s) {
      h ^= ch;
      h *= 0x100000001b3ULL;
    }
  };
  mix(endpoint);
  mix(std::string_view("\0", 1));
  mix(key);
  std::int64_t out = 0;
  std::memcpy(&out, &h, sizeof out);
  return out;
}

void register_idempotency_functions(sqlite3* db) {
  const int rc = sqlite3_create_function_v2(
      db, "cunji_key_hash", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
      [](sqlite3_context* ctx, int, sqlite3_value** argv) {
        auto text = [](sqlite3_value* v) {
          const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
          return std::string_view(p ? p : "", static_cast<std::size_t>(sqlite3_value_bytes(v)));
        };
        sqlite3_result_int64(ctx, idempotency_key_hash(text(argv[0]), text(argv[1])));
      },
      nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) throw_sqlite(db, rc, "register cunji_key_hash");
}

std::optional<stored_answer> find_answer(connection& c, const idempotency_scope& s) {
  auto q = c.prepare(
      "SELECT request_hash, status, body FROM idempotency_records "
      "WHERE account_id = ? AND key_hash = ? AND endpoint = ? AND key = ?");
  q.bind_all(s.account_id, idempotency_key_hash(s.endpoint, s.key), s.endpoint, s.key);
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
      "INSERT INTO idempotency_records (account_id, key_hash, endpoint, key, request_hash, status, body, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  q.bind_all(s.account_id, idempotency_key_hash(s.endpoint, s.key), s.endpoint, s.key);
  q.bind_blob(5, a.hash.data(), a.hash.size());
  q.bind(6, a.status).bind(7, a.body).bind(8, now);
  q.run();
}

void purge_expired_answers(connection& c, unix_seconds now) {
  // Records are in the order they were stored, so the expired ones are a run at the front: the
  // subquery walks exactly that run. A record stored with an earlier clock than the one before
  // it only keeps the ones after it a little longer, never shorter than the TTL.
  c.run(
      "DELETE FROM idempotency_records WHERE id < coalesce("
      "(SELECT id FROM idempotency_records WHERE created_at > ? ORDER BY id LIMIT 1), "
      "(SELECT max(id) + 1 FROM idempotency_records))",
      now - idempotency_ttl_s);
}

}  // namespace cunji::storage
