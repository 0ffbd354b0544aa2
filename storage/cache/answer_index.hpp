#pragma once
// Where stored answers of idempotent requests are (storage/sql/idempotency.hpp): record ids by
// caller and key hash, kept in memory. Only ever a hint: whoever looks a record up by id
// compares caller, scope and key in full.
#include <cstdint>
#include <deque>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

namespace cunji::storage {

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

}  // namespace cunji::storage
