#pragma once
// Prometheus text exposition: requests by route and status, request latency, connections,
// the writer's batch sizes, commit latency and WAL syncs, the tries to send refunds, and gzip compression.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace cunji::server {

// The shards of per-thread counters: each thread updates its own (no cache line moves between
// cores on every request); reading sums them.
inline constexpr std::size_t metric_shards = 8;
// This thread's shard, 0..metric_shards-1 (threads take them in turn).
std::size_t metric_shard() noexcept;

// A fixed-bucket histogram safe to update from many threads. Each observation adds to one
// bucket of its thread's shard; the cumulative counts are summed when rendered.
class histogram {
 public:
  explicit histogram(std::vector<double> upper_bounds);
  void observe(double v) noexcept;
  // Appends `name_bucket`, `name_sum` and `name_count` lines.
  void render(std::string& out, std::string_view name) const;
  std::uint64_t count() const noexcept;

 private:
  struct alignas(64) shard {
    std::unique_ptr<std::atomic<std::uint64_t>[]> buckets;  // bounds + 1 (the last: above every bound)
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> sum_micros{0};  // sum in millionths of the unit
  };
  std::vector<double> bounds_;
  std::array<shard, metric_shards> shards_;
};

class metrics {
 public:
  metrics();
  void record_request(std::string_view method, std::string_view route, unsigned status,
                      std::chrono::microseconds elapsed);
  void record_batch(std::size_t size, std::chrono::microseconds commit, bool committed);
  // A sync of the WAL by the syncer thread (sync behind): how long it took, and whether it failed.
  void record_sync(std::chrono::microseconds took, bool ok);
  // A payment provider's notification: "recorded", "repeat", or the check it failed.
  void record_notice(std::string_view provider, std::string_view outcome);
  // A try to send a refund owed: confirmed by the provider, or not (retried later).
  void record_refund_try(bool confirmed) noexcept;
  // A body gzip-compressed (zlib ran): its size before and after.
  void record_compression(std::size_t in, std::size_t out) noexcept;
  // An answer sent gzip-encoded, compressed now or kept compressed in a cache.
  void record_gzip_response() noexcept;
  std::uint64_t compressions() const noexcept { return gzip_compressions_.load(std::memory_order_relaxed); }
  std::string render() const;

  std::atomic<std::int64_t> open_connections{0};
  std::atomic<std::uint64_t> rejected_connections{0};

 private:
  using request_key = std::tuple<std::string, std::string, unsigned>;  // method, route, status
  using request_view = std::tuple<std::string_view, std::string_view, unsigned>;
  // Orders keys and views of keys alike, so that counting a request makes no strings.
  struct request_key_less {
    using is_transparent = void;
    static request_view view(const request_key& k) { return {std::get<0>(k), std::get<1>(k), std::get<2>(k)}; }
    static const request_view& view(const request_view& k) { return k; }
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      return view(a) < view(b);
    }
  };
  struct alignas(64) request_shard {
    mutable std::mutex m;
    std::map<request_key, std::uint64_t, request_key_less> counts;
  };
  std::array<request_shard, metric_shards> requests_;
  mutable std::mutex m_;  // notices_
  std::map<std::pair<std::string, std::string>, std::uint64_t> notices_;
  histogram latency_;
  histogram batch_size_;
  histogram commit_latency_;
  std::atomic<std::uint64_t> failed_batches_{0};
  histogram sync_latency_;
  std::atomic<std::uint64_t> failed_syncs_{0};
  std::atomic<std::uint64_t> refunds_confirmed_{0};
  std::atomic<std::uint64_t> refunds_not_confirmed_{0};
  std::atomic<std::uint64_t> gzip_compressions_{0};
  std::atomic<std::uint64_t> gzip_in_bytes_{0};
  std::atomic<std::uint64_t> gzip_out_bytes_{0};
  std::atomic<std::uint64_t> gzip_responses_{0};
};

}  // namespace cunji::server
