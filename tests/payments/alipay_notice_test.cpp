#include "payments/alipay.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "payments/alipay_fixture.hpp"

using namespace cunji;
using namespace cunji::payments;
using test::alipay_fake;

namespace {

// The check that failed, or "ok".
std::string outcome(const alipay_provider& p, std::string_view body) {
  const auto r = p.verify_notification(body);
  return r ? "ok" : std::string(to_string(r.err().check));
}

struct fixture {
  alipay_fake fake;
  std::unique_ptr<alipay_provider> provider = test::fake_provider(fake);

  std::string check(const alipay_fake::params& p) const { return outcome(*provider, fake.notification(p)); }
  template <class Change>
  std::string check_changed(Change change) const {
    auto p = alipay_fake::trade_success("P1", "12.34");
    change(p);
    return check(p);
  }
};

}  // namespace

TEST_CASE("a notification signed by Alipay verifies and says what was paid", "[payments][alipay][notice]") {
  const fixture f;
  const auto r = f.provider->verify_notification(f.fake.notification(alipay_fake::trade_success("P1", "12.34")));
  INFO((r ? "" : r.err().detail));
  REQUIRE(r);
  CHECK(r->app_id == alipay_fake::app_id);
  CHECK(r->seller_id == alipay_fake::seller_id);
  CHECK(r->out_trade_no == "P1");
  CHECK(r->trade_no == "2026112322001456380542497258");
  CHECK(r->amount_fen == 1234);
  CHECK(r->status == notice_status::succeeded);
  CHECK(r->trade_status == "TRADE_SUCCESS");
}

TEST_CASE("a notification's status", "[payments][alipay][notice]") {
  const fixture f;
  auto status = [&](std::string s) {
    auto p = alipay_fake::trade_success("P1", "12.34");
    p["trade_status"] = s;
    const auto r = f.provider->verify_notification(f.fake.notification(p));
    if (!r) return std::string(to_string(r.err().check));
    return std::string(r->status == notice_status::succeeded ? "succeeded" : "closed");
  };
  CHECK(status("TRADE_SUCCESS") == "succeeded");
  CHECK(status("TRADE_FINISHED") == "succeeded");
  CHECK(status("TRADE_CLOSED") == "closed");
  CHECK(status("WAIT_BUYER_PAY") == "status");
  CHECK(status("trade_success") == "status");
  CHECK(status("") == "status");
  CHECK(f.check_changed([](auto& p) { p.erase("trade_status"); }) == "status");
}

TEST_CASE("a notification not signed by Alipay fails the signature check", "[payments][alipay][notice]") {
  const fixture f;
  const auto genuine = alipay_fake::trade_success("P1", "12.34");
  const auto body = f.fake.notification(genuine);
  REQUIRE(outcome(*f.provider, body) == "ok");
  const auto signed_params = alipay_fake::decode(body);

  SECTION("one byte of any value changed after signing") {
    for (const auto& [key, value] : signed_params) {
      if (key == "sign" || key == "sign_type") continue;
      auto changed = signed_params;
      changed[key] = value.empty() ? "x" : value.substr(0, value.size() - 1) + char(value.back() ^ 1);
      INFO(key);
      CHECK(outcome(*f.provider, alipay_fake::encode(changed)) == "signature");
    }
  }
  SECTION("a field added, removed or renamed after signing") {
    auto added = signed_params;
    added["extra"] = "1";
    CHECK(outcome(*f.provider, alipay_fake::encode(added)) == "signature");
    auto removed = signed_params;
    removed.erase("buyer_id");
    CHECK(outcome(*f.provider, alipay_fake::encode(removed)) == "signature");
    auto renamed = signed_params;
    renamed["buyer_ic"] = renamed["buyer_id"];
    renamed.erase("buyer_id");
    CHECK(outcome(*f.provider, alipay_fake::encode(renamed)) == "signature");
  }
  SECTION("the sign removed, empty, not base64, or with a byte changed") {
    auto p = signed_params;
    p.erase("sign");
    CHECK(outcome(*f.provider, alipay_fake::encode(p)) == "signature");
    p["sign"] = "";
    CHECK(outcome(*f.provider, alipay_fake::encode(p)) == "signature");
    p["sign"] = "not base64!";
    CHECK(outcome(*f.provider, alipay_fake::encode(p)) == "signature");
    p["sign"] = signed_params.at("sign");
    p["sign"][10] = p["sign"][10] == 'A' ? 'B' : 'A';
    CHECK(outcome(*f.provider, alipay_fake::encode(p)) == "signature");
  }
  SECTION("the sign of another notification") {
    auto p = signed_params;
    p["sign"] = alipay_fake::decode(f.fake.notification(alipay_fake::trade_success("P2", "12.34"))).at("sign");
    CHECK(outcome(*f.provider, alipay_fake::encode(p)) == "signature");
  }
  SECTION("signed with another key (the merchant's own)") {
    CHECK(outcome(*f.provider, f.fake.notification(genuine, alipay_fake::key::merchant)) == "signature");
  }
}

TEST_CASE("sign_type must be RSA2 and is not part of what is signed", "[payments][alipay][notice]") {
  const fixture f;
  auto p = alipay_fake::decode(f.fake.notification(alipay_fake::trade_success("P1", "12.34")));
  for (const char* other : {"RSA", "rsa2", "", "RSA2 "}) {
    p["sign_type"] = other;
    INFO(other);
    CHECK(outcome(*f.provider, alipay_fake::encode(p)) == "sign_type");
  }
  p.erase("sign_type");
  CHECK(outcome(*f.provider, alipay_fake::encode(p)) == "sign_type");
}

TEST_CASE("a notification signed by Alipay for another app or seller fails", "[payments][alipay][notice]") {
  const fixture f;
  CHECK(f.check_changed([](auto& p) { p["app_id"] = "2021000000000002"; }) == "app_id");
  CHECK(f.check_changed([](auto& p) { p.erase("app_id"); }) == "app_id");
  CHECK(f.check_changed([](auto& p) { p["seller_id"] = "2088000000000002"; }) == "seller_id");
  CHECK(f.check_changed([](auto& p) { p.erase("seller_id"); }) == "seller_id");
  CHECK(f.check_changed([](auto& p) { p.erase("out_trade_no"); }) == "trade");
  CHECK(f.check_changed([](auto& p) { p["trade_no"] = ""; }) == "trade");
}

TEST_CASE("total_amount is yuan with at most two decimals, parsed exactly", "[payments][alipay][notice]") {
  CHECK(parse_yuan("12.34") == 1234);
  CHECK(parse_yuan("12.3") == 1230);
  CHECK(parse_yuan("12") == 1200);
  CHECK(parse_yuan("0.01") == 1);
  CHECK(parse_yuan("0.1") == 10);
  CHECK(parse_yuan("100000000.00") == 10'000'000'000);
  CHECK(parse_yuan("99999999.99") == 9'999'999'999);
  for (const char* bad :
       {"",      "1e3",  "-1",   "+1",    "12.345", "12.",          ".5",         " 12",
        "12 ",   "0",    "0.00", "01.00", "1,00",   "100000000.01", "1000000000", "99999999999999999999",
        "12.3a", "１２", "0x10", "12.-1"}) {
    INFO(bad);
    CHECK_FALSE(parse_yuan(bad));
  }

  const fixture f;
  auto amount = [&](std::string a) { return f.check_changed([&](auto& p) { p["total_amount"] = a; }); };
  CHECK(amount("12.3") == "ok");
  CHECK(amount("1e3") == "amount");
  CHECK(amount("12.345") == "amount");
  CHECK(amount("-1") == "amount");
  CHECK(f.check_changed([](auto& p) { p.erase("total_amount"); }) == "amount");
}

TEST_CASE("a body that is not a form fails first, and the checks run in order", "[payments][alipay][notice]") {
  const fixture f;
  const auto body = f.fake.notification(alipay_fake::trade_success("P1", "12.34"));
  CHECK(outcome(*f.provider, body + "&app_id=2021000000000001") == "form");  // a repeated key
  CHECK(outcome(*f.provider, body + "&x=%zz") == "form");
  CHECK(outcome(*f.provider, "") == "sign_type");
  // Each check comes before the next: a notice failing several reports the first.
  auto p = alipay_fake::trade_success("P1", "1e3");
  p["app_id"] = "2021000000000002";
  p["seller_id"] = "2088000000000002";
  p["trade_status"] = "WAIT_BUYER_PAY";
  CHECK(f.check(p) == "app_id");
  auto unsigned_body = alipay_fake::decode(f.fake.notification(p));
  unsigned_body["sign"] = alipay_fake::decode(body).at("sign");
  CHECK(outcome(*f.provider, alipay_fake::encode(unsigned_body)) == "signature");
  unsigned_body["sign_type"] = "RSA";
  CHECK(outcome(*f.provider, alipay_fake::encode(unsigned_body)) == "sign_type");
  p["app_id"] = alipay_fake::app_id;
  CHECK(f.check(p) == "seller_id");
  p["seller_id"] = alipay_fake::seller_id;
  CHECK(f.check(p) == "amount");
  p["total_amount"] = "10.00";
  CHECK(f.check(p) == "status");
}

TEST_CASE("the failed checks have stable names for metrics", "[payments][alipay][notice]") {
  CHECK(to_string(notice_check::form) == "form");
  CHECK(to_string(notice_check::sign_type) == "sign_type");
  CHECK(to_string(notice_check::signature) == "signature");
  CHECK(to_string(notice_check::app_id) == "app_id");
  CHECK(to_string(notice_check::seller_id) == "seller_id");
  CHECK(to_string(notice_check::trade) == "trade");
  CHECK(to_string(notice_check::amount) == "amount");
  CHECK(to_string(notice_check::status) == "status");
}

TEST_CASE("one provider signs and verifies on many threads at once", "[payments][alipay][notice]") {
  const fixture f;
  const auto body = f.fake.notification(alipay_fake::trade_success("P1", "12.34"));
  const auto tampered = body + "&extra=1";
  std::atomic<int> right{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        const bool ok = f.provider->verify_notification(body).ok() && !f.provider->verify_notification(tampered).ok();
        const auto s = f.provider->pay_request(pay_order{"P" + std::to_string(t * 100 + i), 100, "x", 1795442400});
        right += ok && s && alipay_fake::gateway_accepts(alipay_fake::decode(s.value()));
      }
    });
  for (auto& t : threads) t.join();
  CHECK(right == 100);
}
