#pragma once
// A fixed number of PostgreSQL connections shared by the coroutines of one server. A lease is
// one connection for one coroutine; it goes back to the pool when the lease ends, or is closed
// if it cannot take another statement (lost, or left inside a transaction), and its place is
// filled by a new connection when next needed. Connections are opened on first use, so a
// server starts while its database is down and reconnects by itself when it comes back.
// Waiters are served first come, first served. Safe to use from several threads.
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>

#include "storage/postgresql/connection.hpp"

namespace cunji::storage::pg {

class pool {
 public:
  pool(connection::executor ex, std::string conninfo, std::size_t size,
       std::chrono::milliseconds connect_timeout = std::chrono::seconds(10));

  class lease {
   public:
    lease(lease&& other) noexcept : pool_(std::exchange(other.pool_, nullptr)), c_(std::move(other.c_)) {}
    lease& operator=(lease&&) = delete;
    ~lease();
    connection& operator*() const noexcept { return *c_; }
    connection* operator->() const noexcept { return c_.get(); }

   private:
    friend class pool;
    lease(pool* p, std::unique_ptr<connection> c) noexcept : pool_(p), c_(std::move(c)) {}
    pool* pool_;
    std::unique_ptr<connection> c_;
  };

  // A connection, once one is free (opening it if its place is empty). Throws pg_failure if
  // the database cannot be reached; the place stays free for the next attempt.
  task<lease> acquire();

  std::size_t size() const noexcept { return size_; }

 private:
  // Holds the free places: an idle connection, or nullptr for a place with none open.
  using places =
      boost::asio::experimental::concurrent_channel<void(boost::system::error_code, std::unique_ptr<connection>)>;
  void give_back(std::unique_ptr<connection> c) noexcept;

  connection::executor ex_;
  std::string conninfo_;
  std::size_t size_;
  std::chrono::milliseconds connect_timeout_;
  places free_;
};

}  // namespace cunji::storage::pg
