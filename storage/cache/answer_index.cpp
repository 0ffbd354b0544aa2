#include "storage/cache/answer_index.hpp"

namespace cunji::storage {

std::uint64_t answer_index::slot(std::int64_t account_id, std::int64_t key_hash) noexcept {
  return static_cast<std::uint64_t>(key_hash) ^ (static_cast<std::uint64_t>(account_id) * 0x9e3779b97f4a7c15ULL);
}

void answer_index::add(std::int64_t account_id, std::int64_t key_hash, std::int64_t id) {
  const auto s = slot(account_id, key_hash);
  std::lock_guard lk(m_);
  ids_.emplace(s, id);
  added_.emplace_back(id, s);
}

std::vector<std::int64_t> answer_index::candidates(std::int64_t account_id, std::int64_t key_hash) const {
  const auto s = slot(account_id, key_hash);
  std::lock_guard lk(m_);
  std::vector<std::int64_t> out;
  const auto [b, e] = ids_.equal_range(s);
  for (auto it = b; it != e; ++it) out.push_back(it->second);
  return out;
}

void answer_index::forget_below(std::int64_t id) {
  std::lock_guard lk(m_);
  // Ids were added in increasing order, except that one reused after a rollback may repeat an
  // earlier one; either way everything below `id` is at the front.
  while (!added_.empty() && added_.front().first < id) {
    const auto [old_id, s] = added_.front();
    added_.pop_front();
    const auto [b, e] = ids_.equal_range(s);
    for (auto it = b; it != e; ++it)
      if (it->second == old_id) {
        ids_.erase(it);
        break;
      }
  }
}

std::size_t answer_index::size() const {
  std::lock_guard lk(m_);
  return ids_.size();
}

}  // namespace cunji::storage
