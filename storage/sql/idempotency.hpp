#pragma once
// Stored answers of idempotent requests (table idempotency_records, append-only) and the
// in-memory index that finds them.
//
// Why in memory: the lookup key (caller, scope, client-chosen key) is random, so any b-tree
// index on it takes a write at a random leaf for every stored answer: one of the few scattered
// pages each order placement writes (migrations 0005 and 0006 say more). The index here maps
// a 64-bit hash of the key to record ids. It is only ever a hint: find_answer reads the record
// by id and compares caller, scope and key in full, so an id left behind by a rolled-back
// insert, a rowid reused since, or a hash collision never returns another request's answer.
// What must never happen is a stored record missing from the index (a replay would then run
// twice), and it cannot: every insert adds its id before its transaction commits, and opening
// the database loads every record there is. Cost: about 50 bytes of heap per answer stored in
// the last 48 hours, and reading them at open (docs/adr/0003-in-memory-answer-index.md).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"
#include "storage/cache/answer_index.hpp"
#include "storage/common.hpp"

struct sqlite3;

namespace cunji::storage {

class connection;

// An answer as stored, with the digest of the request that got it.
struct stored_answer {
  request_digest digest{};
  int status = 0;
  std::string body;
};

// An index of every record in the table (at open, before the writer starts).
void load_answer_index(connection& c, answer_index& index);

std::optional<stored_answer> find_answer(connection& c, const answer_index& index, const idempotency_key& k);
void store_answer(connection& c, answer_index& index, const idempotency_key& k, const answer& a, unix_seconds now);
// Deletes the records older than idempotency_ttl_s (the writer's maintenance, inside its
// transaction); the index forgets them at the next purge, once the deletion is committed.
void purge_expired_answers(connection& c, answer_index& index, unix_seconds now);

// The lookup hash of a record (idempotency_records.key_hash): 64 bits of scope and key.
std::int64_t idempotency_key_hash(std::string_view scope, std::string_view key) noexcept;
// Registers it as the SQL function cunji_key_hash(endpoint, key) (migrate() does, for 0005).
void register_idempotency_functions(sqlite3* db);

// Keys are kept at least this long (and purged by the writer's maintenance after it).
inline constexpr std::int64_t idempotency_ttl_s = 48 * 3600;

}  // namespace cunji::storage
