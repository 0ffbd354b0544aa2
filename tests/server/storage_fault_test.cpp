// Storage failures seen from the API: the server's database is opened through the
// fault-injecting VFS shim, which makes the n-th write or fsync fail (once, or from then on) or
// lets the files grow no further (a full disk). Whatever happens, an order answered 2xx exists
// whole afterwards; an order whose write failed gets a 503 problem and, retried with its
// Idempotency-Key once storage works again, is created exactly once; reads go on meanwhile; and
// the writer recovers without a restart.
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "order_fixture.hpp"
#include "support/fault_vfs.hpp"

using namespace cunji;
using namespace cunji::test;

namespace {

struct attempt {
  std::string token;
  std::string key;
  std::string body;
  std::int64_t quantity = 0;
  unsigned status = 0;
  std::string type;
  std::int64_t order_id = 0;
  std::int64_t total_fen = 0;
};

header_list order_headers(const attempt& a) {
  return {{"Authorization", "Bearer " + a.token}, {"Content-Type", "application/json"}, {"Idempotency-Key", a.key}};
}

void send(test_server& s, attempt& a) {
  http_client c(s.port());
  const auto r = c.request(http::verb::post, "/v1/orders", a.body, order_headers(a));
  a.status = r.status;
  a.type = r.type();
  if (r.status == 201) {
    const auto o = r.json().as_object();
    a.order_id = o.at("id").as_int64();
    a.total_fen = o.at("total_fen").as_int64();
  }
}

// Buyers who order concurrently, so several orders share a writer batch.
struct crowd {
  test_server& s;
  market& m;
  std::vector<std::string> tokens;
  std::vector<attempt> all;
  int next_key = 0;

  crowd(test_server& server, market& fixture, int buyers) : s(server), m(fixture) {
    for (int i = 0; i < buyers; ++i) tokens.push_back(s.direct_user(role::buyer).second);
  }

  // Sends one order per buyer at the same moment; returns the index of the first in `all`.
  std::size_t burst() {
    const auto first = all.size();
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      attempt a;
      a.token = tokens[i];
      a.key = "k-" + std::to_string(next_key++);
      a.quantity = 1 + next_key % 3;
      a.body = m.order_body(m.shop, m.listing, a.quantity);
      all.push_back(std::move(a));
    }
    std::latch go(static_cast<std::ptrdiff_t>(tokens.size()));
    std::vector<std::thread> threads;
    for (std::size_t i = first; i < all.size(); ++i)
      threads.emplace_back([&, i] {
        go.arrive_and_wait();
        send(s, all[i]);
      });
    for (auto& t : threads) t.join();
    return first;
  }

  // Every answer so far was a 201 or a 503 storage problem of the expected type.
  void check_answers(std::size_t from, const char* failure_type) const {
    for (std::size_t i = from; i < all.size(); ++i) {
      INFO("key " << all[i].key << ": " << all[i].status << " " << all[i].type);
      CHECK((all[i].status == 201 || (all[i].status == 503 && all[i].type == failure_type)));
    }
  }

  std::size_t count(unsigned status) const {
    std::size_t n = 0;
    for (const auto& a : all) n += a.status == status;
    return n;
  }

  // After storage works again: each 2xx order is there, unchanged; each 503 retried with its key
  // gives 201 exactly once (a replay if its commit had in fact become durable); the stock counts
  // one order per key, and the ledger balances.
  void settle(std::int64_t initial_stock) {
    std::int64_t sold = 0;
    for (auto& a : all) {
      if (a.status == 503) {
        send(s, a);
        INFO("retry of " << a.key << ": " << a.status << " " << a.type);
        REQUIRE(a.status == 201);
      }
      REQUIRE(a.status == 201);
      const auto r = s.get("/v1/orders/" + std::to_string(a.order_id), a.token);
      REQUIRE(r.status == 200);
      CHECK(r.json().at("total_fen").as_int64() == a.total_fen);
      CHECK(r.json().at("items").as_array().size() == 1);
      sold += a.quantity;
    }
    CHECK(m.stock_of(m.listing) == initial_stock - sold);
    CHECK(m.ledger().at("balanced").as_bool());
  }
};

int points_from_env(int fallback) {
  const char* v = std::getenv("CUNJI_IO_FAULT_POINTS");
  return v ? std::max(4, std::atoi(v)) : fallback;
}

}  // namespace

TEST_CASE("I/O faults: a failed write or fsync is never a 2xx, reads go on, the writer recovers",
          "[server][storage_faults][sqlite]") {
  auto& vfs = fault_vfs::get();
  vfs.clear();
  constexpr std::int64_t stock = 10'000'000;
  test_server s({}, fault_vfs::name);
  market m(s, false, stock, 990);
  crowd c(s, m, 6);

  const int points = points_from_env(208);
  int fired = 0, permanent_checked = 0;
  for (int p = 0; p < points; ++p) {
    const bool on_write = p % 2 == 0;
    const bool permanent = (p / 2) % 2 == 1;
    // The n-th write (1..52) or fsync (1..13) from now; each batch makes one fsync and a few writes.
    const std::int64_t n = on_write ? 1 + (p / 4) % 52 : 1 + (p / 4) % 13;
    INFO("point " << p << ": " << (permanent ? "every " : "the ") << n << "th " << (on_write ? "write" : "fsync"));
    const auto failures_before = vfs.failures();
    vfs.fail_nth(on_write ? io_op::write : io_op::sync, n, permanent,
                 on_write ? SQLITE_IOERR_WRITE : SQLITE_IOERR_FSYNC);
    const auto first = c.all.size();
    for (int b = 0; b < 40 && vfs.failures() == failures_before; ++b) c.burst();
    REQUIRE(vfs.failures() > failures_before);
    ++fired;
    if (permanent) {
      // Storage is broken now: orders get 503 at once, reads still work.
      c.burst();
      CHECK(c.all.back().status == 503);
      CHECK(s.get("/v1/listings/" + std::to_string(m.listing)).status == 200);
      CHECK(s.get("/v1/orders?limit=5", c.tokens.front()).status == 200);
      ++permanent_checked;
    }
    vfs.clear();
    c.check_answers(first, "storage_unavailable");
    // Recovery: the very next orders go through.
    const auto after = c.burst();
    for (auto i = after; i < c.all.size(); ++i) CHECK(c.all[i].status == 201);
  }
  CHECK(fired == points);
  CHECK(permanent_checked == points / 2);
  WARN(points << " fault points; " << c.all.size() << " orders sent: " << c.count(201) << " answered 201, "
              << c.count(503) << " answered 503");
  CHECK(c.count(503) > 0);
  c.settle(stock);
}

TEST_CASE("a full disk: orders get 503 storage_full, reads go on, nothing is lost, and writes resume",
          "[server][storage_faults][sqlite]") {
  auto& vfs = fault_vfs::get();
  vfs.clear();
  constexpr std::int64_t stock = 10'000'000;
  test_server s({}, fault_vfs::name);
  market m(s, false, stock, 990);
  crowd c(s, m, 6);
  c.burst();

  vfs.limit_growth(0);  // not one more byte: the WAL can be reused, never grown
  std::size_t first_full = 0;
  for (int b = 0; b < 200 && c.count(503) == 0; ++b) first_full = c.burst();
  REQUIRE(c.count(503) > 0);
  c.check_answers(0, "storage_full");
  // Still full: reads work, and the orders that cannot fit are refused with 503.
  const auto more = c.burst();
  for (auto i = more; i < c.all.size(); ++i) CHECK((c.all[i].status == 503 || c.all[i].status == 201));
  CHECK(s.get("/v1/listings/" + std::to_string(m.listing)).status == 200);
  CHECK(s.get("/v1/orders/" + std::to_string(c.all.front().order_id), c.all.front().token).status == 200);
  c.check_answers(first_full, "storage_full");

  vfs.clear();  // space is back
  const auto after = c.burst();
  for (auto i = after; i < c.all.size(); ++i) CHECK(c.all[i].status == 201);
  WARN("disk full: " << c.all.size() << " orders sent: " << c.count(201) << " answered 201, " << c.count(503)
                     << " answered 503 storage_full");
  c.settle(stock);
}
