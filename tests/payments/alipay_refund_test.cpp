// Alipay's answers to refund requests: only an answer that Alipay signed, with code 10000 and
// our trade, confirms a refund; everything else leaves it to be tried again.
#include <catch2/catch.hpp>

#include "alipay_fixture.hpp"

using namespace cunji;
using namespace cunji::payments;
using cunji::test::alipay_fake;

namespace {
const refund_order r1{"P1", 1'234, "R1-1", 1'795'442'400};
}

TEST_CASE("a signed refund answer with code 10000 confirms the refund, repeated or not", "[payments][alipay]") {
  const alipay_fake fake;
  const auto provider = test::fake_provider(fake);
  const auto made = provider->read_refund_reply(
      alipay_fake::refund_answer(alipay_fake::refund_made("P1", "12.34", true)), r1);
  CHECK(made.refunded);
  CHECK(made.fund_change);
  CHECK(made.detail == "code 10000");
  // A retry with the same out_request_no: Alipay moves no money again and says so.
  const auto repeat = provider->read_refund_reply(
      alipay_fake::refund_answer(alipay_fake::refund_made("P1", "12.34", false)), r1);
  CHECK(repeat.refunded);
  CHECK_FALSE(repeat.fund_change);
  // The signature is over the text as written: spaces and line breaks included.
  const std::string spaced = "{ \"code\" : \"10000\",\n  \"msg\":\"Success\", \"fund_change\":\"Y\" }";
  const auto body = "{\"sign\":\"" + alipay_fake::sign(spaced, alipay_fake::key::alipay) +
                    "\",\n \"alipay_trade_refund_response\" : " + spaced + "\n}";
  CHECK(provider->read_refund_reply(body, r1).refunded);
}

TEST_CASE("a tampered, unsigned or refused refund answer confirms nothing", "[payments][alipay]") {
  const alipay_fake fake;
  const auto provider = test::fake_provider(fake);
  const auto made = alipay_fake::refund_made("P1", "12.34", true);
  auto tampered = alipay_fake::refund_answer(made);
  tampered.replace(tampered.find("12.34"), 5, "12.35");
  const auto refused = provider->read_refund_reply(
      alipay_fake::refund_answer(alipay_fake::refund_refused("40004", "ACQ.TRADE_NOT_EXIST")), r1);
  CHECK_FALSE(refused.refunded);
  CHECK(refused.detail == "code 40004 ACQ.TRADE_NOT_EXIST");
  struct bad {
    const char* what;
    std::string body;
  };
  const bad answers[] = {
      {"tampered", tampered},
      {"signed by another key", alipay_fake::refund_answer(made, alipay_fake::key::merchant)},
      {"another trade", alipay_fake::refund_answer(alipay_fake::refund_made("P2", "12.34", true))},
      {"no sign", R"({"alipay_trade_refund_response":)" + made + "}"},
      {"sign not base64", R"({"alipay_trade_refund_response":)" + made + R"(,"sign":"%%%"})"},
      {"another method's answer", alipay_fake::refund_answer(made).replace(2, 28, "alipay_trade_query_response")},
      {"not JSON", "<html>502 Bad Gateway</html>"},
      {"empty", ""},
  };
  for (const auto& a : answers) {
    INFO(a.what);
    CHECK_FALSE(provider->read_refund_reply(a.body, r1).refunded);
  }
}
