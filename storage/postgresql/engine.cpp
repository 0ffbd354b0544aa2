#include "storage/postgresql/engine.hpp"

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <random>

namespace cunji::storage::pg {

std::int64_t retry_jitter(int attempt) {
  thread_local std::minstd_rand random{std::random_device{}()};
  const std::int64_t ceiling = std::int64_t{1000} << std::min(attempt, 10);
  return std::uniform_int_distribution<std::int64_t>(ceiling / 4, ceiling)(random);
}

task<void> pause_for(std::chrono::microseconds d) {
  boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, d);
  co_await t.async_wait(boost::asio::use_awaitable);
}

}  // namespace cunji::storage::pg
