#include "storage/postgresql/pool.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <utility>

namespace cunji::storage::pg {

pool::pool(connection::executor ex, std::string conninfo, std::size_t size, std::chrono::milliseconds connect_timeout)
    : ex_(ex), conninfo_(std::move(conninfo)), size_(size), connect_timeout_(connect_timeout), free_(ex, size) {
  for (std::size_t i = 0; i < size; ++i) free_.try_send(boost::system::error_code{}, nullptr);
}

pool::lease::~lease() {
  if (pool_) pool_->give_back(std::move(c_));
}

void pool::give_back(std::unique_ptr<connection> c) noexcept {
  if (c && !c->reusable()) c.reset();
  // Never full: there are exactly size_ places, and this one was taken.
  free_.try_send(boost::system::error_code{}, std::move(c));
}

task<pool::lease> pool::acquire() {
  auto c = co_await free_.async_receive(boost::asio::use_awaitable);
  if (!c) {
    try {
      c = co_await connection::open(ex_, conninfo_, connect_timeout_);
    } catch (...) {
      give_back(nullptr);
      throw;
    }
  }
  co_return lease(this, std::move(c));
}

}  // namespace cunji::storage::pg
