// Returns on the PostgreSQL engine, through the storage seam (storage/returns.hpp): asking for
// one or reporting a parcel lost, deciding it (an accepted return refunds the order, restocked
// or not), reading and listing them; and two writes on one return at once.
#include <catch2/catch.hpp>

#include "order_rows.hpp"
#include "storage/postgresql/sql/order_moves.hpp"
#include "storage/postgresql/sql/stores.hpp"

using namespace cunji;
using namespace cunji::storage;
using cunji::test::run_task;
namespace rows = cunji::test::rows;

namespace {

constexpr unix_seconds now = 10'000'000;
constexpr unix_seconds day = 86'400;

// 201 "<id> <status> <lost> <restocked> <decision reason>", or 400 "<error code>[:<first field>]".
answer render(const result<order_return>& r) {
  if (!r.ok()) return {400, rows::code_of(r.err())};
  return {201, std::to_string(r->id) + " " + std::string(to_string(r->status)) + " " + std::to_string(r->lost) + " " +
                   std::to_string(r->restocked) + " " + r->decision_reason.value_or("-")};
}

idempotency_key key(std::int64_t caller, std::string k) { return {caller, "POST /v1/returns", std::move(k), {}}; }

// Order `id` paid with Alipay at 500, shipped at `shipped`, and delivered at `delivered` unless 0.
task<int> sold(pg::connection& c, std::int64_t id, unix_seconds shipped, unix_seconds delivered) {
  auto o = co_await pg::find_order(c, id);
  co_await pg::pay_in_full(c, *o, payment_method::alipay, std::string("A") + std::to_string(id), std::nullopt, 500);
  co_await pg::ship_order(c, *o, std::string("SF1"), shipped);
  if (delivered != 0) co_await pg::deliver_order(c, *o, delivered);
  co_return 1;
}

struct fixture : rows::market_fixture {
  std::unique_ptr<return_store> returns = pg::make_return_store(e);

  // Order `id` of `listing`, sold as sold() says.
  void order(std::int64_t id, unix_seconds shipped, unix_seconds delivered, bool address = false,
             std::int64_t listing = 1) {
    sql(rows::order_sql(id, "placed", 0, address, listing));
    run_task(ioc,
             e.write<int>([id, shipped, delivered](pg::connection& c) { return sold(c, id, shipped, delivered); }));
  }
  answer open(account caller, std::int64_t order, bool lost = false, std::string k = "k",
              std::vector<field_error> invalid = {}) {
    return_request r{caller, order, lost, "坏了", std::move(invalid), now};
    return run_task(ioc, returns->open(std::move(r), key(caller.id, k + "-" + std::to_string(order)), render));
  }
  answer decide(account caller, std::int64_t id, return_decision d, bool restock = false, std::string k = "d") {
    return_decision_request r{caller, id, d, restock, std::nullopt, {}, now + 10};
    if (d == return_decision::reject) r.decision_reason = "完好无损";
    const auto k_id = k + "-" + std::to_string(id) + (d == return_decision::accept ? "a" : "r");
    return run_task(ioc, returns->decide(std::move(r), key(caller.id, k_id), render));
  }
  page<order_return> list(account caller, return_view as, std::optional<return_status> s = std::nullopt,
                          page_request p = {{}, 20}) {
    auto got = run_task(ioc, returns->list({caller, as, s, std::move(p)}));
    REQUIRE(got.ok());
    return std::move(got).value();
  }
};

std::vector<std::int64_t> ids_of(const page<order_return>& p) {
  std::vector<std::int64_t> out;
  for (const auto& r : p.items) out.push_back(r.id);
  return out;
}

}  // namespace

TEST_CASE("PostgreSQL returns: asking for one, and who may") {
  fixture f;
  f.order(1, now - 3 * day, now - 2 * day);
  f.order(2, now - 9 * day, now - 8 * day);  // delivered too long ago
  f.order(3, now - 8 * day, 0, true);        // shipped to an address 8 days ago
  f.order(4, now - 2 * day, 0, true);        // shipped 2 days ago

  CHECK(f.open(rows::stranger, 1).body == "not_found");
  CHECK(f.open(rows::farmer, 1).body == "forbidden");
  CHECK(f.open(rows::buyer, 99).body == "not_found");
  CHECK(f.open(rows::buyer, 1, false, "k0", {{"reason", "too long"}}).body == "validation_failed:reason");
  const auto first = f.open(rows::buyer, 1);
  REQUIRE(first.status == 201);
  const auto id = f.number("SELECT id FROM returns WHERE order_id = 1");
  CHECK(first.body == std::to_string(id) + " requested 0 0 -");
  CHECK(f.value("SELECT shop_id || ' ' || requested_by || ' ' || reason || ' ' || refund_fen || ' ' || created_at "
                "FROM returns") == "1 2 坏了 3000 " + std::to_string(now));
  CHECK(f.open(rows::buyer, 1).replayed);
  CHECK(f.open(rows::buyer, 1, false, "k2").body == "conflict");

  CHECK(f.open(rows::buyer, 2, false, "k3").body == "conflict");
  CHECK(f.open(rows::buyer, 3, false, "k4").body == "invalid_transition");  // not delivered
  CHECK(f.open(rows::buyer, 4, true, "k5").body == "conflict");             // lost too early
  CHECK(f.open(rows::buyer, 1, true, "k6").body == "conflict");             // has one already
  const auto lost = f.open(rows::buyer, 3, true, "k7");
  CHECK(lost.status == 201);
  CHECK(lost.body.ends_with(" requested 1 0 -"));

  const auto seen = run_task(f.ioc, f.returns->get(id, rows::partner));  // the station's partner
  REQUIRE(seen.ok());
  CHECK(seen->order_id == 1);
  CHECK(seen->reason == "坏了");
  CHECK_FALSE(seen->decided_at);
  CHECK(run_task(f.ioc, f.returns->get(id, rows::stranger)).err().code == errc::not_found);
  CHECK(run_task(f.ioc, f.returns->get(999, rows::admin)).err().code == errc::not_found);
}

TEST_CASE("PostgreSQL returns: rejected, accepted by an admin, refunded with and without restock") {
  fixture f;
  f.order(1, now - 3 * day, now - 2 * day);
  f.order(2, now - 3 * day, now - 2 * day, false, 2);
  f.order(3, now - 8 * day, 0, true);
  f.order(4, now - 8 * day, 0);  // a station parcel
  for (std::int64_t o = 1; o <= 4; ++o) REQUIRE(f.open(rows::buyer, o, o >= 3, "k" + std::to_string(o)).status == 201);
  auto id = [&f](int order) { return f.number("SELECT id FROM returns WHERE order_id = " + std::to_string(order)); };

  CHECK(f.decide(rows::stranger, id(1), return_decision::reject).body == "not_found");
  CHECK(f.decide(rows::buyer, id(1), return_decision::accept).body == "forbidden");
  CHECK(f.decide(rows::admin, id(1), return_decision::reject).body == "forbidden");
  const auto rejected = f.decide(rows::farmer, id(1), return_decision::reject);
  CHECK(rejected.body == std::to_string(id(1)) + " rejected 0 0 完好无损");
  CHECK(f.value("SELECT decided_by || ' ' || decided_at FROM returns WHERE order_id = 1") ==
        "1 " + std::to_string(now + 10));
  CHECK(f.value("SELECT status FROM orders WHERE id = 1") == "delivered");
  CHECK(f.decide(rows::farmer, id(1), return_decision::reject, false, "d2").body == "invalid_transition");
  CHECK(f.decide(rows::farmer, id(1), return_decision::accept, false, "d3").body == "invalid_transition");

  // The admin overrides: the order is refunded, the stock stays as it is.
  const auto accepted = f.decide(rows::admin, id(1), return_decision::accept);
  CHECK(accepted.body == std::to_string(id(1)) + " accepted 0 0 -");
  CHECK(f.value("SELECT status FROM orders WHERE id = 1") == "refunded");
  CHECK(f.value("SELECT coalesce(decision_reason, '-') || decided_by FROM returns WHERE order_id = 1") == "-4");
  CHECK(f.number("SELECT stock FROM listings WHERE id = 1") == 10);
  CHECK(f.value("SELECT amount_fen || ' ' || status FROM refunds WHERE order_id = 1") == "3000 pending");
  CHECK(f.books_balance(1));
  CHECK(f.decide(rows::admin, id(1), return_decision::accept, false, "d4").body == "invalid_transition");

  // Accepted with restock: the 2 kg go back on the shelf.
  CHECK(f.decide(rows::farmer, id(2), return_decision::accept, true).body == std::to_string(id(2)) + " accepted 0 1 -");
  CHECK(f.number("SELECT stock FROM listings WHERE id = 2") == 12);
  CHECK(f.books_balance(2));

  // A lost parcel is refunded from shipped; one that reached its station meanwhile is not.
  CHECK(f.decide(rows::farmer, id(3), return_decision::accept).status == 201);
  CHECK(f.value("SELECT status FROM orders WHERE id = 3") == "refunded");
  CHECK(f.value("SELECT amount_fen FROM refunds WHERE order_id = 3") == "3800");
  CHECK(f.books_balance(3));
  f.sql("UPDATE orders SET status = 'at_station', arrived_at = 0 WHERE id = 4");
  CHECK(f.decide(rows::farmer, id(4), return_decision::accept).body == "invalid_transition");
  CHECK(f.value("SELECT status FROM returns WHERE order_id = 4") == "requested");
}

TEST_CASE("PostgreSQL returns: lists of the buyer's and of the shop side's, newest first, in pages") {
  fixture f;
  for (std::int64_t o = 1; o <= 3; ++o) {
    f.order(o, now - 3 * day, now - 2 * day);
    REQUIRE(f.open(rows::buyer, o, false, "k" + std::to_string(o)).status == 201);
  }
  const auto r1 = f.number("SELECT id FROM returns WHERE order_id = 1");
  const auto r2 = f.number("SELECT id FROM returns WHERE order_id = 2");
  const auto r3 = f.number("SELECT id FROM returns WHERE order_id = 3");
  REQUIRE(f.decide(rows::farmer, r2, return_decision::reject).status == 201);

  const auto all = f.list(rows::buyer, return_view::buyer);
  CHECK(ids_of(all) == std::vector<std::int64_t>{r3, r2, r1});
  CHECK(all.next_keys.empty());
  const auto first = f.list(rows::buyer, return_view::buyer, std::nullopt, {{}, 2});
  CHECK(ids_of(first) == std::vector<std::int64_t>{r3, r2});
  REQUIRE(first.next_keys == std::vector<std::int64_t>{r2});
  const auto rest = f.list(rows::buyer, return_view::buyer, std::nullopt, {first.next_keys, 2});
  CHECK(ids_of(rest) == std::vector<std::int64_t>{r1});
  CHECK(rest.next_keys.empty());

  CHECK(ids_of(f.list(rows::buyer, return_view::buyer, return_status::rejected)) == std::vector<std::int64_t>{r2});
  CHECK(ids_of(f.list(rows::farmer, return_view::seller, return_status::requested)) ==
        std::vector<std::int64_t>{r3, r1});
  CHECK(ids_of(f.list(rows::admin, return_view::seller)) == std::vector<std::int64_t>{r3, r2, r1});
  CHECK(f.list(rows::stranger, return_view::buyer).items.empty());
  CHECK(f.list(rows::partner, return_view::seller).items.empty());  // runs no shop
  CHECK(f.list(rows::farmer, return_view::buyer).items.empty());
}

TEST_CASE("PostgreSQL returns race: two asks at once open one return, two accepts refund once") {
  fixture f;
  f.order(1, now - 3 * day, now - 2 * day);
  auto& s = *f.returns;
  auto ask = [&s](std::string k) {
    return [&s, k] { return s.open({rows::buyer, 1, false, "坏了", {}, now}, key(2, k), render); };
  };
  // The asks only read the order: the gate holds back their inserts.
  auto gate = run_task(f.ioc, rows::hold(f.db, "LOCK TABLE returns IN SHARE MODE"));
  auto asked = rows::race<answer>(f.ioc, *gate, {ask("a"), ask("b")});
  CHECK(asked[0].status + asked[1].status == 201 + 400);
  CHECK(f.number("SELECT count(*) FROM returns") == 1);

  const auto id = f.number("SELECT id FROM returns");
  auto accept = [&s, id](account by) {
    return [&s, id, by] {
      return s.decide({by, id, return_decision::accept, true, std::nullopt, {}, now}, key(by.id, "d"), render);
    };
  };
  gate = run_task(f.ioc, rows::hold(f.db, "SELECT 1 FROM returns FOR UPDATE"));
  const auto decided = rows::race<answer>(f.ioc, *gate, {accept(rows::farmer), accept(rows::admin)});
  CHECK(decided[0].status + decided[1].status == 201 + 400);
  CHECK((decided[0].body == "invalid_transition" || decided[1].body == "invalid_transition"));
  CHECK(f.number("SELECT count(*) FROM refunds") == 1);
  CHECK(f.number("SELECT count(*) FROM ledger_entries WHERE kind = 'refund'") == 1);
  CHECK(f.number("SELECT stock FROM listings WHERE id = 1") == 12);
  CHECK(f.books_balance(1));
}
