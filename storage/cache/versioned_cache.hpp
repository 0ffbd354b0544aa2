#pragma once
// A thread-safe cache of immutable values by string key, every entry tagged with the value of
// a change counter (storage/cache/change_counters.hpp) loaded before the value was read. It serves an
// entry only to a caller that loaded the same counter value; the first caller with a newer
// value drops every entry at once, and values computed under an older one are not stored.
// Bounded by a byte budget, least recently used first out.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace cunji::storage {

template <class V>
class versioned_cache {
 public:
  explicit versioned_cache(std::size_t budget_bytes) : budget_(budget_bytes) {}
  versioned_cache(const versioned_cache&) = delete;
  versioned_cache& operator=(const versioned_cache&) = delete;

  // The entry for `key` stored under counter value `version`, or null.
  std::shared_ptr<const V> find(std::string_view key, std::uint64_t version) {
    std::list<item> dropped;  // freed after the lock is released
    std::lock_guard lk(m_);
    if (version != version_) {
      if (version > version_) reset(version, dropped);
      ++misses_;
      return nullptr;
    }
    const auto it = index_.find(key);
    if (it == index_.end()) {
      ++misses_;
      return nullptr;
    }
    lru_.splice(lru_.begin(), lru_, it->second);
    ++hits_;
    return it->second->value;
  }

  // Stores `value` (about `bytes` of memory) for `key`, computed after loading `version`.
  void store(std::string key, std::uint64_t version, std::shared_ptr<const V> value, std::size_t bytes) {
    bytes += key.size() + sizeof(item) + 4 * sizeof(void*);  // the key, the node, the index slot
    std::list<item> dropped;                                 // freed after the lock is released
    std::lock_guard lk(m_);
    if (version < version_ || bytes > budget_) return;
    if (version > version_) reset(version, dropped);
    if (const auto it = index_.find(key); it != index_.end()) {
      bytes_ -= it->second->bytes;
      dropped.splice(dropped.end(), lru_, it->second);
      index_.erase(it);
    }
    lru_.push_front(item{std::move(key), std::move(value), bytes});
    index_.emplace(std::string_view(lru_.front().key), lru_.begin());
    bytes_ += bytes;
    while (bytes_ > budget_) {
      auto& last = lru_.back();
      bytes_ -= last.bytes;
      index_.erase(std::string_view(last.key));
      dropped.splice(dropped.end(), lru_, std::prev(lru_.end()));
    }
  }

  struct stats {
    std::size_t entries, bytes;
    std::uint64_t hits, misses;
  };
  stats counts() const {
    std::lock_guard lk(m_);
    return {index_.size(), bytes_, hits_, misses_};
  }

 private:
  struct item {
    std::string key;
    std::shared_ptr<const V> value;
    std::size_t bytes;
  };

  void reset(std::uint64_t version, std::list<item>& dropped) {
    index_.clear();
    dropped.splice(dropped.end(), lru_);
    bytes_ = 0;
    version_ = version;
  }

  const std::size_t budget_;
  mutable std::mutex m_;
  std::list<item> lru_;                                                             // most recently used first
  std::unordered_map<std::string_view, typename std::list<item>::iterator> index_;  // keys point into lru_
  std::uint64_t version_ = 0;
  std::size_t bytes_ = 0;
  std::uint64_t hits_ = 0, misses_ = 0;
};

// Prometheus lines of a cache's counts: name_hits_total, name_misses_total, name_entries,
// name_bytes.
template <class Stats>
void append_cache_metrics(std::string& out, const std::string& name, const Stats& s) {
  auto line = [&](const char* suffix, const char* type, auto v) {
    out += "# TYPE " + name + suffix + " " + type + "\n" + name + suffix + " " + std::to_string(v) + "\n";
  };
  line("_hits_total", "counter", s.hits);
  line("_misses_total", "counter", s.misses);
  line("_entries", "gauge", s.entries);
  line("_bytes", "gauge", s.bytes);
}

}  // namespace cunji::storage
