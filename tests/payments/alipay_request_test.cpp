#include "payments/alipay.hpp"

#include <catch2/catch.hpp>

#include <set>

#include "payments/alipay_fixture.hpp"

using namespace cunji;
using namespace cunji::payments;
using test::alipay_fake;

namespace {

constexpr unix_seconds nov_23_14h_utc = 1795442400;  // 2026-11-23T14:00:00Z = 22:00 in Beijing

pay_order order() { return pay_order{"P1", 1234, "村集订单 #1", nov_23_14h_utc}; }

std::set<std::string> keys_of(const alipay_fake::params& p) {
  std::set<std::string> keys;
  for (const auto& [k, v] : p) keys.insert(k);
  return keys;
}

std::string field_of(const error& e) { return e.errors.empty() ? "" : e.errors.front().field; }

}  // namespace

TEST_CASE("amounts in yuan and timestamps in Beijing time", "[payments][alipay]") {
  CHECK(yuan_text(1234) == "12.34");
  CHECK(yuan_text(5) == "0.05");
  CHECK(yuan_text(100) == "1.00");
  CHECK(yuan_text(10) == "0.10");
  CHECK(yuan_text(10'000'000'000) == "100000000.00");
  CHECK(beijing_time(nov_23_14h_utc) == "2026-11-23 22:00:00");
  CHECK(beijing_time(0) == "1970-01-01 08:00:00");
  CHECK(beijing_time(nov_23_14h_utc + 10 * 3600 + 61) == "2026-11-24 08:01:01");  // the next day in Beijing
}

TEST_CASE("the order string has every parameter and Alipay's gateway accepts it", "[payments][alipay]") {
  const alipay_fake fake;
  const auto provider = test::fake_provider(fake);
  const auto s = provider->pay_request(order());
  REQUIRE(s);
  CHECK(s->find_first_of(" +\"{}") == std::string::npos);  // every value url-encoded

  const auto p = alipay_fake::decode(s.value());
  CHECK(keys_of(p) == std::set<std::string>{"app_id", "biz_content", "charset", "format", "method", "notify_url",
                                            "sign", "sign_type", "timestamp", "version"});
  CHECK(p.at("app_id") == alipay_fake::app_id);
  CHECK(p.at("method") == "alipay.trade.app.pay");
  CHECK(p.at("format") == "JSON");
  CHECK(p.at("charset") == "utf-8");
  CHECK(p.at("sign_type") == "RSA2");
  CHECK(p.at("timestamp") == "2026-11-23 22:00:00");
  CHECK(p.at("version") == "1.0");
  CHECK(p.at("notify_url") == "https://cunji.example.cn/v1/payments/alipay/notify");
  CHECK(p.at("biz_content") ==
        R"({"out_trade_no":"P1","total_amount":"12.34","subject":"村集订单 #1","product_code":"QUICK_MSECURITY_PAY"})");
  CHECK(alipay_fake::gateway_accepts(p));

  SECTION("a changed parameter is refused by the gateway") {
    for (const auto& [k, v] : p) {
      if (k == "sign" || k == "sign_type") continue;
      auto changed = p;
      changed[k] += "0";
      INFO(k);
      CHECK_FALSE(alipay_fake::gateway_accepts(changed));
    }
  }
}

TEST_CASE("the order string's details", "[payments][alipay]") {
  const alipay_fake fake;
  SECTION("without a notify URL the parameter is left out, not sent empty") {
    const auto provider = test::fake_provider(test::fake_options(fake, ""));
    const auto p = alipay_fake::decode(provider->pay_request(order()).value());
    CHECK_FALSE(p.contains("notify_url"));
    CHECK(alipay_fake::gateway_accepts(p));
  }
  SECTION("a subject is escaped as a JSON string; an expiry is Alipay's time_expire") {
    auto o = order();
    o.subject = "\"甜\" \\ 苹果";
    o.expires_at = o.timestamp + 1800;
    const auto p = alipay_fake::decode(test::fake_provider(fake)->pay_request(o).value());
    CHECK(p.at("biz_content") == R"({"out_trade_no":"P1","total_amount":"12.34","subject":"\"甜\" \\ 苹果",)"
                                 R"("product_code":"QUICK_MSECURITY_PAY","time_expire":"2026-11-23 22:30:00"})");
    CHECK(alipay_fake::gateway_accepts(p));
  }
  SECTION("an order Alipay would refuse is refused here, naming the field") {
    const auto provider = test::fake_provider(fake);
    auto field = [&](auto change) {
      auto o = order();
      change(o);
      const auto r = provider->pay_request(o);
      return r ? std::string("(accepted)") : field_of(r.err());
    };
    CHECK(field([](pay_order& o) { o.out_trade_no = ""; }) == "out_trade_no");
    CHECK(field([](pay_order& o) { o.out_trade_no = std::string(65, 'a'); }) == "out_trade_no");
    CHECK(field([](pay_order& o) { o.out_trade_no = "P 1"; }) == "out_trade_no");
    CHECK(field([](pay_order& o) { o.out_trade_no = std::string(64, 'a'); }) == "(accepted)");
    CHECK(field([](pay_order& o) { o.amount_fen = 0; }) == "amount_fen");
    CHECK(field([](pay_order& o) { o.amount_fen = -5; }) == "amount_fen");
    CHECK(field([](pay_order& o) { o.amount_fen = 10'000'000'001; }) == "amount_fen");
    CHECK(field([](pay_order& o) { o.amount_fen = 10'000'000'000; }) == "(accepted)");
    CHECK(field([](pay_order& o) { o.subject = ""; }) == "subject");
    CHECK(field([](pay_order& o) { o.subject = "a&b"; }) == "subject");
    CHECK(field([](pay_order& o) { o.subject = "\xff"; }) == "subject");
    CHECK(field([](pay_order& o) { o.subject = std::string(257, 'a'); }) == "subject");
    CHECK(field([](pay_order& o) { o.timestamp = 0; }) == "timestamp");
    CHECK(field([](pay_order& o) { o.expires_at = o.timestamp; }) == "expires_at");
  }
}

TEST_CASE("the mobile-web pay URL is the gateway with the same kind of signed parameters", "[payments][alipay]") {
  const alipay_fake fake;
  const auto url = test::fake_provider(fake)->wap_pay_url(order(), "https://m.cunji.example.cn/paid?o=1");
  REQUIRE(url);
  const std::string gateway = "https://openapi.alipay.com/gateway.do?";
  REQUIRE(url->substr(0, gateway.size()) == gateway);
  const auto p = alipay_fake::decode(url->substr(gateway.size()));
  CHECK(p.at("method") == "alipay.trade.wap.pay");
  CHECK(p.at("return_url") == "https://m.cunji.example.cn/paid?o=1");
  CHECK(p.at("biz_content") ==
        R"({"out_trade_no":"P1","total_amount":"12.34","subject":"村集订单 #1","product_code":"QUICK_WAP_WAY"})");
  CHECK(alipay_fake::gateway_accepts(p));
}

TEST_CASE("a refund is a signed form for the gateway", "[payments][alipay]") {
  const alipay_fake fake;
  const auto provider = test::fake_provider(fake);
  const auto r = provider->refund_request(refund_order{"P1", 500, "R1", nov_23_14h_utc});
  REQUIRE(r);
  CHECK(r->url == "https://openapi.alipay.com/gateway.do");
  CHECK(r->content_type == "application/x-www-form-urlencoded;charset=utf-8");
  const auto p = alipay_fake::decode(r->body);
  CHECK(p.at("method") == "alipay.trade.refund");
  CHECK(p.at("biz_content") == R"({"out_trade_no":"P1","refund_amount":"5.00","out_request_no":"R1"})");
  CHECK(p.at("app_id") == alipay_fake::app_id);
  CHECK(p.at("format") == "JSON");
  CHECK(p.at("charset") == "utf-8");
  CHECK(p.at("sign_type") == "RSA2");
  CHECK(p.at("version") == "1.0");
  CHECK(p.at("timestamp") == "2026-11-23 22:00:00");  // Beijing time
  CHECK_FALSE(p.contains("notify_url"));
  CHECK(alipay_fake::gateway_accepts(p));
  CHECK_FALSE(provider->refund_request(refund_order{"P1", 0, "R1", nov_23_14h_utc}));
  CHECK_FALSE(provider->refund_request(refund_order{"P1", 500, "", nov_23_14h_utc}));
}

TEST_CASE("a signed request of any method, whose common parameters cannot be replaced", "[payments][alipay]") {
  const alipay_fake fake;
  const auto provider = test::fake_provider(fake);
  const auto p = provider->signed_request("alipay.trade.query", R"({"out_trade_no":"P1"})", nov_23_14h_utc,
                                          {{"app_auth_token", "t1"}, {"empty", ""}});
  REQUIRE(p);
  const alipay_fake::params as_map(p->begin(), p->end());
  CHECK(as_map.at("app_auth_token") == "t1");
  CHECK_FALSE(as_map.contains("empty"));
  CHECK(alipay_fake::gateway_accepts(as_map));
  for (const char* common : {"app_id", "method", "timestamp", "sign", "sign_type", "biz_content"})
    CHECK_FALSE(provider->signed_request("alipay.trade.query", "{}", nov_23_14h_utc, {{common, "x"}}));
}

TEST_CASE("the answers to a notification", "[payments][alipay]") {
  const alipay_fake fake;
  const auto provider = test::fake_provider(fake);
  const auto yes = provider->answer(true), no = provider->answer(false);
  CHECK((yes.status == 200 && yes.body == "success" && yes.content_type == "text/plain"));
  CHECK((no.status == 400 && no.body == "failure" && no.content_type == "text/plain"));
  CHECK(provider->method() == "alipay");
}
