// Payments on the PostgreSQL engine, through the storage seam (storage/payments.hpp): paying,
// the provider's notices, the timers, refunds owed; and the races that settle money, each run
// with its writes gated so that all of them start before any can finish.
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "order_rows.hpp"
#include "storage/postgresql/pg_store.hpp"
#include "storage/postgresql/sql/order_moves.hpp"
#include "storage/postgresql/sql/payments.hpp"
#include "storage/postgresql/sql/stores.hpp"

using namespace cunji;
using namespace cunji::storage;
using cunji::test::run_task;
namespace rows = cunji::test::rows;

namespace {

// 201 "<order status> <payment status> <payment id>", or 400 "<error code>[:<first field>]".
answer render(const result<pay_outcome>& r) {
  if (!r.ok()) return {400, rows::code_of(r.err())};
  return {201, std::string(to_string(r->paid.status)) + " " + std::string(to_string(r->payment.status)) + " " +
                   std::to_string(r->payment.id)};
}

idempotency_key key(std::int64_t caller, std::string k) {
  return {caller, "POST /v1/orders/{id}/pay", std::move(k), {}};
}

task<std::int64_t> paid_in_full(pg::connection& c, std::int64_t id, payment_method m) {
  auto o = co_await pg::find_order(c, id);
  std::optional<std::string> trade_no;
  std::optional<std::int64_t> held_by;
  if (m == payment_method::alipay) trade_no = "A" + std::to_string(id);
  else held_by = rows::partner.id;
  const auto p = co_await pg::pay_in_full(c, *o, m, trade_no, held_by, 500);
  co_return p.id;
}

task<int> cancelled(pg::connection& c, std::int64_t id, unix_seconds now) {
  auto o = co_await pg::find_order(c, id);
  co_await pg::cancel_order(c, *o, std::string("changed my mind"), now);
  co_return 1;
}

task<int> refunded_late(pg::connection& c, std::int64_t order_id, std::int64_t payment_id) {
  const auto o = co_await pg::find_order(c, order_id);
  const auto p = co_await pg::find_payment(c, payment_id);
  co_await pg::refund_late_payment(c, *o, *p, 1'000);
  co_return 1;
}

task<int> timers_cancelled(payment_store& s, unix_seconds now) {
  co_return (co_await s.run_timers(now)).unpaid_cancelled;
}
task<int> notice_outcome(payment_store& s, payment_notice n) { co_return static_cast<int>(co_await s.apply_notice(n)); }

struct fixture : rows::market_fixture {
  std::unique_ptr<payment_store> payments = pg::make_payment_store(e);

  answer pay(account caller, std::int64_t order, payment_method m, std::string out_trade_no, std::int64_t amount,
             std::string k = "k") {
    pay_request r{caller, order, m, std::move(out_trade_no), amount, {}, 1'000};
    return run_task(ioc, payments->pay(std::move(r), key(caller.id, std::move(k)), render));
  }
  notice_result notice(std::string out_trade_no, std::string trade_no, notice_status s = notice_status::succeeded,
                       std::int64_t amount = 3000, unix_seconds now = 2'000) {
    return run_task(ioc, payments->apply_notice({std::move(out_trade_no), std::move(trade_no), amount, s, now}));
  }
  std::int64_t paid(std::int64_t id, payment_method m) {
    return run_task(ioc, e.write<std::int64_t>([id, m](pg::connection& c) { return paid_in_full(c, id, m); }));
  }
};

}  // namespace

TEST_CASE("PostgreSQL payments: Alipay, the provider's notices, reading a payment") {
  fixture f;
  f.sql(rows::order_sql(1, "placed", 900) + rows::order_sql(2, "placed", 900));
  CHECK(f.pay(rows::stranger, 1, payment_method::alipay, "T1", 3000).body == "not_found");
  CHECK(f.pay(rows::farmer, 1, payment_method::alipay, "T1", 3000).body == "forbidden");
  CHECK(f.pay(rows::buyer, 1, payment_method::cash_at_station, "", 0).body == "validation_failed:method");
  CHECK(f.pay(rows::partner, 1, payment_method::alipay, "T1", 3000).body == "forbidden");
  CHECK(f.pay(rows::buyer, 1, payment_method::alipay, "T1", 2999, "k2").body == "conflict");
  const auto first = f.pay(rows::buyer, 1, payment_method::alipay, "T1", 3000, "k3");
  const auto id = f.number("SELECT id FROM payments WHERE out_trade_no = 'T1'");
  CHECK(first.status == 201);
  CHECK(first.body == "placed pending " + std::to_string(id));
  const auto again = f.pay(rows::buyer, 1, payment_method::alipay, "T1", 3000, "k3");
  CHECK(again.replayed);
  CHECK(again.body == first.body);

  CHECK(f.notice("T1", "A1", notice_status::succeeded, 2999) == notice_result::amount_mismatch);
  CHECK(f.notice("nope", "A1") == notice_result::unknown_payment);
  CHECK(f.value("SELECT status FROM orders WHERE id = 1") == "placed");
  CHECK(f.notice("T1", "A1") == notice_result::recorded);
  CHECK(f.value("SELECT status || ' ' || payment_reference || ' ' || payment_id FROM orders WHERE id = 1") ==
        "paid A1 " + std::to_string(id));
  CHECK(f.notice("T1", "A1") == notice_result::acknowledged);
  CHECK(f.number("SELECT count(*) FROM ledger_entries WHERE kind = 'payment'") == 1);
  CHECK(f.number("SELECT amount_fen FROM ledger_balances WHERE account = 'shop_pending' AND owner_id = 1") == -2850);
  CHECK(f.books_balance(1));
  CHECK(f.pay(rows::buyer, 1, payment_method::alipay, "T9", 3000, "k4").body == "invalid_transition");

  // Another payment: the provider's trade number is taken; then it closes unpaid, once.
  REQUIRE(f.pay(rows::buyer, 2, payment_method::alipay, "T2", 3000, "k5").status == 201);
  CHECK(f.notice("T2", "A1") == notice_result::trade_no_reused);
  CHECK(f.notice("T2", "A2", notice_status::closed) == notice_result::recorded);
  CHECK(f.value("SELECT status || by_notice FROM payments WHERE out_trade_no = 'T2'") == "closed1");
  CHECK(f.value("SELECT status FROM orders WHERE id = 2") == "placed");
  CHECK(f.notice("T2", "A2", notice_status::closed) == notice_result::acknowledged);

  const auto seen = run_task(f.ioc, f.payments->find(id, rows::buyer));
  REQUIRE(seen.ok());
  CHECK(seen->status == payment_status::succeeded);
  CHECK(seen->trade_no == "A1");
  CHECK(seen->settled_by_notice);
  CHECK(seen->order_ids == std::vector<std::int64_t>{1});
  CHECK(seen->confirmed_at == 2'000);
  CHECK(run_task(f.ioc, f.payments->find(id, rows::partner)).ok());  // the station's partner
  CHECK(run_task(f.ioc, f.payments->find(id, rows::stranger)).err().code == errc::not_found);
  CHECK(run_task(f.ioc, f.payments->find(999, rows::admin)).err().code == errc::not_found);
}

TEST_CASE("PostgreSQL payments: cash at the station is paid at once and held by the partner") {
  fixture f;
  f.sql(rows::order_sql(1, "placed", 900));
  const auto a = f.pay(rows::partner, 1, payment_method::cash_at_station, "", 0);
  CHECK(a.status == 201);
  CHECK(a.body.starts_with("paid succeeded "));
  CHECK(f.value("SELECT out_trade_no || ' ' || collected_by FROM payments") == "cash-1 3");
  CHECK(f.value("SELECT payment_method || ' ' || payment_collected_by FROM orders WHERE id = 1") ==
        "cash_at_station 3");
  CHECK(f.number("SELECT amount_fen FROM ledger_balances WHERE account = 'station_cash' AND owner_id = 3") == 3000);
  CHECK(f.books_balance(1));
  CHECK(f.notice("cash-1", "A1") == notice_result::unknown_payment);
}

TEST_CASE("PostgreSQL payments: the timers cancel, deliver and send back, each once") {
  fixture f;
  const unix_seconds now = 10'000'000;
  f.sql(rows::order_sql(1, "placed", now - 1801) + rows::order_sql(2, "placed", now - 1799));
  for (std::int64_t id = 3; id <= 6; ++id) f.sql(rows::order_sql(id, "placed", 900, id <= 4));
  REQUIRE(f.pay(rows::buyer, 1, payment_method::alipay, "T1", 3000).status == 201);
  for (std::int64_t id = 3; id <= 5; ++id) f.paid(id, payment_method::alipay);
  const auto cash = f.paid(6, payment_method::cash_at_station);
  const auto shipped = std::to_string(now - 10 * 86'400);
  const auto arrived = std::to_string(now - 14 * 86'400);
  f.sql("UPDATE orders SET status = 'shipped', shipped_at = " + shipped + " WHERE id IN (3, 4);" +
        "UPDATE orders SET status = 'at_station', shipped_at = 0, arrived_at = " + arrived + " WHERE id IN (5, 6);" +
        "INSERT INTO returns (order_id, shop_id, requested_by, status, lost, reason, refund_fen, created_at) "
        "VALUES (4, 1, 2, 'requested', 1, '没收到', 3800, 0);");

  const auto report = run_task(f.ioc, f.payments->run_timers(now));
  CHECK(report.unpaid_cancelled == 1);
  CHECK(report.auto_delivered == 1);
  CHECK(report.returned_to_shop == 2);
  CHECK_FALSE(report.more);
  CHECK(f.value("SELECT string_agg(status, ' ' ORDER BY id) FROM orders") ==
        "cancelled placed delivered shipped returned_to_shop returned_to_shop");
  CHECK(f.value("SELECT cancel_reason FROM orders WHERE id = 1") == "unpaid_timeout");
  CHECK(f.number("SELECT stock FROM listings WHERE id = 1") == 12);
  CHECK(f.value("SELECT status || by_notice FROM payments WHERE out_trade_no = 'T1'") == "closed0");
  // The Alipay parcel's money is owed back; the cash goes back out of the partner's hands.
  CHECK(f.value("SELECT string_agg(order_id || ' ' || out_request_no || ' ' || amount_fen, ',') FROM refunds") ==
        "5 R" + f.value("SELECT payment_id FROM orders WHERE id = 5") + "-1 3000");
  CHECK(f.number("SELECT amount_fen FROM ledger_balances WHERE account = 'station_cash' AND owner_id = 3") == 0);
  CHECK(f.value("SELECT payment_id FROM orders WHERE id = 6") == std::to_string(cash));
  for (std::int64_t id = 1; id <= 6; ++id) CHECK(f.books_balance(id));

  const auto later = run_task(f.ioc, f.payments->run_timers(now));
  CHECK(later.unpaid_cancelled + later.auto_delivered + later.returned_to_shop == 0);
}

namespace {
// The unpaid orders the timers cancel while another transaction holds their advisory lock (as
// another server's run would), then once it has committed.
task<std::pair<int, int>> timers_while_locked(std::string db, payment_store& s, unix_seconds now) {
  auto other = co_await pg::connection::open(co_await boost::asio::this_coro::executor, db, std::chrono::seconds(10));
  co_await other->query("BEGIN");
  co_await other->query("SELECT pg_advisory_xact_lock($1)", pg::params(pg::order_timers_lock));
  const auto locked = (co_await s.run_timers(now)).unpaid_cancelled;
  co_await other->query("COMMIT");
  const auto after = (co_await s.run_timers(now)).unpaid_cancelled;
  co_return std::pair{locked, after};
}
}  // namespace

TEST_CASE("PostgreSQL payments: the timers run one server at a time") {
  fixture f;
  const unix_seconds now = 10'000'000;
  f.sql(rows::order_sql(1, "placed", now - 1801));
  const auto [locked, after] = run_task(f.ioc, timers_while_locked(f.db, *f.payments, now));
  CHECK(locked == 0);  // another run under way: this one does nothing, at once
  CHECK(after == 1);
  CHECK(f.value("SELECT status || ' ' || cancel_reason FROM orders WHERE id = 1") == "cancelled unpaid_timeout");
  CHECK(f.books_balance(1));
}

TEST_CASE("PostgreSQL payments: each server runs the timers on its own schedule") {
  fixture f;
  const unix_seconds now = 10'000'000;
  f.sql(rows::order_sql(1, "placed", now - 1801) + rows::order_sql(2, "placed", now - 60));
  const auto stock_before = f.number("SELECT stock FROM listings WHERE id = 1");
  const auto ordered = f.number("SELECT sum(quantity) FROM order_items WHERE order_id = 1 AND listing_id = 1");
  REQUIRE(ordered > 0);
  std::vector<std::unique_ptr<pg::pg_store>> servers;
  for (int i = 0; i < 2; ++i) {
    pg::pg_store_options o{.conninfo = f.db, .connections = 2};
    o.clock = [at = now] { return at; };
    o.timers_every = std::chrono::milliseconds(20);
    servers.push_back(std::make_unique<pg::pg_store>(std::move(o)));
  }
  std::string status;
  for (int i = 0; i < 250 && status != "cancelled"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    status = f.value("SELECT status FROM orders WHERE id = 1");
  }
  // Both servers ran them (each at least twice more) and nothing failed.
  const auto runs = [&](std::size_t i) {
    std::string m;
    servers[i]->render_metrics(m);
    return m;
  };
  const auto done_after = [&](std::size_t i) {
    const auto m = runs(i);
    const auto at = m.find("cunji_order_timer_runs_total{outcome=\"done\"} ");
    REQUIRE(at != std::string::npos);
    return std::stoll(m.substr(at + m.substr(at).find(' ') + 1));
  };
  const auto first = std::pair{done_after(0), done_after(1)};
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  for (auto& s : servers) s->close();
  CHECK(status == "cancelled");
  CHECK(f.value("SELECT status FROM orders WHERE id = 2") == "placed");  // not due
  CHECK(done_after(0) > first.first);
  CHECK(done_after(1) > first.second);
  for (std::size_t i = 0; i < 2; ++i)
    CHECK(runs(i).find("cunji_order_timer_runs_total{outcome=\"failed\"} 0\n") != std::string::npos);
  CHECK(f.number("SELECT stock FROM listings WHERE id = 1") == stock_before + ordered);  // given back once
  CHECK(f.books_balance(1));
}

TEST_CASE("PostgreSQL payments: refunds owed are listed when due and confirmed once") {
  fixture f;
  f.sql(rows::order_sql(1, "placed", 900) + rows::order_sql(2, "placed", 900) + rows::order_sql(3, "placed", 900));
  const auto p1 = f.paid(1, payment_method::alipay);
  f.paid(2, payment_method::alipay);
  f.paid(3, payment_method::cash_at_station);
  for (std::int64_t id = 1; id <= 3; ++id)
    run_task(f.ioc, f.e.write<int>([id](pg::connection& c) { return cancelled(c, id, 999 + id); }));
  const auto r1 = f.number("SELECT id FROM refunds WHERE order_id = 1");
  const auto r2 = f.number("SELECT id FROM refunds WHERE order_id = 2");
  CHECK(f.number("SELECT count(*) FROM refunds") == 2);  // cash was handed back at once

  auto due = run_task(f.ioc, f.payments->due_refunds(2'000, 10));
  REQUIRE(due.size() == 2);
  CHECK(due[0].id == r1);
  CHECK(due[0].out_trade_no == "paid-1");
  CHECK(due[0].out_request_no == "R" + std::to_string(p1) + "-1");
  CHECK(due[0].amount_fen == 3000);
  CHECK(due[0].attempts == 0);
  CHECK(due[0].created_at == 1'000);
  CHECK(run_task(f.ioc, f.payments->due_refunds(2'000, 1)).size() == 1);

  CHECK(run_task(f.ioc, f.payments->record_refund({r1, false, 2'000})) == refund_recorded::retry_later);
  CHECK(f.value("SELECT attempts || ' ' || next_attempt_at FROM refunds WHERE id = " + std::to_string(r1)) == "1 2060");
  due = run_task(f.ioc, f.payments->due_refunds(2'000, 10));
  REQUIRE(due.size() == 1);
  CHECK(due[0].id == r2);
  due = run_task(f.ioc, f.payments->due_refunds(2'060, 10));
  REQUIRE(due.size() == 2);
  CHECK(due[1].id == r1);
  CHECK(due[1].attempts == 1);
  CHECK(run_task(f.ioc, f.payments->record_refund({r1, false, 2'060})) == refund_recorded::retry_later);
  CHECK(f.number("SELECT next_attempt_at FROM refunds WHERE id = " + std::to_string(r1)) == 2'180);

  CHECK(run_task(f.ioc, f.payments->record_refund({r2, true, 2'100})) == refund_recorded::sent);
  CHECK(run_task(f.ioc, f.payments->record_refund({r2, true, 2'200})) == refund_recorded::already_sent);
  CHECK(run_task(f.ioc, f.payments->record_refund({999, true, 2'200})) == refund_recorded::unknown);
  CHECK(f.value("SELECT status || ' ' || confirmed_at FROM refunds WHERE id = " + std::to_string(r2)) ==
        "succeeded 2100");
  CHECK(f.number("SELECT count(*) FROM ledger_entries WHERE kind = 'refund_sent' AND refund_id = " +
                 std::to_string(r2)) == 1);
  CHECK(f.number("SELECT amount_fen FROM ledger_balances WHERE account = 'refunds_due'") == -3000);
  CHECK(f.number("SELECT amount_fen FROM ledger_balances WHERE account = 'cash'") == 3000);
  CHECK(run_task(f.ioc, f.payments->due_refunds(1'000'000, 10)).size() == 1);
}

TEST_CASE("PostgreSQL payments: a payment that succeeds after the timer cancelled its order is refunded") {
  fixture f;
  f.sql(rows::order_sql(1, "placed", 0));
  REQUIRE(f.pay(rows::buyer, 1, payment_method::alipay, "T1", 3000).status == 201);
  CHECK(run_task(f.ioc, f.payments->run_timers(1'000'000)).unpaid_cancelled == 1);
  CHECK(f.notice("T1", "A1") == notice_result::recorded);
  CHECK(f.value("SELECT status || by_notice || trade_no FROM payments") == "succeeded1A1");
  CHECK(f.value("SELECT status FROM orders") == "cancelled");
  const auto p = f.value("SELECT id FROM payments");
  CHECK(f.value("SELECT order_id || ' R' || payment_id || ' ' || amount_fen FROM refunds") == "1 R" + p + " 3000");
  CHECK(f.value("SELECT e.payment_id = " + p +
                " AND e.refund_id = r.id FROM ledger_entries e, refunds r "
                "WHERE e.kind = 'late_payment'") == "t");
  CHECK(f.number("SELECT amount_fen FROM ledger_balances WHERE account = 'refunds_due'") == -3000);
  CHECK(f.books_balance(1));  // the order itself was never paid
  CHECK(f.notice("T1", "A1") == notice_result::acknowledged);
  CHECK(f.number("SELECT count(*) FROM refunds") == 1);
}

TEST_CASE("PostgreSQL payments race: identical notices at once settle the payment once") {
  fixture f;
  f.sql(rows::order_sql(1, "placed", 900));
  REQUIRE(f.pay(rows::buyer, 1, payment_method::alipay, "T1", 3000).status == 201);
  auto gate = run_task(f.ioc, rows::hold(f.db, "SELECT 1 FROM payments FOR UPDATE"));
  const payment_notice n{"T1", "A1", 3000, notice_status::succeeded, 2'000};
  auto& s = *f.payments;
  const auto got = rows::race<int>(f.ioc, *gate,
                                   {[&] { return notice_outcome(s, n); }, [&] { return notice_outcome(s, n); },
                                    [&] { return notice_outcome(s, n); }});
  CHECK(std::count(got.begin(), got.end(), static_cast<int>(notice_result::recorded)) == 1);
  CHECK(std::count(got.begin(), got.end(), static_cast<int>(notice_result::acknowledged)) == 2);
  CHECK(f.number("SELECT count(*) FROM ledger_entries") == 1);
  CHECK(f.value("SELECT status FROM orders") == "paid");
  CHECK(f.books_balance(1));
}

TEST_CASE("PostgreSQL payments race: a notice and the unpaid timer at once, never both, never neither") {
  fixture f;
  const unix_seconds now = 1'000'000;
  // Gated on the order, then on the payment: the two writes meet in either order.
  for (std::int64_t id = 1; id <= 2; ++id) {
    const auto n = std::to_string(id);
    f.sql(rows::order_sql(id, "placed", 0));
    REQUIRE(f.pay(rows::buyer, id, payment_method::alipay, "T" + n, 3000, "k" + n).status == 201);
    const auto p = f.value("SELECT id FROM payments WHERE out_trade_no = 'T" + n + "'");
    auto gate = run_task(f.ioc, rows::hold(f.db, id == 1 ? "SELECT 1 FROM orders WHERE id = 1 FOR UPDATE"
                                                         : "SELECT 1 FROM payments WHERE id = " + p + " FOR UPDATE"));
    const payment_notice notice{"T" + n, "A" + n, 3000, notice_status::succeeded, now};
    auto& s = *f.payments;
    const auto got = rows::race<int>(
        f.ioc, *gate, {[&] { return timers_cancelled(s, now); }, [&] { return notice_outcome(s, notice); }});
    CHECK(got[1] == static_cast<int>(notice_result::recorded));
    const auto status = f.value("SELECT status FROM orders WHERE id = " + n);
    const auto refunds = f.number("SELECT count(*) FROM refunds WHERE payment_id = " + p);
    const auto late = f.number("SELECT count(*) FROM ledger_entries WHERE kind = 'late_payment' AND payment_id = " + p);
    const auto stock = f.number("SELECT stock FROM listings WHERE id = 1");
    if (status == "paid") {
      CHECK(got[0] == 0);
      CHECK(refunds + late == 0);
      CHECK(stock == 10);
    } else {
      CHECK(status == "cancelled");
      CHECK(got[0] == 1);
      CHECK(refunds == 1);
      CHECK(late == 1);
      CHECK(stock == 12);
      f.sql("UPDATE listings SET stock = 10");
    }
    CHECK(f.value("SELECT status FROM payments WHERE id = " + p) == "succeeded");
    CHECK(f.books_balance(id));
  }
  CHECK(f.number("SELECT amount_fen FROM ledger_balances WHERE account = 'cash'") == 6000);
}

TEST_CASE("PostgreSQL payments race: two cash payments at once, the second finds the order paid") {
  fixture f;
  auto& s = *f.payments;
  // Without idempotency keys the two writes share nothing but the order. Several rounds: how
  // the two interleave varies.
  for (std::int64_t id = 1; id <= 4; ++id) {
    f.sql(rows::order_sql(id, "placed", 900));
    auto gate = run_task(f.ioc,
                         rows::hold(f.db, "SELECT 1 FROM orders WHERE id = " + std::to_string(id) + " FOR UPDATE"));
    auto cash = [&s, id] {
      return s.pay({rows::partner, id, payment_method::cash_at_station, "", 0, {}, 1'000}, std::nullopt, render);
    };
    const auto got = rows::race<answer>(f.ioc, *gate, {cash, cash});
    CHECK(got[0].status + got[1].status == 201 + 400);
    CHECK((got[0].body == "invalid_transition" || got[1].body == "invalid_transition"));
  }
  CHECK(f.number("SELECT count(*) FROM payments") == 4);
  CHECK(f.number("SELECT count(*) FROM ledger_entries") == 4);
}

TEST_CASE("PostgreSQL payments race: refunds of one payment at once get numbers of their own") {
  fixture f;
  // One payment of two orders, both cancelled before it succeeded: each order's money is owed back.
  f.sql(rows::order_sql(1, "cancelled", 900) + rows::order_sql(2, "cancelled", 900) +
        "INSERT INTO payments (id, method, status, amount_fen, out_trade_no, trade_no, started_by, created_at) "
        "VALUES (1, 'alipay', 'succeeded', 6000, 'T1', 'A1', 2, 900);"
        "INSERT INTO payment_orders VALUES (1, 1), (1, 2);");
  auto gate = run_task(f.ioc, rows::hold(f.db, "LOCK TABLE refunds IN SHARE MODE"));
  auto refund = [&f](std::int64_t id) {
    return [&f, id] { return f.e.write<int>([id](pg::connection& c) { return refunded_late(c, id, 1); }); };
  };
  CHECK(rows::race<int>(f.ioc, *gate, {refund(1), refund(2)}) == std::vector<int>{1, 1});
  CHECK(f.value("SELECT string_agg(out_request_no, ' ' ORDER BY out_request_no) FROM refunds") == "R1-1 R1-2");
  CHECK(f.number("SELECT count(*) FROM ledger_entries WHERE kind = 'late_payment'") == 2);
}

TEST_CASE("PostgreSQL payments race: a refund confirmed twice at once is posted once") {
  fixture f;
  f.sql(rows::order_sql(1, "placed", 900));
  f.paid(1, payment_method::alipay);
  run_task(f.ioc, f.e.write<int>([](pg::connection& c) { return cancelled(c, 1, 1'000); }));
  const auto id = f.number("SELECT id FROM refunds");
  auto gate = run_task(f.ioc, rows::hold(f.db, "SELECT 1 FROM refunds FOR UPDATE"));
  auto& s = *f.payments;
  auto confirm = [&s, id] { return s.record_refund({id, true, 2'000}); };
  const auto got = rows::race<refund_recorded>(f.ioc, *gate, {confirm, confirm});
  CHECK(std::count(got.begin(), got.end(), refund_recorded::sent) == 1);
  CHECK(std::count(got.begin(), got.end(), refund_recorded::already_sent) == 1);
  CHECK(f.number("SELECT count(*) FROM ledger_entries WHERE kind = 'refund_sent'") == 1);
}
