#pragma once
// Runs an awaitable to its end on an io_context driven by `threads` threads, and returns its
// value (or throws its exception): the storage tests' way to call coroutines.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <future>
#include <optional>
#include <thread>
#include <vector>

namespace cunji::test {

namespace detail {
// co_spawn's future needs a default-constructible value; cunji::result<T> is not one.
template <class T>
boost::asio::awaitable<void> store_into(boost::asio::awaitable<T> t, std::optional<T>& out) {
  out.emplace(co_await std::move(t));
}

inline void run_until_done(boost::asio::io_context& ioc, std::future<void> done, int threads) {
  ioc.restart();
  std::vector<std::jthread> more;
  for (int i = 1; i < threads; ++i) more.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  more.clear();
  done.get();
}
}  // namespace detail

inline void run_task(boost::asio::io_context& ioc, boost::asio::awaitable<void> t, int threads = 1) {
  detail::run_until_done(ioc, boost::asio::co_spawn(ioc, std::move(t), boost::asio::use_future), threads);
}

template <class T>
T run_task(boost::asio::io_context& ioc, boost::asio::awaitable<T> t, int threads = 1) {
  std::optional<T> out;
  auto done = boost::asio::co_spawn(ioc, detail::store_into(std::move(t), out), boost::asio::use_future);
  detail::run_until_done(ioc, std::move(done), threads);
  return std::move(*out);
}

}  // namespace cunji::test
