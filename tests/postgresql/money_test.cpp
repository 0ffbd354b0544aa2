// Balances, statements, hand-ins, station cash, payouts, platform figures and the ledger check on
// the PostgreSQL engine, through the storage seam (storage/money.hpp), on a small history whose
// figures are worked out by hand below.
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>
#include <map>
#include <thread>

#include "postgresql/money_history.hpp"
#include "storage/postgresql/engine.hpp"
#include "storage/postgresql/migrations.hpp"
#include "storage/postgresql/sql/stores.hpp"
#include "support/pg_cluster.hpp"
#include "support/run_task.hpp"

// Sales are described with designated initializers naming only what matters; GCC 12 would
// warn about every member left to its default.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

using namespace cunji;
using namespace cunji::storage;
using namespace cunji::test;
using namespace std::chrono_literals;

namespace {

task<std::unique_ptr<pg::connection>> open_db(std::string db) {
  co_return co_await pg::connection::open(co_await boost::asio::this_coro::executor, db, 10s);
}
task<void> market(std::string db, std::vector<money_step> steps) {
  auto c = co_await open_db(db);
  co_await pg::migrate(*c);
  co_await c->script(market_sql);
  co_await apply_steps(*c, std::move(steps));
}
task<void> more(std::string db, std::vector<money_step> steps) {
  auto c = co_await open_db(db);
  co_await apply_steps(*c, std::move(steps));
}
task<std::int64_t> scalar(std::string db, std::string sql) {
  auto c = co_await open_db(db);
  co_return (co_await c->query(sql)).i64(0, 0);
}

// Shop 1: order 1 delivered (proceeds 9,500), order 2 paid (3,800 pending), order 3 placed by
// the partner for the villager, paid in cash at its station and delivered (5,700; the partner's
// fee 300), order 5 likewise but cancelled (the cash handed back). Shop 2: order 4 delivered
// (2,375). Commission 500 + 200 + 300 + 125 (order 5's is refunded).
std::vector<money_step> history() {
  const partner_fee fee{2, partner_fee_kind::assisted_buying, 300};
  std::vector<money_step> out;
  for (const auto& s : {
           sale{.id = 1, .subtotal_fen = 10'000, .commission_fen = 500, .status = order_status::delivered},
           sale{.id = 2, .subtotal_fen = 4'000, .commission_fen = 200, .at = t0 + one_day},
           sale{.id = 3,
           .placed_by = 2,
           .buyer = std::nullopt,
           .villager = 1,
           .subtotal_fen = 6'000,
           .commission_fen = 300,
           .status = order_status::delivered,
           .method = payment_method::cash_at_station,
           .fee = fee,
           .at = t0 + 2 * one_day},
           sale{.id = 4,
           .shop = 2,
           .placed_by = 6,
           .buyer = 6,
           .subtotal_fen = 2'500,
           .commission_fen = 125,
           .status = order_status::delivered,
           .at = t0 + 2 * one_day},
           sale{.id = 5,
           .placed_by = 2,
           .buyer = std::nullopt,
           .villager = 1,
           .subtotal_fen = 1'000,
           .commission_fen = 50,
           .status = order_status::cancelled,
           .method = payment_method::cash_at_station,
           .at = t0 + 2 * one_day},
       })
    for (auto& step : sale_steps(s)) out.push_back(std::move(step));
  return out;
}

account who(std::int64_t id, role r) {
  account a;
  a.id = id;
  a.role = r;
  return a;
}

struct money_fixture {
  boost::asio::io_context ioc;
  std::string db = fresh_pg_database();
  pg::pool connections{ioc.get_executor(), db, 2};
  pg::engine e{connections};
  std::unique_ptr<money_store> money = pg::make_money_store(e);

  explicit money_fixture(std::vector<money_step> steps) { run_task(ioc, market(db, std::move(steps))); }
  template <class T>
  T run(task<T> t) {
    return run_task(ioc, std::move(t));
  }
};

struct line {
  std::optional<std::int64_t> order_id;
  std::string kind;
  std::int64_t amount_fen;
  bool operator==(const line&) const = default;
};

answer render(const result<cash_handin>& r) {
  if (r.ok()) return {201, std::to_string(r->amount_fen)};
  const auto code = r.err().code;
  return {code == errc::not_found           ? 404
          : code == errc::validation_failed ? 422
          : code == errc::conflict          ? 409
                                            : 500,
          r.err().detail};
}

// As the route sends it: amount_fen below 1 is an invalid field.
handin_request handin(std::int64_t partner, std::int64_t amount, unix_seconds now) {
  handin_request r;
  r.caller = who(4, role::admin);
  r.partner_id = partner;
  r.amount_fen = amount;
  r.now = now;
  if (amount < 1) r.invalid.push_back({"amount_fen", "must be at least 1"});
  return r;
}

}  // namespace

TEST_CASE("PostgreSQL money: balances, and statements page by page, newest first") {
  money_fixture f(history());
  const auto farmer = f.run(f.money->balance_of(who(1, role::farmer)));
  REQUIRE(farmer.ok());
  CHECK(farmer->pending_fen == 3'800);
  CHECK(farmer->available_fen == 9'500 + 5'700);
  CHECK(farmer->paid_out_fen == 0);
  const auto partner = f.run(f.money->balance_of(who(2, role::partner)));
  CHECK(partner->pending_fen == 0);
  CHECK(partner->available_fen == 300);
  CHECK(f.run(f.money->balance_of(who(5, role::farmer)))->available_fen == 2'375);
  CHECK(f.run(f.money->balance_of(who(3, role::buyer))).err().code == errc::forbidden);
  CHECK(f.run(f.money->statement({who(4, role::admin), {}, {}, {}})).err().code == errc::forbidden);

  std::vector<line> lines;
  std::vector<int> sizes;
  std::vector<std::int64_t> ids;
  statement_query q{who(1, role::farmer), {}, {}, {{}, 4}};
  for (;;) {
    const auto page = f.run(f.money->statement(q));
    REQUIRE(page.ok());
    sizes.push_back(static_cast<int>(page->items.size()));
    for (const auto& e : page->items) {
      lines.push_back({e.order_id, e.kind, e.amount_fen});
      ids.push_back(e.id);
    }
    if (page->next_keys.empty()) break;
    CHECK(page->next_keys == std::vector<std::int64_t>{page->items.back().id});
    q.page.after = page->next_keys;
  }
  CHECK(sizes == std::vector<int>{4, 4, 1});
  CHECK(std::is_sorted(ids.rbegin(), ids.rend()));
  CHECK(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
  const std::vector<line> expected{
      {5, "refund_pending", -950},      {5, "payment_pending", 950},     {3, "delivery_available", 5'700},
      {3, "delivery_pending", -5'700},  {3, "payment_pending", 5'700},   {2, "payment_pending", 3'800},
      {1, "delivery_available", 9'500}, {1, "delivery_pending", -9'500}, {1, "payment_pending", 9'500}};
  CHECK(lines == expected);

  // [from, to): the second day only.
  const auto day2 = f.run(f.money->statement({who(1, role::farmer), t0 + one_day, t0 + 2 * one_day, {}}));
  REQUIRE(day2->items.size() == 1);
  CHECK(line{day2->items[0].order_id, day2->items[0].kind, day2->items[0].amount_fen} ==
        line{2, "payment_pending", 3'800});
  const auto fees = f.run(f.money->statement({who(2, role::partner), {}, {}, {}}));
  REQUIRE(fees->items.size() == 3);
  CHECK(fees->items[0].kind == "delivery_available");
  CHECK(fees->items[0].amount_fen == 300);
  CHECK(fees->items[2].kind == "payment_pending");
}

TEST_CASE("PostgreSQL money: hand-ins (404, 422, 409, a key's repeat), and station cash day by day") {
  money_fixture f(history());
  const auto key = [] {
    idempotency_key k{4, "POST /v1/stations/{partner_id}/cash-handins 2", "handin-1", {}};
    k.digest.fill(7);
    return k;
  }();
  CHECK(f.run(f.money->hand_in(handin(999, 100, t0 + 3 * one_day), std::nullopt, render)).status == 404);
  CHECK(f.run(f.money->hand_in(handin(1, 0, t0 + 3 * one_day), std::nullopt, render)).status == 404);  // a farmer
  CHECK(f.run(f.money->hand_in(handin(2, 0, t0 + 3 * one_day), std::nullopt, render)).status == 422);
  CHECK(f.run(f.money->hand_in(handin(2, -5, t0 + 3 * one_day), std::nullopt, render)).status == 422);
  const auto too_much = f.run(f.money->hand_in(handin(2, 6'001, t0 + 3 * one_day), std::nullopt, render));
  CHECK(too_much.status == 409);
  CHECK(too_much.body == "The partner holds 6000 fen of cash; 6001 fen cannot be handed in.");
  const auto first = f.run(f.money->hand_in(handin(2, 5'900, t0 + 3 * one_day), key, render));
  CHECK(first.status == 201);
  CHECK_FALSE(first.replayed);
  const auto again = f.run(f.money->hand_in(handin(2, 5'900, t0 + 3 * one_day), key, render));
  CHECK(again.status == 201);
  CHECK(again.replayed);
  CHECK(run_task(f.ioc, scalar(f.db, "SELECT count(*) FROM cash_handins")) == 1);

  const day_range days{d0, d0 + 10};
  CHECK(f.run(f.money->station_cash(who(1, role::farmer), 2, days)).err().code == errc::not_found);
  CHECK(f.run(f.money->station_cash(who(2, role::partner), 999, days)).err().code == errc::not_found);
  CHECK(f.run(f.money->station_cash(who(4, role::admin), 1, days)).err().code == errc::not_found);
  const auto cash = f.run(f.money->station_cash(who(2, role::partner), 2, days));
  REQUIRE(cash.ok());
  CHECK(cash->held_fen == 100);
  CHECK(cash->collected_fen == 7'000);
  CHECK(cash->handed_in_fen == 5'900);
  CHECK(cash->refunded_fen == 1'000);
  REQUIRE(cash->days.size() == 2);
  CHECK(cash->days[0].day == d0 + 2);
  CHECK(cash->days[0].collected_fen == 7'000);
  CHECK(cash->days[0].refunded_fen == 1'000);
  CHECK(cash->days[1].day == d0 + 3);
  CHECK(cash->days[1].handed_in_fen == 5'900);
}

TEST_CASE("PostgreSQL money: payouts keep back the cash a partner holds, platform figures, the ledger check") {
  money_fixture f(history());
  REQUIRE(f.run(f.money->hand_in(handin(2, 5'900, t0 + 3 * one_day), std::nullopt, render)).status == 201);
  // The partner has 300 available and holds 100: 100 settles the cash, 200 is paid.
  const auto paid = f.run(f.money->run_payouts(t0 + 4 * one_day));
  std::vector<std::tuple<payee_type, std::int64_t, std::int64_t>> got;
  for (const auto& p : paid) {
    got.emplace_back(p.type, p.payee_id, p.amount_fen);
    CHECK(p.id > 0);
    CHECK(p.created_at == t0 + 4 * one_day);
  }
  CHECK(got ==
        decltype(got){{payee_type::partner, 2, 200}, {payee_type::shop, 1, 15'200}, {payee_type::shop, 2, 2'375}});
  CHECK(f.run(f.money->run_payouts(t0 + 5 * one_day)).empty());
  const auto farmer = f.run(f.money->balance_of(who(1, role::farmer)));
  CHECK(farmer->pending_fen == 3'800);
  CHECK(farmer->available_fen == 0);
  CHECK(farmer->paid_out_fen == 15'200);
  const auto partner = f.run(f.money->balance_of(who(2, role::partner)));
  CHECK(partner->available_fen == 0);
  CHECK(partner->paid_out_fen == 200);
  const day_range days{d0, d0 + 10};
  const auto settled = f.run(f.money->station_cash(who(4, role::admin), 2, days));
  CHECK(settled->held_fen == 0);
  CHECK(settled->handed_in_fen == 6'000);
  REQUIRE(settled->days.size() == 3);
  CHECK(settled->days[2].day == d0 + 4);
  CHECK(settled->days[2].handed_in_fen == 100);

  const auto platform = f.run(f.money->platform(days));
  CHECK(platform.commission_fen == 1'125);
  CHECK(platform.delivery_fees_fen == 0);
  CHECK(platform.partner_fees_fen == 300);
  CHECK(platform.net_revenue_fen == 825);
  CHECK(platform.cash_fen == 10'000 + 4'000 + 2'500 + 5'900 - 17'775);
  CHECK(platform.station_cash_held_fen == 0);
  CHECK(platform.payouts_fen == 17'775);
  const auto later = f.run(f.money->platform({d0 + 10, d0 + 20}));
  CHECK(later.commission_fen == 0);
  CHECK(later.payouts_fen == 0);
  CHECK(later.cash_fen == 4'625);

  const auto books = f.run(f.money->check_ledger());
  CHECK(books.balanced);
  CHECK(books.mismatches.empty());
  CHECK(books.sum_fen == 0);
  CHECK(books.orders_checked == 5);
  CHECK(books.postings == run_task(f.ioc, scalar(f.db, "SELECT count(*) FROM ledger_postings")));
  run_task(f.ioc, more(f.db, {std::string("UPDATE ledger_balances SET amount_fen = amount_fen - 1 "
                                          "WHERE account = 'shop_available' AND owner_id = 1")}));
  const auto bad = f.run(f.money->check_ledger());
  CHECK_FALSE(bad.balanced);
  CHECK(bad.mismatches == std::vector<std::string>{"balance of shop_available/1 is -1 but its postings sum to 0"});
}

TEST_CASE("PostgreSQL money: two payout runs at once pay each balance once") {
  money_fixture f({});
  // Each round delivers an order of each shop (shop 3's with a fee for the partner), then runs
  // two payouts at once on two connections.
  std::int64_t next_order = 1;
  constexpr int rounds = 8;
  for (int round = 0; round < rounds; ++round) {
    const auto at = t0 + round * one_day;
    std::vector<money_step> steps;
    for (const std::int64_t shop : {1, 2, 3}) {
      sale s{.id = next_order++, .shop = shop, .status = order_status::delivered, .at = at};
      if (shop == 3) s.fee = partner_fee{2, partner_fee_kind::assisted_selling, 100};
      for (auto& step : sale_steps(s)) steps.push_back(std::move(step));
    }
    run_task(f.ioc, more(f.db, std::move(steps)));
    auto a = boost::asio::co_spawn(f.ioc, f.money->run_payouts(at + 7'200), boost::asio::use_future);
    auto b = boost::asio::co_spawn(f.ioc, f.money->run_payouts(at + 7'200), boost::asio::use_future);
    f.ioc.restart();
    {
      std::vector<std::jthread> threads;
      for (int i = 0; i < 2; ++i) threads.emplace_back([&f] { f.ioc.run(); });
    }
    std::map<std::pair<payee_type, std::int64_t>, std::int64_t> paid;
    for (auto* run : {&a, &b})
      for (const auto& p : run->get()) {
        INFO("round " << round << ": payee " << p.payee_id);
        CHECK(paid.emplace(std::pair{p.type, p.payee_id}, p.amount_fen).second);  // once per payee
      }
    CHECK(paid == decltype(paid){{{payee_type::shop, 1}, 950},
                                 {{payee_type::shop, 2}, 950},
                                 {{payee_type::shop, 3}, 950},
                                 {{payee_type::partner, 2}, 100}});
  }
  CHECK(run_task(f.ioc, scalar(f.db, "SELECT count(*) FROM payouts")) == 4 * rounds);
  CHECK(run_task(f.ioc, scalar(f.db,
                               "SELECT count(*) FROM ledger_balances WHERE account IN ('shop_available', "
                               "'partner_available') AND amount_fen <> 0")) == 0);
  const auto books = f.run(f.money->check_ledger());
  CHECK(books.balanced);
  for (const auto& m : books.mismatches) UNSCOPED_INFO(m);
}

TEST_CASE("PostgreSQL money: the fee schedule, replaced whole") {
  money_fixture f({});
  auto s = f.run(f.money->fee_schedule_in_force());
  CHECK(s == fee_schedule{});  // the schema's seed row: the defaults
  s.platform_commission_bps = 450;
  s.station_hold_days = 7;
  s.category_commission_bps = {{"tea", 800}, {"fruit", 300}};
  CHECK(f.run(f.money->replace_fee_schedule(s, t0)) == s);
  s.category_commission_bps.erase("tea");
  CHECK(f.run(f.money->replace_fee_schedule(s, t0 + 1)) == s);
  CHECK(f.run(f.money->fee_schedule_in_force()) == s);
}
