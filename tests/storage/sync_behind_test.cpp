// Sync behind (storage/sqlite/writer.hpp): the writer's COMMIT leaves the WAL's sync to the
// syncer thread, which answers a batch's commands only once it has synced. A sync held in the
// fault VFS shows the window between the two: the write is committed and readers see it, but
// nobody is told it succeeded, not even a retry that finds its stored answer. A failed sync
// fails the commands it was to make durable.
#include <sqlite3.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/system_executor.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "storage/sqlite/database.hpp"
#include "storage/sqlite/engine.hpp"
#include "storage/sqlite/wal_write_buffer.hpp"
#include "support/fault_vfs.hpp"
#include "support/temp_dir.hpp"

using namespace cunji;
using namespace cunji::storage;
namespace net = boost::asio;
using namespace std::chrono_literals;

namespace {

std::int64_t count_rows(connection& c) {
  auto q = c.prepare("SELECT count(*) FROM scratch");
  q.step();
  return q.i64(0);
}

auto insert(std::int64_t k) {
  return [k](connection& c) -> result<std::int64_t> {
    c.run("INSERT INTO scratch (k, v) VALUES (?, 'x')", k);
    return k;
  };
}

// With every earlier batch durable, the writer syncs behind only while more commands wait: `fn`,
// followed by a command that does nothing, submitted from inside `fn`, so that the batch of `fn`
// commits with it waiting.
template <class Fn>
auto followed(database& db, Fn fn) {
  return [&db, fn = std::move(fn)](connection& c) {
    auto r = fn(c);
    db.writer().async_submit([](connection&) -> result<unit> { return unit{}; },
                             net::bind_executor(net::system_executor(), [](std::exception_ptr, result<unit>) {}));
    return r;
  };
}

// Holds the next watched sync (the syncer's) until release(); entered() says it is being held.
class held_sync {
 public:
  held_sync() {
    test::fault_vfs::get().before_sync([this] {
      if (armed_.exchange(false)) {
        entered_.set_value();
        released_.get_future().wait();
      }
    });
  }
  ~held_sync() {
    release();
    test::fault_vfs::get().before_sync({});
  }
  bool entered() { return entered_future_.wait_for(10s) == std::future_status::ready; }
  void release() {
    if (!released_once_.exchange(true)) released_.set_value();
  }

 private:
  std::atomic<bool> armed_{true};
  std::atomic<bool> released_once_{false};
  std::promise<void> entered_;
  std::future<void> entered_future_ = entered_.get_future();
  std::promise<void> released_;
};

void make_scratch(database& db) {
  db.writer().submit_sync([](connection& c) -> result<unit> {
    c.exec("CREATE TABLE scratch (k INTEGER PRIMARY KEY, v TEXT) STRICT");
    return unit{};
  });
}

// The follower of `followed` may still be in its batch when the command before it is answered.
bool becomes_durable(database& db) {
  for (int i = 0; i < 500 && !db.writer().all_durable(); ++i) std::this_thread::sleep_for(10ms);
  return db.writer().all_durable();
}

database_options on_fault_vfs(const test::temp_dir& dir) {
  test::fault_vfs::get();  // registered before the first open
  return database_options{.path = test::fault_vfs::uri(dir.file("s.db"))};
}

}  // namespace

TEST_CASE("sync behind: a batch is answered only after its sync, though readers see it at once",
          "[storage][writer][sync_behind]") {
  test::temp_dir dir;
  database db(on_fault_vfs(dir));
  make_scratch(db);
  REQUIRE(db.writer().all_durable());
  const auto deferred_before = wal_write_buffer_stats().syncs_deferred;

  held_sync hold;
  std::promise<bool> answered;
  db.writer().async_submit(
      followed(db, insert(1)),
      net::bind_executor(net::system_executor(),
                         [&](std::exception_ptr e, result<std::int64_t> r) { answered.set_value(!e && r.ok()); }));
  auto answer = answered.get_future();
  // The syncer is syncing the batch: it committed.
  REQUIRE(hold.entered());
  CHECK(wal_write_buffer_stats().syncs_deferred > deferred_before);  // COMMIT did not sync
  CHECK(answer.wait_for(200ms) == std::future_status::timeout);      // nobody is told yet
  CHECK_FALSE(db.writer().all_durable());
  CHECK(count_rows(db.reader()) == 1);  // readers see the committed row already

  // The next batch commits meanwhile (the writer does not wait), and is answered after it. With
  // nothing waiting behind it, its COMMIT still leaves its sync to the syncer: its answer waits
  // for the first batch's sync anyway.
  std::promise<bool> second;
  db.writer().async_submit(
      insert(2), net::bind_executor(net::system_executor(), [&](std::exception_ptr e, result<std::int64_t> r) {
        second.set_value(!e && r.ok());
      }));
  auto second_answer = second.get_future();
  for (int i = 0; i < 100 && count_rows(db.reader()) < 2; ++i) std::this_thread::sleep_for(10ms);
  CHECK(count_rows(db.reader()) == 2);
  CHECK(wal_write_buffer_stats().syncs_deferred >= deferred_before + 2);
  CHECK(second_answer.wait_for(100ms) == std::future_status::timeout);

  hold.release();
  REQUIRE(answer.wait_for(10s) == std::future_status::ready);
  CHECK(answer.get());
  REQUIRE(second_answer.wait_for(10s) == std::future_status::ready);
  CHECK(second_answer.get());
  CHECK(db.writer().all_durable());
}

TEST_CASE("sync behind: a retry that finds a stored answer not yet durable waits for it",
          "[storage][writer][sync_behind]") {
  test::temp_dir dir;
  database db(on_fault_vfs(dir));
  engine e(db);
  const renderer<std::int64_t> render = [](const result<std::int64_t>& r) {
    return answer{r.ok() ? 201 : 409, r.ok() ? std::to_string(r.value()) : "no", false};
  };
  make_scratch(db);
  idempotency_key key{7, "POST /v1/scratch", "k-1"};
  key.digest.fill(0x5a);

  net::io_context ioc;
  std::optional<answer> first, retry;
  auto work = [&] { ioc.run(); };
  held_sync hold;
  net::co_spawn(ioc, e.idempotent<std::int64_t>(key, followed(db, insert(1)), render, 1000),
                [&](std::exception_ptr, answer a) { first = std::move(a); });
  std::thread io(work);
  REQUIRE(hold.entered());  // the first request's answer is stored and committed, not durable
  auto again = [&]() -> net::awaitable<void> {
    retry = co_await e.idempotent<std::int64_t>(key, insert(2), render, 1000);
  };
  std::promise<void> retried;
  net::post(ioc, [&] { net::co_spawn(ioc, again(), [&](std::exception_ptr) { retried.set_value(); }); });
  CHECK(retried.get_future().wait_for(300ms) == std::future_status::timeout);  // not replayed yet
  hold.release();
  io.join();
  REQUIRE(first);
  REQUIRE(retry);
  CHECK(first->status == 201);
  CHECK(retry->status == 201);
  CHECK(retry->body == "1");
  CHECK(retry->replayed);
  CHECK(count_rows(db.reader()) == 1);  // the retry did not run the work again
}

TEST_CASE("sync behind: a batch that wrote nothing, behind durable ones, is answered at once",
          "[storage][writer][sync_behind]") {
  test::temp_dir dir;
  database db(on_fault_vfs(dir));
  make_scratch(db);
  auto& vfs = test::fault_vfs::get();
  const auto syncs = vfs.count(test::io_op::sync);
  CHECK(db.writer().submit_sync([](connection& c) -> result<std::int64_t> { return count_rows(c); }).value() == 0);
  CHECK(vfs.count(test::io_op::sync) == syncs);
  CHECK(db.writer().submit_sync(followed(db, insert(1))).value() == 1);
  CHECK(vfs.count(test::io_op::sync) == syncs + 1);  // the syncer's (the follower wrote nothing)
  CHECK(becomes_durable(db));
}

TEST_CASE("sync behind: a failed sync fails the commands it was to make durable, and the writer goes on",
          "[storage][writer][sync_behind]") {
  test::temp_dir dir;
  auto opts = on_fault_vfs(dir);
  std::mutex m;
  std::vector<sync_stats> reported;  // by the syncer thread
  opts.on_sync = [&](const sync_stats& s) {
    std::lock_guard lk(m);
    reported.push_back(s);
  };
  database db(opts);
  make_scratch(db);
  auto& vfs = test::fault_vfs::get();
  CHECK(db.writer().submit_sync(followed(db, insert(1))).value() == 1);
  {
    std::lock_guard lk(m);  // reported before the answer
    REQUIRE(reported.size() == 1);
    CHECK(reported[0].ok);
    CHECK(reported[0].batches >= 1);  // with the follower's batch, if it came in time
  }
  vfs.fail_nth(test::io_op::sync, 1, true, SQLITE_IOERR_FSYNC);
  CHECK_THROWS_AS(db.writer().submit_sync(followed(db, insert(2))), sqlite_error);
  CHECK_FALSE(db.writer().all_durable());
  {
    std::lock_guard lk(m);  // (and maybe the follower's: after a failure, the next sync is forced)
    REQUIRE(reported.size() >= 2);
    CHECK_FALSE(reported[1].ok);
  }
  vfs.clear();
  CHECK(db.writer().submit_sync(insert(3)).value() == 3);
  CHECK(db.writer().all_durable());
  // The second row committed all the same: its caller was told the outcome is unknown (a retry
  // with its Idempotency-Key would find what it stored).
  CHECK(count_rows(db.reader()) == 3);
}
