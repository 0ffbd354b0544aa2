#pragma once
// writer::submit_sync: the blocking form for command-line tools and tests.
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/system_executor.hpp>
#include <future>
#include <memory>

namespace cunji::storage {

template <class Fn>
auto writer::submit_sync(Fn fn) -> std::invoke_result_t<Fn&, connection&> {
  using R = std::invoke_result_t<Fn&, connection&>;
  // The handler owns the promise: set_value wakes this thread, which may return (destroying
  // its future) before set_value has finished with the shared state; the handler's reference
  // keeps that state alive until it is done.
  auto p = std::make_shared<std::promise<R>>();
  auto f = p->get_future();
  async_submit(std::move(fn),
               boost::asio::bind_executor(boost::asio::system_executor(), [p](std::exception_ptr e, R r) {
                 if (e) p->set_exception(e);
                 else p->set_value(std::move(r));
               }));
  return f.get();
}

}  // namespace cunji::storage
