// Refunds owed to Alipay buyers are sent to Alipay's gateway (a fake one on loopback here): a
// cancelled paid order's refund goes out once Alipay confirms it, is retried later with the same
// out_request_no while it is not confirmed, and is never posted twice in the books.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "order_fixture.hpp"
#include "support/alipay_gateway.hpp"
#include "test_client.hpp"

using namespace cunji;
using namespace cunji::test;
using gateway_answer = alipay_gateway::answer;

namespace {

struct refund_row {
  std::int64_t id = 0;
  std::string status;
  std::int64_t attempts = 0, next_attempt_at = 0;
  std::optional<std::int64_t> confirmed_at;
};

std::vector<refund_row> refunds_of(test_server& s) {
  std::vector<refund_row> out;
  for (const auto& r :
       s.rows("SELECT id, status, attempts, next_attempt_at, confirmed_at FROM refunds ORDER BY id", 5)) {
    const auto num = [](const std::optional<std::string>& v) { return std::stoll(v.value()); };
    out.push_back(
        {num(r[0]), r[1].value(), num(r[2]), num(r[3]), r[4] ? std::optional<std::int64_t>(num(r[4])) : std::nullopt});
  }
  return out;
}

std::int64_t sql_number(test_server& s, const std::string& sql) { return s.number(sql); }

std::int64_t refunds_due(test_server& s) {
  return sql_number(s, "SELECT coalesce(-sum(amount_fen), 0) FROM ledger_balances WHERE account = 'refunds_due'");
}

// A paid Alipay order of 12.34 yuan, cancelled by its shop: 1,234 fen owed back to the buyer.
std::string cancelled_paid_order(test_server& s, market& m) {
  const auto buyer = s.new_user("buyer");
  auto r = s.post("/v1/orders", m.order_body(m.shop, m.listing, 1), buyer);
  REQUIRE(r.status == 201);
  const auto id = r.json().at("id").as_int64();
  const auto payment = s.pay(id, buyer);
  REQUIRE(s.post("/v1/orders/" + std::to_string(id) + "/cancel", "", m.farmer).status == 200);
  return std::string(payment.at("out_trade_no").as_string());
}

}  // namespace

TEST_CASE("a cancelled Alipay order's refund is sent, confirmed and posted once", "[server][payments][refunds]") {
  alipay_gateway gateway;
  test_server s(test_server::alipay_gateway_at(gateway.url()));
  market m(s, false, 100, 1'234);
  const auto out_trade_no = cancelled_paid_order(s, m);
  REQUIRE(refunds_of(s).size() == 1);
  CHECK(refunds_of(s)[0].status == "pending");
  CHECK(refunds_due(s) == 1'234);
  CHECK(m.ledger().at("balanced").as_bool());
  CHECK(s.get("/v1/admin/platform", m.admin).json().at("cash_fen").as_int64() == 1'234);

  const auto pass = s.send_refunds();
  CHECK(pass.sent == 1);
  CHECK(pass.retried == 0);
  const auto sent = gateway.requests();
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].signature_ok);
  CHECK(sent[0].params.at("method") == "alipay.trade.refund");
  CHECK(sent[0].out_trade_no == out_trade_no);
  CHECK(sent[0].refund_amount == "12.34");
  CHECK_FALSE(sent[0].out_request_no.empty());
  CHECK(gateway.refunded().size() == 1);

  const auto r = refunds_of(s).at(0);
  CHECK(r.status == "succeeded");
  CHECK(r.confirmed_at == s.now());
  CHECK(refunds_due(s) == 0);
  CHECK(m.ledger().at("balanced").as_bool());
  CHECK(s.get("/v1/admin/platform", m.admin).json().at("cash_fen").as_int64() == 0);  // the money left
  CHECK(sql_number(s, "SELECT count(*) FROM ledger_entries WHERE kind = 'refund_sent' AND refund_id = " +
                          std::to_string(r.id)) == 1);

  // Nothing more is due, and a confirmation recorded again changes nothing.
  s.advance_clock(24 * 3600);
  CHECK(s.send_refunds().sent == 0);
  CHECK(gateway.requests().size() == 1);
  boost::asio::io_context ioc;
  const storage::refund_attempt confirmed_again{r.id, true, s.now()};
  auto again = boost::asio::co_spawn(ioc, s.store().payments().record_refund(confirmed_again), boost::asio::use_future);
  ioc.run();
  CHECK(again.get() == storage::refund_recorded::already_sent);
  CHECK(sql_number(s, "SELECT count(*) FROM ledger_entries WHERE kind = 'refund_sent'") == 1);
  CHECK(refunds_due(s) == 0);
  CHECK(m.ledger().at("balanced").as_bool());
}

TEST_CASE("a refund Alipay does not confirm is retried later, with the same out_request_no, until it is",
          "[server][payments][refunds]") {
  alipay_gateway gateway;
  test_server s(test_server::alipay_gateway_at(gateway.url()));
  market m(s, false, 100, 1'234);
  cancelled_paid_order(s, m);
  // The fake refunds on the second try but signs its answer with the wrong key, so the money
  // moves then and the last try is answered fund_change "N".
  gateway.script({gateway_answer::http_500, gateway_answer::bad_signature, gateway_answer::trade_not_exist,
                  gateway_answer::no_answer});
  std::int64_t delay = 60;
  for (int failures = 1; failures <= 4; ++failures, delay *= 2) {
    INFO("try " << failures);
    const auto pass = s.send_refunds();
    CHECK(pass.sent == 0);
    CHECK(pass.retried == 1);
    const auto r = refunds_of(s).at(0);
    CHECK(r.status == "pending");
    CHECK(r.attempts == failures);
    CHECK(r.next_attempt_at == s.now() + delay);
    CHECK(refunds_due(s) == 1'234);
    CHECK(m.ledger().at("balanced").as_bool());
    // Not due again before its time.
    s.advance_clock(delay - 1);
    CHECK(s.send_refunds().retried == 0);
    CHECK(gateway.requests().size() == static_cast<std::size_t>(failures));
    s.advance_clock(1);
  }
  CHECK(s.send_refunds().sent == 1);
  const auto sent = gateway.requests();
  REQUIRE(sent.size() == 5);
  for (const auto& req : sent) {
    CHECK(req.signature_ok);
    CHECK(req.out_request_no == sent[0].out_request_no);
  }
  CHECK(gateway.refunded().size() == 1);  // the money went back once
  const auto metrics = s.get("/metrics").body;
  CHECK(metrics.find("cunji_refund_tries_total{outcome=\"not_confirmed\"} 4\n") != std::string::npos);
  CHECK(metrics.find("cunji_refund_tries_total{outcome=\"confirmed\"} 1\n") != std::string::npos);
  CHECK(refunds_of(s).at(0).status == "succeeded");
  CHECK(refunds_due(s) == 0);
  CHECK(sql_number(s, "SELECT count(*) FROM ledger_entries WHERE kind = 'refund_sent'") == 1);
  CHECK(m.ledger().at("balanced").as_bool());
}

TEST_CASE("the server sends refunds owed by itself", "[server][payments][refunds]") {
  alipay_gateway gateway;
  auto point_at_gateway = test_server::alipay_gateway_at(gateway.url());
  test_server s([&](server::server_config& cfg) {
    point_at_gateway(cfg);
    cfg.refunds_every = std::chrono::milliseconds(20);
  });
  market m(s, false, 100, 1'234);
  cancelled_paid_order(s, m);
  for (int i = 0; i < 500 && refunds_of(s).at(0).status == "pending"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(refunds_of(s).at(0).status == "succeeded");
  CHECK(gateway.refunded().size() == 1);
  CHECK(refunds_due(s) == 0);
}
