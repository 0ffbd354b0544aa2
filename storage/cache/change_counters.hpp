#pragma once
// Counters of committed changes, for caches of reads. The writer bumps a counter after the
// COMMIT of any batch that may have changed what it stands for, and before it answers any
// command of that batch. So a reader that loads a counter and only then opens its read
// transaction sees at least every change the loaded value stands for, and whatever it computes
// stays current while the counter keeps that value: a cache tags its entries with the value
// loaded BEFORE reading, and serves them only while the counter still has it. Whoever got an
// answer from the writer finds the counter already moved on, so never reads its own write stale.
#include <atomic>
#include <cstdint>

namespace cunji::storage {

class change_counters {
 public:
  // Listings, shops and counties: everything a listing read returns or filters on (fields,
  // stock, visibility, the county's poverty flag, who runs the shop).
  std::uint64_t catalog() const noexcept { return catalog_.load(std::memory_order_acquire); }
  // The indexed search text (title, description) of listings: what relevance scores depend on.
  std::uint64_t search_text() const noexcept { return search_text_.load(std::memory_order_acquire); }

  // Writer side.
  void bump_catalog() noexcept { catalog_.fetch_add(1, std::memory_order_acq_rel); }
  void bump_search_text() noexcept { search_text_.fetch_add(1, std::memory_order_acq_rel); }

 private:
  std::atomic<std::uint64_t> catalog_{1};
  std::atomic<std::uint64_t> search_text_{1};
};

}  // namespace cunji::storage
