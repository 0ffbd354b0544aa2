// Servers on one database hear of each other's writes (storage/postgresql/change_feed.*), and a
// server that cannot hear serves no cached read.
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <thread>

#include "storage/postgresql/change_feed.hpp"
#include "support/pg_cluster.hpp"

using namespace cunji::storage;
using namespace std::chrono_literals;

namespace {

// An io_context running on a thread of its own, as a store's.
struct io_thread {
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{io.get_executor()};
  std::jthread thread{[this] { io.run(); }};
  ~io_thread() {
    work.reset();
    io.stop();
  }
};

// Waits up to `limit` for `done`; whether it came.
template <class F>
bool eventually(F done, std::chrono::milliseconds limit = 5s) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

}  // namespace

TEST_CASE("PostgreSQL change feed: a write on one server moves the other server's cache counters") {
  const auto db = cunji::test::fresh_pg_database();
  io_thread a_io, b_io;
  change_counters a_counters, b_counters;
  pg::change_feed a(a_io.io.get_executor(), db, a_counters, 10s);
  pg::change_feed b(b_io.io.get_executor(), db, b_counters, 10s);
  // Blind until listening: no cached read is served before the server can hear.
  CHECK(b_counters.blind());
  CHECK(b_counters.catalog() != b_counters.catalog());
  a.start();
  b.start();
  REQUIRE(eventually([&] { return !a_counters.blind() && !b_counters.blind(); }));
  CHECK(b_counters.catalog() == b_counters.catalog());

  for (int i = 0; i < 10; ++i) {
    const auto b_before = b_counters.catalog(), a_before = a_counters.catalog();
    a.committed();
    REQUIRE(eventually([&] { return b_counters.catalog() != b_before; }, 2s));
    CHECK(b_counters.search_text() > 1);
    // A server's own notification is not news to it (its engine moved its counters already).
    std::this_thread::sleep_for(5ms);
    CHECK(a_counters.catalog() == a_before);
  }
  CHECK(a.sent() >= 1);
  CHECK(a.sent() <= 10);  // coalesced: never more than asked
  CHECK(b.heard() == a.sent());
}

TEST_CASE("PostgreSQL change feed: blind while the database is down, then caught up") {
  cunji::test::pg_cluster own;  // stopping the shared cluster would disturb other tests
  io_thread io;
  change_counters counters;
  pg::change_feed feed(io.io.get_executor(), own.conninfo(), counters, 2s);
  feed.start();
  REQUIRE(eventually([&] { return !counters.blind(); }));
  const auto before = counters.catalog();
  own.halt();
  REQUIRE(eventually([&] { return counters.blind(); }));
  // Every read misses: each load is a new value.
  CHECK(counters.catalog() != counters.catalog());
  own.resume();
  REQUIRE(eventually([&] { return !counters.blind(); }, 10s));
  CHECK(counters.catalog() == counters.catalog());
  CHECK(counters.catalog() > before);
}
