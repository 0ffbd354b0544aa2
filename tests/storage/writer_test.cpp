#include "storage/sqlite/writer.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <catch2/catch.hpp>
#include <future>
#include <latch>
#include <set>
#include <thread>
#include <vector>

#include "storage/sqlite/database.hpp"
#include "support/temp_dir.hpp"

using namespace cunji;
using namespace cunji::storage;
namespace net = boost::asio;

namespace {
result<unit> create_scratch(connection& c) {
  c.exec("CREATE TABLE IF NOT EXISTS scratch (k INTEGER PRIMARY KEY, v TEXT) STRICT");
  return unit{};
}
std::int64_t count_rows(connection& c) {
  auto q = c.prepare("SELECT count(*) FROM scratch");
  q.step();
  return q.i64(0);
}
}  // namespace

TEST_CASE("many threads submitting at once: every write completes exactly once, in few batches", "[storage][writer]") {
  test::temp_dir dir;
  database db({.path = dir.file("w.db")});
  db.writer().submit_sync(create_scratch);

  constexpr int threads = 4, per_thread = 500, total = threads * per_thread;
  net::io_context ioc;
  std::mutex m;
  std::multiset<std::int64_t> completed;
  std::atomic<int> wrong_thread{0};
  std::vector<net::strand<net::io_context::executor_type>> strands;
  for (int t = 0; t < threads; ++t) strands.push_back(net::make_strand(ioc));
  for (int t = 0; t < threads; ++t) {
    net::post(strands[t], [&, t] {
      for (int i = 0; i < per_thread; ++i) {
        const std::int64_t key = t * per_thread + i + 1;
        auto& strand = strands[t];
        db.writer().async_submit(
            [key](connection& c) -> result<std::int64_t> {
              c.run("INSERT INTO scratch (k, v) VALUES (?, 'x')", key);
              return key;
            },
            net::bind_executor(strand, [&, key, &strand = strand](std::exception_ptr e, result<std::int64_t> r) {
              if (!strand.running_in_this_thread()) ++wrong_thread;
              std::lock_guard lk(m);
              if (!e && r.ok() && r.value() == key) completed.insert(key);
            }));
      }
    });
  }
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back([&] { ioc.run(); });
  for (auto& th : pool) th.join();

  CHECK(completed.size() == static_cast<std::size_t>(total));
  CHECK(std::set<std::int64_t>(completed.begin(), completed.end()).size() == static_cast<std::size_t>(total));
  CHECK(wrong_thread == 0);
  CHECK(count_rows(db.reader()) == total);
  // Group commit: far fewer transactions than commands.
  CHECK(db.writer().batches() < static_cast<std::size_t>(total) / 2);
}

namespace {
// An answer whose moved-from husk, left in the writer's command, takes a while to destroy: it
// holds the writer thread inside the command's destructor, where the caller's executor is still
// referenced, while the caller has had its answer and tears its io_context down.
struct slow_to_drop {
  bool husk = false;
  slow_to_drop() = default;
  slow_to_drop(slow_to_drop&& o) noexcept { o.husk = true; }
  slow_to_drop& operator=(slow_to_drop&& o) noexcept {
    o.husk = true;
    return *this;
  }
  ~slow_to_drop() {
    if (husk) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
};
}  // namespace

TEST_CASE("the caller may destroy its io_context once answered: the writer holds its executor no longer",
          "[storage][writer]") {
  test::temp_dir dir;
  database db({.path = dir.file("w.db")});
  bool answered = false;
  {
    net::io_context ioc;
    // The strand is referenced only by the command and its answer, so whichever drops it last
    // destroys it, and a strand's destruction locks its io_context's strand service.
    db.writer().async_submit(
        [](connection&) -> result<slow_to_drop> { return slow_to_drop{}; },
        net::bind_executor(net::make_strand(ioc),
                           [&](std::exception_ptr e, result<slow_to_drop> r) { answered = !e && r.ok(); }));
    ioc.run();  // returns once no work is left; then the io_context is destroyed
  }
  CHECK(answered);
  // A writer that dropped the strand after the io_context went would use the freed strand
  // service: ASan+UBSan and TSan report it and stop the run (a plain build may not notice).
  // The writer's next command shows it is still alive.
  CHECK(db.writer().submit_sync([](connection&) -> result<int> { return 7; }).value() == 7);
}

TEST_CASE("a failing command rolls back alone, the rest of its batch commits", "[storage][writer]") {
  test::temp_dir dir;
  database db({.path = dir.file("w.db")});
  db.writer().submit_sync(create_scratch);

  // Hold the writer inside a command so that the next four queue up into one batch.
  std::promise<void> release;
  auto released = release.get_future().share();
  std::latch started(1);
  auto blocker = std::async(std::launch::async, [&] {
    return db.writer().submit_sync([&](connection&) -> result<unit> {
      started.count_down();
      released.wait();
      return unit{};
    });
  });
  started.wait();
  const auto batches_before = db.writer().batches();

  auto submit = [&](auto fn) {
    using R = std::invoke_result_t<decltype(fn)&, connection&>;
    auto p = std::make_shared<std::promise<R>>();
    db.writer().async_submit(std::move(fn), net::bind_executor(net::system_executor(), [p](std::exception_ptr e, R r) {
                               if (e) p->set_exception(e);
                               else p->set_value(std::move(r));
                             }));
    return p->get_future();
  };
  auto ok1 = submit([](connection& c) -> result<int> {
    c.run("INSERT INTO scratch (k, v) VALUES (1, 'kept')");
    return 1;
  });
  auto refused = submit([](connection& c) -> result<int> {
    c.run("INSERT INTO scratch (k, v) VALUES (2, 'rolled back')");
    return error{errc::conflict, "no"};
  });
  auto thrown = submit([](connection& c) -> result<int> {
    c.run("INSERT INTO scratch (k, v) VALUES (3, 'rolled back')");
    c.run("INSERT INTO scratch (k, v) VALUES (1, 'duplicate key')");  // throws: constraint
    return 3;
  });
  auto ok2 = submit([](connection& c) -> result<int> {
    c.run("INSERT INTO scratch (k, v) VALUES (4, 'kept')");
    return 4;
  });
  release.set_value();
  REQUIRE(blocker.get().ok());

  CHECK(ok1.get().value() == 1);
  auto r = refused.get();
  REQUIRE_FALSE(r.ok());
  CHECK(r.err().code == errc::conflict);
  CHECK_THROWS_AS(thrown.get(), sqlite_error);
  CHECK(ok2.get().value() == 4);
  // The blocker's batch (still running when batches_before was read) and one batch for all four.
  CHECK(db.writer().batches() == batches_before + 2);

  auto q = db.reader().prepare("SELECT group_concat(k) FROM (SELECT k FROM scratch ORDER BY k)");
  q.step();
  CHECK(q.str(0) == "1,4");
}

TEST_CASE("committed writes survive closing and reopening", "[storage][writer]") {
  test::temp_dir dir;
  const auto path = dir.file("w.db");
  {
    database db({.path = path});
    db.writer().submit_sync(create_scratch);
    for (int i = 1; i <= 10; ++i)
      db.writer().submit_sync([i](connection& c) -> result<unit> {
        c.run("INSERT INTO scratch (k, v) VALUES (?, 'durable')", i);
        return unit{};
      });
  }
  database db({.path = path});
  CHECK(count_rows(db.reader()) == 10);
}

TEST_CASE("stop drains queued commands, later submissions fail cleanly", "[storage][writer]") {
  test::temp_dir dir;
  database db({.path = dir.file("w.db")});
  db.writer().submit_sync(create_scratch);
  std::atomic<int> done{0};
  for (int i = 1; i <= 100; ++i)
    db.writer().async_submit(
        [i](connection& c) -> result<unit> {
          c.run("INSERT INTO scratch (k, v) VALUES (?, 'x')", i);
          return unit{};
        },
        net::bind_executor(net::system_executor(), [&](std::exception_ptr e, result<unit> r) {
          if (!e && r.ok()) ++done;
        }));
  db.close_writer();
  // Completions are posted to their executor after the commit; give them a moment to run.
  for (int i = 0; i < 500 && done < 100; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(done == 100);
  CHECK(count_rows(db.reader()) == 100);
  CHECK_THROWS(db.writer().submit_sync([](connection&) -> result<unit> { return unit{}; }));
}
