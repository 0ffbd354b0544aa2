// database::reader(): one read-only connection per thread, each seeing only committed data,
// while the writer thread commits. Run under ThreadSanitizer too (CUNJI_TSAN=1 scripts/test).
#include <atomic>
#include <catch2/catch.hpp>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "storage/sqlite/database.hpp"
#include "support/temp_dir.hpp"

using namespace cunji;
using namespace cunji::storage;

namespace {
std::int64_t count_rows(connection& c) {
  auto q = c.prepare("SELECT count(*), coalesce(max(k), 0) FROM scratch");
  q.step();
  // Rows are inserted with k = 1, 2, 3... one per commit: a consistent snapshot has max == count.
  return q.i64(0) == q.i64(1) ? q.i64(0) : -1;
}
}  // namespace

TEST_CASE("each thread reads through its own connection, and its reads never go back while the writer commits",
          "[storage][readers]") {
  test::temp_dir dir;
  database db({.path = dir.file("r.db")});
  db.writer().submit_sync([](connection& c) -> result<unit> {
    c.exec("CREATE TABLE scratch (k INTEGER PRIMARY KEY) STRICT");
    return unit{};
  });

  constexpr int readers = 4, writes = 200;
  std::atomic<bool> writing{true};
  std::mutex m;
  std::set<const connection*> conns;
  // Counted in the threads (Catch's assertions are for the main thread only).
  std::atomic<int> moved{0}, inconsistent{0}, went_back{0}, short_at_end{0}, reads{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < readers; ++t) {
    pool.emplace_back([&] {
      connection& mine = db.reader();
      {
        std::lock_guard lk(m);
        conns.insert(&mine);
      }
      std::int64_t last = 0;
      for (bool more = true; more;) {
        more = writing.load();  // one more read after the last commit
        if (&db.reader() != &mine) ++moved;
        const auto n = count_rows(db.reader());
        if (n < 0) ++inconsistent;
        if (n < last) ++went_back;
        last = std::max(last, n);
        ++reads;
      }
      if (last != writes) ++short_at_end;
    });
  }
  for (std::int64_t k = 1; k <= writes; ++k)
    db.writer().submit_sync([k](connection& c) -> result<unit> {
      c.run("INSERT INTO scratch (k) VALUES (?)", k);
      return unit{};
    });
  writing = false;
  for (auto& th : pool) th.join();

  CHECK(conns.size() == static_cast<std::size_t>(readers));
  CHECK(conns.count(&db.reader()) == 0);  // nor this thread's
  CHECK(moved == 0);
  CHECK(inconsistent == 0);
  CHECK(went_back == 0);
  CHECK(short_at_end == 0);
  CHECK(reads >= readers);

  // Another database gets its own connection on this thread, also after one was closed (the
  // thread's slot for a closed database must never match again).
  {
    database gone({.path = dir.file("gone.db")});
    CHECK(gone.reader().path() == dir.file("gone.db"));
  }
  database other({.path = dir.file("other.db")});
  CHECK(&other.reader() != &db.reader());
  CHECK(other.reader().path() == dir.file("other.db"));
}
