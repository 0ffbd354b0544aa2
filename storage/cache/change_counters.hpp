#pragma once
// Counters of committed changes, for caches of reads. The writer bumps a counter after the
// COMMIT of any batch that may have changed what it stands for, and before it answers any
// command of that batch. So a reader that loads a counter and only then opens its read
// transaction sees at least every change the loaded value stands for, and whatever it computes
// stays current while the counter keeps that value: a cache tags its entries with the value
// loaded BEFORE reading, and serves them only while the counter still has it. Whoever got an
// answer from the writer finds the counter already moved on, so never reads its own write stale.
//
// While the store cannot hear of other servers' writes (the PostgreSQL engine's LISTEN
// connection is down: storage/postgresql/change_feed.hpp), set_blind(true) makes every load a
// new value, so that no cache entry is ever served: each read goes to the database.
#include <atomic>
#include <cstdint>

namespace cunji::storage {

class change_counters {
 public:
  // Listings, shops and counties: everything a listing read returns or filters on (fields,
  // stock, visibility, the county's poverty flag, who runs the shop).
  std::uint64_t catalog() const noexcept { return load(catalog_); }
  // The indexed search text (title, description) of listings: what relevance scores depend on.
  std::uint64_t search_text() const noexcept { return load(search_text_); }

  void set_blind(bool blind) noexcept { blind_.store(blind, std::memory_order_release); }
  bool blind() const noexcept { return blind_.load(std::memory_order_acquire); }

  // Writer side.
  void bump_catalog() noexcept { catalog_.fetch_add(1, std::memory_order_acq_rel); }
  void bump_search_text() noexcept { search_text_.fetch_add(1, std::memory_order_acq_rel); }

 private:
  std::uint64_t load(std::atomic<std::uint64_t>& counter) const noexcept {
    if (blind_.load(std::memory_order_acquire)) return counter.fetch_add(1, std::memory_order_acq_rel) + 1;
    return counter.load(std::memory_order_acquire);
  }
  std::atomic<bool> blind_{false};
  mutable std::atomic<std::uint64_t> catalog_{1};
  mutable std::atomic<std::uint64_t> search_text_{1};
};

}  // namespace cunji::storage
