#pragma once
// The rows and the writer commands of cunji_benchgen's steps (bench/gen_market.cpp).
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/system_executor.hpp>

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "storage/sqlite/database.hpp"

namespace cunji::benchgen {

constexpr int rows_per_command = 10000;

struct region_rows {
  std::vector<std::int64_t> county_ids;
  std::vector<std::int64_t> village_ids;
};

struct orderable {
  std::size_t shop;  // index into the shops (and their farmers)
  std::int64_t listing_id;
};

void write_lines(const std::string& path, const std::vector<std::string>& lines);

// Runs fn(c, i) for every i in [from, to) as one writer command each, submitted all at once,
// and waits for them. The writer groups queued commands into transactions (up to its
// max_batch), each command in its own SAVEPOINT, so every command's journal stays small. The
// commands run one after another on the writer thread in submission order, so random choices
// made inside them are reproducible. Throws on the first failure.
template <class Fn>
void run_each(storage::database& db, std::int64_t from, std::int64_t to, Fn& fn) {
  std::mutex m;
  std::condition_variable cv;
  std::int64_t pending = to - from;
  std::string failure;
  if (pending <= 0) return;
  auto on_done = [&](std::exception_ptr e, result<int> r) {
    std::lock_guard lk(m);
    if (failure.empty()) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& x) {
          failure = x.what();
        }
      } else if (!r) {
        failure = r.err().detail;
      }
    }
    if (--pending == 0) cv.notify_all();
  };
  for (std::int64_t i = from; i < to; ++i)
    db.writer().async_submit([&fn, i](storage::connection& c) -> result<int> { return fn(c, i); },
                             boost::asio::bind_executor(boost::asio::system_executor(), on_done));
  std::unique_lock lk(m);
  cv.wait(lk, [&] { return pending == 0; });
  if (!failure.empty()) throw std::runtime_error(failure);
}

}  // namespace cunji::benchgen
