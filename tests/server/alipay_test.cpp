// Paying with Alipay: the order is paid only when a genuine notification says so, once, however
// often it comes; anything forged or mismatched changes nothing and is answered `failure`; a
// payment that succeeds after the unpaid timer cancelled its order is refunded, never lost.
#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "db_snapshot.hpp"
#include "order_fixture.hpp"
#include "test_client.hpp"

using namespace cunji;
using namespace cunji::test;

namespace {
std::int64_t place(test_server& s, const market& m, const std::string& buyer, std::int64_t qty = 1) {
  auto r = s.post("/v1/orders", m.order_body(m.shop, m.listing, qty), buyer);
  REQUIRE(r.status == 201);
  return r.json().at("id").as_int64();
}
boost::json::object start(test_server& s, std::int64_t order, const std::string& token) {
  auto r = s.post("/v1/orders/" + std::to_string(order) + "/pay", R"({"method":"alipay"})", token);
  REQUIRE(r.status == 202);
  CHECK(r.json().at("status") == "placed");
  return r.json().at("payment").as_object();
}
std::string status_of(test_server& s, std::int64_t order, const std::string& token) {
  return std::string(s.get("/v1/orders/" + std::to_string(order), token).json().at("status").as_string());
}
}  // namespace

TEST_CASE("paying with Alipay: pending until the genuine notification, then paid once", "[server][payments][alipay]") {
  test_server s;
  market m(s, false, 100, 1'234);
  const auto buyer = s.new_user("buyer");
  const auto id = place(s, m, buyer, 2);
  const auto payment = start(s, id, buyer);
  CHECK(payment.at("status") == "pending");
  CHECK(payment.at("method") == "alipay");
  CHECK(payment.at("amount_fen").as_int64() == 2'468);
  // The order string is the signed app-pay request, as Alipay's gateway checks it.
  const auto request = alipay_fake::decode(payment.at("order_string").as_string());
  CHECK(request.at("method") == "alipay.trade.app.pay");
  CHECK(request.at("app_id") == alipay_fake::app_id);
  CHECK(alipay_fake::gateway_accepts(request));
  CHECK(request.at("biz_content").find(std::string(payment.at("out_trade_no").as_string())) != std::string::npos);
  CHECK(request.at("biz_content").find("\"24.68\"") != std::string::npos);
  CHECK(status_of(s, id, buyer) == "placed");

  const auto genuine = s.alipay_notification(payment, "2026120522001");
  std::vector<reply> answers(8);
  std::vector<std::thread> senders;
  for (auto& a : answers) senders.emplace_back([&] { a = s.notify(genuine); });
  for (auto& t : senders) t.join();
  for (const auto& a : answers) {
    CHECK(a.status == 200);
    CHECK(a.body == "success");
  }
  const auto o = s.get("/v1/orders/" + std::to_string(id), buyer).json();
  CHECK(o.at("status") == "paid");
  CHECK(o.at("payment").at("reference") == "2026120522001");
  auto p = s.get("/v1/payments/" + std::to_string(payment.at("id").as_int64()), buyer);
  REQUIRE(p.status == 200);
  CHECK(p.json().at("status") == "succeeded");
  CHECK(p.json().at("trade_no") == "2026120522001");
  // Paid once: one payment entry in the books, and the platform's cash holds the total once.
  CHECK(s.get("/v1/admin/platform", m.admin).json().at("cash_fen").as_int64() == 2'468);
  CHECK(m.ledger().at("balanced").as_bool());
  // Others do not see the payment.
  CHECK(s.get("/v1/payments/" + std::to_string(payment.at("id").as_int64()), s.new_user("buyer")).status == 404);
}

TEST_CASE("forged or mismatched notifications change nothing and are answered failure", "[server][payments][alipay]") {
  test_server s;
  market m(s, false, 100, 1'000);
  const auto buyer = s.new_user("buyer");
  const auto id = place(s, m, buyer);
  const auto payment = start(s, id, buyer);
  // Another payment, already paid, whose trade number a forger would replay.
  const auto other = place(s, m, buyer);
  s.pay(other, buyer);
  const auto other_trade = std::string(
      s.get("/v1/orders/" + std::to_string(other), buyer).json().at("payment").at("reference").as_string());

  const auto out_trade_no = std::string(payment.at("out_trade_no").as_string());
  auto genuine = alipay_fake::trade_success(out_trade_no, "10.00");
  genuine["trade_no"] = "2026120500001";
  struct forgery {
    const char* what;
    std::string body;
  };
  std::vector<forgery> forgeries;
  auto with = [&](const char* key, const char* value) {
    auto p = genuine;
    p[key] = value;
    return s.alipay().notification(p);
  };
  auto tampered = s.alipay().notification(genuine);
  tampered.replace(tampered.find("10.00"), 5, "10.01");  // the signature no longer matches
  forgeries.push_back({"a bad signature", tampered});
  forgeries.push_back({"signed by another key", s.alipay().notification(genuine, alipay_fake::key::merchant)});
  forgeries.push_back({"another app_id", with("app_id", "2021000000009999")});
  forgeries.push_back({"another seller_id", with("seller_id", "2088000000009999")});
  forgeries.push_back({"an unknown out_trade_no", with("out_trade_no", "CJ-NOT-OURS")});
  forgeries.push_back({"an amount one fen off", with("total_amount", "10.01")});
  forgeries.push_back({"an amount one fen short", with("total_amount", "9.99")});
  forgeries.push_back({"a trade number of another payment", with("trade_no", other_trade.c_str())});
  forgeries.push_back({"a buyer still paying", with("trade_status", "WAIT_BUYER_PAY")});
  forgeries.push_back({"not a form", "{\"trade_status\":\"TRADE_SUCCESS\"}"});
  const auto before = s.snapshot();
  for (const auto& f : forgeries) {
    INFO(f.what);
    const auto r = s.notify(f.body);
    CHECK(r.status == 400);
    CHECK(r.body == "failure");
  }
  CHECK(differences(before, s.snapshot()).empty());
  CHECK(status_of(s, id, buyer) == "placed");
  const auto metrics = s.get("/metrics").body;
  for (const char* outcome :
       {"signature", "app_id", "seller_id", "unknown_payment", "amount_mismatch", "trade_no_reused", "status", "form"})
    CHECK(metrics.find(std::string("outcome=\"") + outcome + "\"") != std::string::npos);
  // The genuine one still pays.
  CHECK(s.notify(s.alipay().notification(genuine)).body == "success");
  CHECK(status_of(s, id, buyer) == "paid");
}

TEST_CASE("TRADE_CLOSED closes the payment and leaves the order placed", "[server][payments][alipay]") {
  test_server s;
  market m(s);
  const auto buyer = s.new_user("buyer");
  const auto id = place(s, m, buyer);
  const auto payment = start(s, id, buyer);
  CHECK(s.notify(s.alipay_notification(payment, "2026120500002", "TRADE_CLOSED")).body == "success");
  CHECK(status_of(s, id, buyer) == "placed");
  CHECK(s.get("/v1/payments/" + std::to_string(payment.at("id").as_int64()), buyer).json().at("status") == "closed");
  // A second attempt can still pay it.
  s.pay(id, buyer);
  CHECK(status_of(s, id, buyer) == "paid");
  CHECK(m.ledger().at("balanced").as_bool());
}

TEST_CASE("the unpaid timer racing a genuine notification: paid, or cancelled and refunded",
          "[server][payments][alipay]") {
  test_server s;
  market m(s, false, 10'000, 700);
  const auto buyer = s.new_user("buyer");
  int paid = 0, refunded = 0;
  const int rounds = 200;
  for (int i = 0; i < rounds; ++i) {
    const auto id = place(s, m, buyer, 1 + i % 3);
    const auto payment = start(s, id, buyer);
    const auto body = s.alipay_notification(payment, "R" + std::to_string(i));
    s.advance_clock(31 * 60);
    reply answer;
    std::thread notifier([&] { answer = s.notify(body); });
    s.run_timers();
    notifier.join();
    CHECK(answer.body == "success");
    const auto o = s.get("/v1/orders/" + std::to_string(id), buyer).json();
    const auto p = s.get("/v1/payments/" + std::to_string(payment.at("id").as_int64()), buyer).json();
    CHECK(p.at("status") == "succeeded");  // the buyer's money is recorded either way
    if (o.at("status") == "paid") {
      ++paid;
    } else {
      REQUIRE(o.at("status") == "cancelled");
      CHECK(o.at("cancel_reason") == "unpaid_timeout");
      ++refunded;
    }
  }
  INFO("paid " << paid << ", cancelled and refunded " << refunded);
  CHECK(paid + refunded == rounds);
  const auto ledger = m.ledger();
  CHECK(ledger.at("balanced").as_bool());
  // Stock conserved: what is gone is exactly what the paid orders took.
  auto orders = s.get("/v1/orders?limit=100", buyer);
  std::int64_t sold = 0;
  std::string next;
  for (;;) {
    const auto orders_doc = orders.json();  // the loop reads into it: it must outlive the loop
    for (const auto& o : orders_doc.at("items").as_array())
      if (o.at("status") == "paid") sold += o.at("items").as_array().at(0).at("quantity").as_int64();
    if (orders.json().at("next_cursor").is_null()) break;
    orders = s.get("/v1/orders?limit=100&cursor=" + std::string(orders.json().at("next_cursor").as_string()), buyer);
  }
  CHECK(m.stock_of(m.listing) == 10'000 - sold);
  // Every refund is owed: the money paid for cancelled orders is in refunds due.
  const auto f = s.get("/v1/admin/platform", m.admin).json();
  CHECK(f.at("cash_fen").as_int64() > 0);
}

TEST_CASE("a retried Alipay pay request replays its answer, even once the order is about to expire",
          "[server][payments][alipay][idempotency]") {
  test_server s;
  market m(s, false, 100, 1'000);
  const auto buyer = s.new_user("buyer");
  const auto id = place(s, m, buyer);
  const header_list keyed{
      {"Authorization", "Bearer " + buyer}, {"Content-Type", "application/json"}, {"Idempotency-Key", "pay-once"}};
  const auto path = "/v1/orders/" + std::to_string(id) + "/pay";
  const auto first = s.send(http::verb::post, path, R"({"method":"alipay"})", keyed);
  REQUIRE(first.status == 202);
  // Past the unpaid timeout, before the timer has run: a new request is refused (no trade may
  // outlive the order), but the retry of the one that was answered gets that answer again.
  s.advance_clock(31 * 60);
  const auto fresh = s.post(path, R"({"method":"alipay"})", buyer);
  CHECK(fresh.status == 409);
  const auto again = s.send(http::verb::post, path, R"({"method":"alipay"})", keyed);
  CHECK(again.status == 202);
  CHECK(again.header("idempotent-replayed") == "true");
  CHECK(again.body == first.body);
}
