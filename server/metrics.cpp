#include "server/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace cunji::server {

std::size_t metric_shard() noexcept {
  static std::atomic<std::size_t> next{0};
  thread_local const std::size_t mine = next.fetch_add(1, std::memory_order_relaxed) % metric_shards;
  return mine;
}

histogram::histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)) {
  for (auto& s : shards_) {
    s.buckets.reset(new std::atomic<std::uint64_t>[bounds_.size() + 1]);
    for (std::size_t i = 0; i <= bounds_.size(); ++i) s.buckets[i].store(0);
  }
}

void histogram::observe(double v) noexcept {
  std::size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  auto& s = shards_[metric_shard()];
  s.buckets[i].fetch_add(1, std::memory_order_relaxed);
  s.count.fetch_add(1, std::memory_order_relaxed);
  s.sum_micros.fetch_add(static_cast<std::uint64_t>(std::llround(v * 1e6)), std::memory_order_relaxed);
}

std::uint64_t histogram::count() const noexcept {
  std::uint64_t n = 0;
  for (const auto& s : shards_) n += s.count.load(std::memory_order_relaxed);
  return n;
}

void histogram::render(std::string& out, std::string_view name) const {
  std::uint64_t below = 0, sum_micros = 0;
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    for (const auto& s : shards_) below += s.buckets[i].load(std::memory_order_relaxed);
    out += fmt::format("{}_bucket{{le=\"{}\"}} {}\n", name, bounds_[i], below);
  }
  // The count, not the buckets' sum: an observation between the two reads shows in +Inf only.
  const auto n = std::max(count(), below);
  for (const auto& s : shards_) sum_micros += s.sum_micros.load(std::memory_order_relaxed);
  out += fmt::format("{}_bucket{{le=\"+Inf\"}} {}\n", name, n);
  out += fmt::format("{}_sum {}\n", name, static_cast<double>(sum_micros) / 1e6);
  out += fmt::format("{}_count {}\n", name, n);
}

metrics::metrics()
    : latency_({0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}),
      batch_size_({1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024}),
      commit_latency_({0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1}),
      sync_latency_({0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1}) {}

void metrics::record_request(std::string_view method, std::string_view route, unsigned status,
                             std::chrono::microseconds elapsed) {
  latency_.observe(static_cast<double>(elapsed.count()) / 1e6);
  auto& s = requests_[metric_shard()];
  std::lock_guard lk(s.m);
  const request_view key{method, route, status};
  if (const auto it = s.counts.find(key); it != s.counts.end()) ++it->second;
  else s.counts.emplace(request_key{std::string(method), std::string(route), status}, 1);
}

void metrics::record_batch(std::size_t size, std::chrono::microseconds commit, bool committed) {
  batch_size_.observe(static_cast<double>(size));
  commit_latency_.observe(static_cast<double>(commit.count()) / 1e6);
  if (!committed) failed_batches_.fetch_add(1, std::memory_order_relaxed);
}

void metrics::record_sync(std::chrono::microseconds took, bool ok) {
  sync_latency_.observe(static_cast<double>(took.count()) / 1e6);
  if (!ok) failed_syncs_.fetch_add(1, std::memory_order_relaxed);
}

void metrics::record_notice(std::string_view provider, std::string_view outcome) {
  std::lock_guard lk(m_);
  ++notices_[{std::string(provider), std::string(outcome)}];
}

void metrics::record_refund_try(bool confirmed) noexcept {
  (confirmed ? refunds_confirmed_ : refunds_not_confirmed_).fetch_add(1, std::memory_order_relaxed);
}

void metrics::record_compression(std::size_t in, std::size_t out) noexcept {
  gzip_compressions_.fetch_add(1, std::memory_order_relaxed);
  gzip_in_bytes_.fetch_add(in, std::memory_order_relaxed);
  gzip_out_bytes_.fetch_add(out, std::memory_order_relaxed);
}

void metrics::record_gzip_response() noexcept { gzip_responses_.fetch_add(1, std::memory_order_relaxed); }

std::string metrics::render() const {
  std::string out;
  out += "# HELP cunji_http_requests_total HTTP requests by method, route template and status.\n";
  out += "# TYPE cunji_http_requests_total counter\n";
  std::map<request_key, std::uint64_t> requests;
  for (const auto& s : requests_) {
    std::lock_guard lk(s.m);
    for (const auto& [key, n] : s.counts) requests[key] += n;
  }
  for (const auto& [key, n] : requests) {
    const auto& [method, route, status] = key;
    out += fmt::format("cunji_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}\n", method, route,
                       status, n);
  }
  out +=
      "# HELP cunji_payment_notices_total Payment providers' notifications: recorded, repeats, and each failed "
      "check (signature, app_id, seller_id, unknown payment, amount, status, ...).\n";
  out += "# TYPE cunji_payment_notices_total counter\n";
  {
    std::lock_guard lk(m_);
    for (const auto& [key, n] : notices_)
      out += fmt::format("cunji_payment_notices_total{{provider=\"{}\",outcome=\"{}\"}} {}\n", key.first, key.second,
                         n);
  }
  out +=
      "# HELP cunji_refund_tries_total Tries to send a refund owed: confirmed by the provider, or not "
      "(retried later).\n";
  out += "# TYPE cunji_refund_tries_total counter\n";
  out += fmt::format("cunji_refund_tries_total{{outcome=\"confirmed\"}} {}\n", refunds_confirmed_.load());
  out += fmt::format("cunji_refund_tries_total{{outcome=\"not_confirmed\"}} {}\n", refunds_not_confirmed_.load());
  out += "# HELP cunji_http_request_duration_seconds Time from a request's header to its response written.\n";
  out += "# TYPE cunji_http_request_duration_seconds histogram\n";
  latency_.render(out, "cunji_http_request_duration_seconds");
  out += "# HELP cunji_http_open_connections Open client connections.\n";
  out += "# TYPE cunji_http_open_connections gauge\n";
  out += fmt::format("cunji_http_open_connections {}\n", open_connections.load());
  out += "# HELP cunji_http_rejected_connections_total Connections answered 503 because the limit was reached.\n";
  out += "# TYPE cunji_http_rejected_connections_total counter\n";
  out += fmt::format("cunji_http_rejected_connections_total {}\n", rejected_connections.load());
  out += "# HELP cunji_http_gzip_responses_total Answers sent gzip-encoded (compressed then or cached so).\n";
  out += "# TYPE cunji_http_gzip_responses_total counter\n";
  out += fmt::format("cunji_http_gzip_responses_total {}\n", gzip_responses_.load());
  out += "# HELP cunji_http_gzip_compressions_total Bodies gzip-compressed (a cached answer is compressed once).\n";
  out += "# TYPE cunji_http_gzip_compressions_total counter\n";
  out += fmt::format("cunji_http_gzip_compressions_total {}\n", gzip_compressions_.load());
  out += "# HELP cunji_http_gzip_input_bytes_total Bytes of the bodies compressed, before.\n";
  out += "# TYPE cunji_http_gzip_input_bytes_total counter\n";
  out += fmt::format("cunji_http_gzip_input_bytes_total {}\n", gzip_in_bytes_.load());
  out += "# HELP cunji_http_gzip_output_bytes_total Bytes of the bodies compressed, after.\n";
  out += "# TYPE cunji_http_gzip_output_bytes_total counter\n";
  out += fmt::format("cunji_http_gzip_output_bytes_total {}\n", gzip_out_bytes_.load());
  out += "# HELP cunji_writer_batch_size Write commands committed together in one transaction.\n";
  out += "# TYPE cunji_writer_batch_size histogram\n";
  batch_size_.render(out, "cunji_writer_batch_size");
  out +=
      "# HELP cunji_writer_commit_seconds Time from BEGIN to COMMIT of a writer batch, with its fsync only if the COMMIT synced by itself (--sync-behind off, or no command waiting and no batch waiting for the syncer).\n";
  out += "# TYPE cunji_writer_commit_seconds histogram\n";
  commit_latency_.render(out, "cunji_writer_commit_seconds");
  out += "# HELP cunji_writer_failed_batches_total Writer batches whose transaction failed.\n";
  out += "# TYPE cunji_writer_failed_batches_total counter\n";
  out += fmt::format("cunji_writer_failed_batches_total {}\n", failed_batches_.load());
  out +=
      "# HELP cunji_writer_sync_seconds Time of one fsync of the WAL by the syncer thread, for every batch committed since the last (sync behind).\n";
  out += "# TYPE cunji_writer_sync_seconds histogram\n";
  sync_latency_.render(out, "cunji_writer_sync_seconds");
  out +=
      "# HELP cunji_writer_failed_syncs_total Syncs of the WAL by the syncer thread that failed (their commands answered 503).\n";
  out += "# TYPE cunji_writer_failed_syncs_total counter\n";
  out += fmt::format("cunji_writer_failed_syncs_total {}\n", failed_syncs_.load());
  return out;
}

}  // namespace cunji::server
