#include "storage/sql/idempotency.hpp"

#include <sqlite3.h>

#include <cstring>
#include <limits>

#include "storage/sqlite/connection.hpp"

namespace cunji::storage {

std::int64_t idempotency_key_hash(std::string_view scope, std::string_view key) noexcept {
  // FNV-1a, 64 bits, over scope, a NUL (neither holds one) and key. Not a secret: a caller
  // who makes two of their own keys collide only makes their own lookups compare one more row.
  std::uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&h](std::string_view s) {
    for (const unsigned char ch : s) {
      h ^= ch;
      h *= 0x100000001b3ULL;
    }
  };
  mix(scope);
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

void load_answer_index(connection& c, answer_index& index) {
  auto q = c.prepare("SELECT id, account_id, key_hash FROM idempotency_records ORDER BY id");
  while (q.step()) index.add(q.i64(1), q.i64(2), q.i64(0));
}

std::optional<stored_answer> find_answer(connection& c, const answer_index& index, const idempotency_key& k) {
  for (const auto id : index.candidates(k.caller, idempotency_key_hash(k.scope, k.key))) {
    auto q = c.prepare(
        "SELECT request_hash, status, body FROM idempotency_records "
        "WHERE id = ? AND account_id = ? AND endpoint = ? AND key = ?");
    q.bind_all(id, k.caller, k.scope, k.key);
    if (!q.step()) continue;  // another caller's or scope's, or rolled back
    stored_answer a;
    const auto h = q.text(0);
    if (h.size() == a.digest.size()) std::memcpy(a.digest.data(), h.data(), h.size());
    a.status = static_cast<int>(q.i64(1));
    a.body = q.str(2);
    return a;
  }
  return std::nullopt;
}

void store_answer(connection& c, answer_index& index, const idempotency_key& k, const answer& a, unix_seconds now) {
  const auto key_hash = idempotency_key_hash(k.scope, k.key);
  auto q = c.prepare(
      "INSERT INTO idempotency_records (account_id, key_hash, endpoint, key, request_hash, status, body, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  q.bind_all(k.caller, key_hash, k.scope, k.key);
  q.bind_blob(5, k.digest.data(), k.digest.size());
  q.bind(6, a.status).bind(7, a.body).bind(8, now);
  q.run();
  // Before the commit: a record is never in the table without being in the index.
  index.add(k.caller, key_hash, c.last_insert_rowid());
}

void purge_expired_answers(connection& c, answer_index& index, unix_seconds now) {
  // First the index forgets what earlier purges deleted: ids below the smallest record there
  // is (all of them if there is none). Only committed deletions show here, so a purge whose
  // transaction fails never takes a record that is still there out of the index.
  {
    auto q = c.prepare("SELECT coalesce(min(id), ?) FROM idempotency_records");
    q.bind(1, std::numeric_limits<std::int64_t>::max());
    if (q.step()) index.forget_below(q.i64(0));
  }
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
