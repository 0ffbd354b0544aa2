// A primary with a synchronous standby (synchronous_commit on, synchronous_standby_names
// 'ANY 1 (s1, s2)'), as docs/postgresql.md deploys it: an acknowledged write is on the standby;
// a commit whose wait for the standby is cancelled is "unavailable" (503), never an answer, and
// the retry with its key settles it; after the primary is lost and the standby promoted, a pool
// given both hosts finds the new primary with every acknowledged write.
#include <boost/asio/this_coro.hpp>
#include <catch2/catch.hpp>
#include <thread>

#include "postgresql/order_like.hpp"
#include "support/pg_cluster.hpp"
#include "support/run_task.hpp"

using namespace cunji;
using namespace cunji::test;

namespace {

task<std::string> ask(std::string conninfo, std::string sql) {
  auto c = co_await connection::open(co_await boost::asio::this_coro::executor, std::move(conninfo), 10s);
  const auto rows = co_await c->query(std::move(sql));
  co_return rows.rows() > 0 ? rows.str(0, 0) : std::string();
}

// The answer to SQL on a cluster once it is `want`, within 20 s; else the last answer (or error:
// a standby that has not replayed the schema yet has no such table).
std::string wait_for(boost::asio::io_context& ioc, const std::string& conninfo, const std::string& sql,
                     const std::string& want) {
  std::string got;
  for (int i = 0; i < 400 && got != want; ++i) {
    if (i) std::this_thread::sleep_for(50ms);
    try {
      got = run_task(ioc, ask(conninfo, sql));
    } catch (const pg_failure& e) {
      got = e.what();
    }
  }
  return got;
}

// buy()'s answer, or "unavailable" / "failed" with the failure's message.
task<std::string> try_buy(pool& p, std::string key) {
  try {
    std::vector<stock_line> one(1, stock_line{1, 1});  // (GCC 12: no braced list in a coroutine's call)
    const auto a = co_await buy(p, std::move(one), key_of(1, std::move(key), 1));
    co_return std::to_string(a.status) + " " + a.body;
  } catch (const pg_failure& e) {
    std::string out = "failed: ";
    if (e.unavailable()) out = "unavailable: ";
    co_return out + e.what();
  }
}

const std::string stock_sql = "SELECT stock FROM listings WHERE id = 1";

}  // namespace

TEST_CASE("PostgreSQL synchronous standby: a cancelled wait is a 503, and failover keeps every acknowledged write",
          "[replication]") {
  pg_cluster primary(pg_cluster::durable_t{});
  pg_cluster standby(primary, "s1");
  boost::asio::io_context ioc;
  const auto on_primary = primary.conninfo(), on_standby = standby.conninfo();
  run_task(ioc, ask(on_primary, "ALTER SYSTEM SET synchronous_standby_names = 'ANY 1 (s1, s2)'"));
  run_task(ioc, ask(on_primary, "SELECT pg_reload_conf()"));
  REQUIRE(wait_for(ioc, on_primary, "SELECT sync_state FROM pg_stat_replication WHERE application_name = 's1'",
                   "quorum") == "quorum");
  run_task(ioc, market(on_primary, 1, 10));
  pool p(ioc.get_executor(), on_primary, 4);

  // Acknowledged, and on the standby.
  CHECK(run_task(ioc, try_buy(p, "first")) == "201 taken");
  CHECK(wait_for(ioc, on_standby, stock_sql, "9") == "9");

  // The standby stops: a write waits for it. An administrator cancels the wait: the write has
  // committed on the primary but may be on no standby, and its client is told to retry.
  standby.halt();
  bool cancelled = false;
  std::thread admin([&] {
    const std::string cancel = "psql -qAt \"" + on_primary +
                               "\" -c \"SELECT count(pg_cancel_backend(pid)) FROM pg_stat_activity "
                               "WHERE wait_event = 'SyncRep'\" | grep -q '^1$'";
    for (int i = 0; i < 400 && !cancelled; ++i) {
      std::this_thread::sleep_for(50ms);
      cancelled = std::system(cancel.c_str()) == 0;
    }
    if (!cancelled) standby.resume();  // no waiting write was found: let it end, and fail below
  });
  const auto second = run_task(ioc, try_buy(p, "second"));
  admin.join();
  REQUIRE(cancelled);
  CHECK(second.starts_with("unavailable: PostgreSQL: the commit's wait for a synchronous standby was cancelled"));
  CHECK(run_task(ioc, ask(on_primary, stock_sql)) == "8");  // it did commit here

  // The standby is back: the retry with the same key replays the answer, and takes nothing.
  standby.resume();
  CHECK(run_task(ioc, try_buy(p, "second")) == "201 taken");
  CHECK(run_task(ioc, ask(on_primary, stock_sql)) == "8");
  CHECK(wait_for(ioc, on_standby, stock_sql, "8") == "8");

  // Failover: the primary is lost, the standby promoted. A pool given both hosts connects to
  // whichever accepts writes, and finds both acknowledged writes there (their retries replay).
  primary.halt();
  standby.promote();
  pool q(ioc.get_executor(),
         "host=" + primary.dir() + "," + standby.dir() +
             " dbname=postgres user=postgres target_session_attrs=read-write connect_timeout=5",
         4);
  CHECK(run_task(ioc, try_buy(q, "first")) == "201 taken");
  CHECK(run_task(ioc, try_buy(q, "second")) == "201 taken");
  CHECK(run_task(ioc, ask(on_standby, stock_sql)) == "8");
  CHECK(run_task(ioc, try_buy(q, "third")) == "201 taken");
  CHECK(run_task(ioc, ask(on_standby, stock_sql)) == "7");
}
