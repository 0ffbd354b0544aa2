#include "core/ledger.hpp"

#include <catch2/catch.hpp>
#include <random>

using namespace cunji;

namespace {
// An assisted order (both partner fees) of a partner-run shop, with address delivery.
order sample_order() {
  order o;
  o.id = 7;
  o.shop_id = 3;
  o.money.subtotal_fen = 10'000;
  o.money.delivery_fee_fen = 800;
  o.money.total_fen = 10'800;
  o.money.platform_commission_fen = 500;
  o.money.shop_proceeds_fen = 9'500;
  o.money.partner_fees = {{11, partner_fee_kind::assisted_buying, 300}, {12, partner_fee_kind::assisted_selling, 200}};
  return o;
}

std::int64_t amount_on(const std::vector<posting>& ps, ledger_account a, std::int64_t owner) {
  std::int64_t sum = 0;
  for (const auto& p : ps)
    if (p.account == a && p.owner_id == owner) sum += p.amount_fen;
  return sum;
}
}  // namespace

TEST_CASE("payment postings: cash in, proceeds and fees owed, the platform's net", "[core][ledger]") {
  const auto o = sample_order();
  const auto p = payment_postings(o);
  CHECK(sum_fen(p) == 0);
  CHECK(amount_on(p, ledger_account::cash, 0) == 10'800);
  CHECK(amount_on(p, ledger_account::shop_pending, 3) == -9'500);
  CHECK(amount_on(p, ledger_account::partner_pending, 11) == -300);
  CHECK(amount_on(p, ledger_account::partner_pending, 12) == -200);
  CHECK(amount_on(p, ledger_account::commission, 0) == -500);
  CHECK(amount_on(p, ledger_account::delivery_fees, 0) == -800);
  CHECK(amount_on(p, ledger_account::partner_fees_expense, 0) == 300 + 200);
}

TEST_CASE("delivery moves pending to available, and a refund reverses the payment", "[core][ledger]") {
  const auto o = sample_order();
  const auto d = delivery_postings(o);
  CHECK(sum_fen(d) == 0);
  CHECK(amount_on(d, ledger_account::shop_pending, 3) == 9'500);
  CHECK(amount_on(d, ledger_account::shop_available, 3) == -9'500);
  CHECK(amount_on(d, ledger_account::partner_available, 11) == -300);
  auto both = payment_postings(o);
  const auto r = refund_postings(o);
  both.insert(both.end(), r.begin(), r.end());
  CHECK(net_postings(both).empty());
}

TEST_CASE("payouts take from available and pay cash", "[core][ledger]") {
  const auto p = payout_postings(payee_type::partner, 11, 300);
  CHECK(sum_fen(p) == 0);
  CHECK(amount_on(p, ledger_account::partner_available, 11) == 300);
  CHECK(amount_on(p, ledger_account::cash, 0) == -300);
  CHECK(amount_on(payout_postings(payee_type::shop, 3, 50), ledger_account::shop_available, 3) == 50);
}

TEST_CASE("cash at a station is held by its partner, and Alipay refunds are owed until sent", "[core][ledger]") {
  auto o = sample_order();
  o.paid_with = payment{payment_method::cash_at_station, std::nullopt, 1, 40};
  CHECK(amount_on(payment_postings(o), ledger_account::station_cash, 40) == 10'800);
  CHECK(amount_on(payment_postings(o), ledger_account::cash, 0) == 0);
  CHECK(amount_on(refund_postings(o), ledger_account::station_cash, 40) == -10'800);
  o.paid_with = payment{payment_method::alipay, "T1", 2, std::nullopt};
  CHECK(amount_on(payment_postings(o), ledger_account::cash, 0) == 10'800);
  const auto r = refund_postings(o);
  CHECK(sum_fen(r) == 0);
  CHECK(amount_on(r, ledger_account::cash, 0) == 0);
  CHECK(amount_on(r, ledger_account::refunds_due, 0) == -10'800);
  const auto late = late_payment_postings(700);
  CHECK(sum_fen(late) == 0);
  CHECK(amount_on(late, ledger_account::refunds_due, 0) == -700);
}

TEST_CASE("a refund sent is no longer owed and leaves the platform's cash", "[core][ledger]") {
  auto o = sample_order();
  o.paid_with = payment{payment_method::alipay, "T1", 2, std::nullopt};
  const auto sent = refund_sent_postings(10'800);
  CHECK(sum_fen(sent) == 0);
  CHECK(amount_on(sent, ledger_account::refunds_due, 0) == 10'800);
  CHECK(amount_on(sent, ledger_account::cash, 0) == -10'800);
  // Paid, cancelled, refund sent: nothing left owed, and the money is back out.
  auto all = payment_postings(o);
  for (const auto& more : {refund_postings(o), sent}) all.insert(all.end(), more.begin(), more.end());
  CHECK(net_postings(all).empty());
  CHECK(to_string(entry_kind::refund_sent) == "refund_sent");
}

TEST_CASE("what an order's postings net to, by status", "[core][ledger]") {
  auto o = sample_order();
  o.status = order_status::placed;
  CHECK(expected_order_postings(o).empty());
  o.status = order_status::cancelled;
  CHECK(expected_order_postings(o).empty());  // never paid
  o.paid_with = payment{payment_method::cash_at_station, std::nullopt, 1, std::nullopt};
  CHECK(expected_order_postings(o).empty());  // paid and refunded in cash
  o.paid_with = payment{payment_method::alipay, "T", 2, std::nullopt};
  CHECK(expected_order_postings(o) ==
        net_postings({{ledger_account::cash, 0, 10'800}, {ledger_account::refunds_due, 0, -10'800}}));
  for (auto s : {order_status::paid, order_status::shipped}) {
    o.status = s;
    CHECK(expected_order_postings(o) == net_postings(payment_postings(o)));
  }
  o.status = order_status::delivered;
  const auto e = expected_order_postings(o);
  CHECK(amount_on(e, ledger_account::shop_pending, 3) == 0);
  CHECK(amount_on(e, ledger_account::shop_available, 3) == -9'500);
  CHECK(amount_on(e, ledger_account::cash, 0) == 10'800);
}

TEST_CASE("every money event balances, for random orders", "[core][ledger]") {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 1000; ++i) {
    order o;
    o.shop_id = 1 + static_cast<std::int64_t>(rng() % 5);
    o.money.subtotal_fen = static_cast<std::int64_t>(rng() % 10'000'000);
    o.money.delivery_fee_fen = static_cast<std::int64_t>(rng() % 2) * 800;
    o.money.total_fen = o.money.subtotal_fen + o.money.delivery_fee_fen;
    o.money.platform_commission_fen = apply_bps(o.money.subtotal_fen, static_cast<std::int64_t>(rng() % 10'001));
    o.money.shop_proceeds_fen = o.money.subtotal_fen - o.money.platform_commission_fen;
    if (rng() % 2)
      o.money.partner_fees.push_back({9, partner_fee_kind::assisted_buying, apply_bps(o.money.subtotal_fen, 300)});
    CHECK(sum_fen(payment_postings(o)) == 0);
    CHECK(sum_fen(delivery_postings(o)) == 0);
    CHECK(sum_fen(refund_postings(o)) == 0);
    if (rng() % 2) o.delivered_at = 1;
    CHECK(sum_fen(return_postings(o)) == 0);
  }
}

TEST_CASE("an accepted return refunds the total and takes back a delivery", "[core][ledger][returns]") {
  auto o = sample_order();
  o.paid_with = payment{payment_method::alipay, "T", 2, std::nullopt};
  o.status = order_status::refunded;
  SECTION("delivered: available proceeds and fees go back") {
    o.delivered_at = 100;
    const auto r = return_postings(o);
    CHECK(sum_fen(r) == 0);
    CHECK(amount_on(r, ledger_account::refunds_due, 0) == -10'800);
    CHECK(amount_on(r, ledger_account::shop_available, 3) == 9'500);
    CHECK(amount_on(r, ledger_account::shop_pending, 3) == 0);
    CHECK(amount_on(r, ledger_account::partner_available, 11) == 300);
    CHECK(amount_on(r, ledger_account::partner_available, 12) == 200);
    CHECK(amount_on(r, ledger_account::commission, 0) == 500);
    CHECK(amount_on(r, ledger_account::delivery_fees, 0) == 800);
  }
  SECTION("lost on its way (never delivered): pending proceeds go back") {
    const auto r = return_postings(o);
    CHECK(amount_on(r, ledger_account::shop_pending, 3) == 9'500);
    CHECK(amount_on(r, ledger_account::shop_available, 3) == 0);
    CHECK(amount_on(r, ledger_account::partner_pending, 11) == 300);
  }
  // Whatever happened before, a refunded Alipay order nets to the money owed back.
  CHECK(expected_order_postings(o) ==
        net_postings({{ledger_account::cash, 0, 10'800}, {ledger_account::refunds_due, 0, -10'800}}));
  o.paid_with = payment{payment_method::cash_at_station, std::nullopt, 1, 40};
  CHECK(expected_order_postings(o).empty());
}

TEST_CASE("ledger accounts by name", "[core][ledger]") {
  for (auto a : all_ledger_accounts) CHECK(parse_ledger_account(to_string(a)) == a);
  CHECK_FALSE(parse_ledger_account("bank"));
}

TEST_CASE("a hand-in and a settlement move a partner's station cash", "[core][ledger]") {
  const auto in = handin_postings(7, 5'000);
  CHECK(sum_fen(in) == 0);
  CHECK(amount_on(in, ledger_account::station_cash, 7) == -5'000);
  CHECK(amount_on(in, ledger_account::cash, 0) == 5'000);
  const auto kept = settlement_postings(7, 1'200);
  CHECK(sum_fen(kept) == 0);
  CHECK(amount_on(kept, ledger_account::station_cash, 7) == -1'200);
  CHECK(amount_on(kept, ledger_account::partner_available, 7) == 1'200);
}

TEST_CASE("a payout to a partner keeps back the cash it holds", "[core][ledger]") {
  CHECK(split_partner_payout(1'000, 0) == payout_split{0, 1'000});
  CHECK(split_partner_payout(1'000, 300) == payout_split{300, 700});
  CHECK(split_partner_payout(1'000, 1'000) == payout_split{1'000, 0});
  CHECK(split_partner_payout(1'000, 5'000) == payout_split{1'000, 0});
  // Held below zero (cash refunded after it was handed in) is paid back with the fees.
  CHECK(split_partner_payout(1'000, -200) == payout_split{-200, 1'200});
  CHECK(split_partner_payout(0, -200) == payout_split{-200, 200});
  CHECK(split_partner_payout(-50, -200) == payout_split{-200, 150});
  CHECK(split_partner_payout(-200, -200) == payout_split{});
  CHECK(split_partner_payout(-300, -200) == payout_split{});
  CHECK(split_partner_payout(0, 300) == payout_split{});
  CHECK(split_partner_payout(-50, 300) == payout_split{});
}
