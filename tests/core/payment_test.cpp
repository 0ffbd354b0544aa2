#include "core/payment.hpp"

#include <catch2/catch.hpp>

using namespace cunji;

TEST_CASE("a notice settles a payment once", "[core][payments]") {
  payment_record p;
  p.status = payment_status::pending;
  CHECK(effect_of(p, notice_status::succeeded) == notice_effect::succeed);
  CHECK(effect_of(p, notice_status::closed) == notice_effect::close);
  // Closed by our own unpaid timer: the buyer may still have paid.
  p.status = payment_status::closed;
  CHECK(effect_of(p, notice_status::succeeded) == notice_effect::succeed);
  CHECK(effect_of(p, notice_status::closed) == notice_effect::acknowledge);
  // Settled by a notice: repeats change nothing.
  p.settled_by_notice = true;
  CHECK(effect_of(p, notice_status::succeeded) == notice_effect::acknowledge);
  p.status = payment_status::succeeded;
  CHECK(effect_of(p, notice_status::succeeded) == notice_effect::acknowledge);
  CHECK(effect_of(p, notice_status::closed) == notice_effect::acknowledge);
}

TEST_CASE("payment methods and statuses by name", "[core][payments]") {
  for (auto m : {payment_method::cash_at_station, payment_method::alipay, payment_method::mobile})
    CHECK(parse_payment_method(to_string(m)) == m);
  for (auto s : {payment_status::pending, payment_status::succeeded, payment_status::failed, payment_status::closed})
    CHECK(parse_payment_status(to_string(s)) == s);
  CHECK_FALSE(parse_payment_method("wechat"));
}

TEST_CASE("a refund that failed to send is retried later and later, at most every 6 hours", "[core][payments]") {
  CHECK(refund_retry_delay(1) == 60);
  CHECK(refund_retry_delay(2) == 120);
  CHECK(refund_retry_delay(3) == 240);
  CHECK(refund_retry_delay(9) == 256 * 60);
  CHECK(refund_retry_delay(10) == 6 * 3600);
  CHECK(refund_retry_delay(1'000'000) == 6 * 3600);
  CHECK(refund_retry_delay(0) == 60);
}
