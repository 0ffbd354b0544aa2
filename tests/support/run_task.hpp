#pragma once
// Runs an awaitable to its end on an io_context driven by `threads` threads, and returns its
// value (or throws its exception): the storage tests' way to call coroutines.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <thread>
#include <vector>

namespace cunji::test {

template <class T>
T run_task(boost::asio::io_context& ioc, boost::asio::awaitable<T> t, int threads = 1) {
  auto done = boost::asio::co_spawn(ioc, std::move(t), boost::asio::use_future);
  ioc.restart();
  std::vector<std::jthread> more;
  for (int i = 1; i < threads; ++i) more.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  more.clear();
  return done.get();
}

}  // namespace cunji::test
