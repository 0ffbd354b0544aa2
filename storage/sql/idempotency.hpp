#pragma once
// Stored answers of idempotent requests (table idempotency_records, append-only) and the
// in-memory index that finds them.
//
// Why in memory: the lookup key (caller, endpoint, client-chosen key) is random, so any b-tree
// index on it takes a write at a random leaf for every stored answer: one of the few scattered
// pages each order placement writes (migrations 0005 and 0006 say more). The index here maps
// a 64-bit hash of the key to record ids. It is only ever a hint: find_answer reads the record
// by id and compares caller, endpoint and key in full, so an id left behind by a rolled-back
// insert, a rowid reused since, or a hash collision never returns another request's answer.
// What must never happen is a stored record missing from the index (a replay would then run
// twice), and it cannot: every insert adds its id before its transaction commits, and opening
// the database loads every record there is. Cost: about 50 bytes of heap per answer stored in
// the last 48 hours (1,000,000 entries measured at 49 bytes each with glibc's mallinfo2; the
// server now allocates with tcmalloc, not measured there), and reading them at open.
#include <array>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/time.hpp"

struct sqlite3;

namespace cunji::storage {

class connection;

using request_hash = std::array<unsigned char, 32>;

struct idempotency_scope {
  std::int64_t account_id = 0;
  std::string endpoint;  // "POST /v1/orders/17/pay"
  std::string key;
};

struct stored_answer {
  request_hash hash{};
  int status = 0;
  std::string body;
};

// Record ids by caller and key hash. Thread-safe: the writer adds and forgets, readers look up.
class answer_index {
 public:
  void add(std::int64_t account_id, std::int64_t key_hash, std::int64_t id);
  std::vector<std::int64_t> candidates(std::int64_t account_id, std::int64_t key_hash) const;
  // Forgets every id below `id` (no record there has one).
  void forget_below(std::int64_t id);
  std::size_t size() const;

 private:
  mutable std::mutex m_;
  // The caller is mixed into the map's key, so that callers using the same keys (1, 2, 3...)
  // do not share candidate lists.
  static std::uint64_t slot(std::int64_t account_id, std::int64_t key_hash) noexcept;
  std::unordered_multimap<std::uint64_t, std::int64_t> ids_;  // slot -> record id
  std::deque<std::pair<std::int64_t, std::uint64_t>> added_;  // (id, slot) in insertion order
};

// An index of every record in the table (at open, before the writer starts).
void load_answer_index(connection& c, answer_index& index);

std::optional<stored_answer> find_answer(connection& c, const answer_index& index, const idempotency_scope& s);
void store_answer(connection& c, answer_index& index, const idempotency_scope& s, const stored_answer& a,
                  unix_seconds now);
// Deletes the records older than idempotency_ttl_s (the writer's maintenance, inside its
// transaction); the index forgets them at the next purge, once the deletion is committed.
void purge_expired_answers(connection& c, answer_index& index, unix_seconds now);

// The lookup hash of a record (idempotency_records.key_hash): 64 bits of endpoint and key.
std::int64_t idempotency_key_hash(std::string_view endpoint, std::string_view key) noexcept;
// Registers it as the SQL function cunji_key_hash(endpoint, key) (migrate() does, for 0005).
void register_idempotency_functions(sqlite3* db);

// Keys are kept at least this long (and purged by the writer's maintenance after it).
inline constexpr std::int64_t idempotency_ttl_s = 48 * 3600;

}  // namespace cunji::storage
