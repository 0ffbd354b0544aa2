#include "payments/alipay.hpp"

#include <catch2/catch.hpp>

#include "payments/alipay_fixture.hpp"

using namespace cunji;
using namespace cunji::payments;
using Catch::Matchers::StartsWith;
using test::alipay_fake;

namespace {

std::string error_of(const alipay_options& o) {
  const auto p = make_alipay_provider(o);
  return p ? "ok" : p.err().detail;
}

}  // namespace

TEST_CASE("the Alipay options are checked when the server starts", "[payments][alipay][config]") {
  const alipay_fake fake;
  const auto good = test::fake_options(fake);
  CHECK(error_of(good) == "ok");
  CHECK(good.given());
  CHECK_FALSE(alipay_options{}.given());

  auto with = [&](auto change) {
    auto o = good;
    change(o);
    return error_of(o);
  };
  CHECK_THAT(with([](auto& o) { o.app_id = ""; }), StartsWith("--alipay-app-id: "));
  CHECK_THAT(with([](auto& o) { o.app_id = "app-1"; }), StartsWith("--alipay-app-id: "));
  CHECK_THAT(with([](auto& o) { o.seller_id = ""; }), StartsWith("--alipay-seller-id: "));
  CHECK_THAT(with([](auto& o) { o.seller_id = "2021000000000001"; }), StartsWith("--alipay-seller-id: "));
  CHECK_THAT(with([](auto& o) { o.seller_id = "20880000000000011"; }), StartsWith("--alipay-seller-id: "));
  CHECK_THAT(with([](auto& o) { o.private_key_file = ""; }), StartsWith("--alipay-private-key: missing"));
  CHECK_THAT(with([](auto& o) { o.public_key_file = ""; }), StartsWith("--alipay-public-key: missing"));
  CHECK_THAT(with([](auto& o) { o.private_key_file += ".absent"; }), StartsWith("--alipay-private-key: "));
  CHECK_THAT(with([&](auto& o) { o.private_key_file = fake.alipay_public_key_file(); }),
             StartsWith("--alipay-private-key: ") && Catch::Matchers::Contains("is a public key"));
  CHECK_THAT(with([&](auto& o) { o.public_key_file = fake.merchant_private_key_file(); }),
             StartsWith("--alipay-public-key: ") && Catch::Matchers::Contains("is a private key"));
  // The merchant's own public key where Alipay's belongs: every notification would fail.
  CHECK_THAT(with([&](auto& o) { o.public_key_file = fake.merchant_public_key_file(); }),
             StartsWith("--alipay-public-key: ") && Catch::Matchers::Contains("支付宝公钥"));
  CHECK_THAT(with([](auto& o) { o.notify_url = "cunji.example.cn/notify"; }), StartsWith("--alipay-notify-url: "));
  CHECK_THAT(with([](auto& o) { o.notify_url = "https://cunji.example.cn/notify?x=1"; }),
             StartsWith("--alipay-notify-url: "));
  CHECK_THAT(with([](auto& o) { o.gateway = "openapi.alipay.com"; }), StartsWith("--alipay-gateway: "));
  CHECK(with([](auto& o) { o.notify_url = ""; }) == "ok");
  CHECK(with([](auto& o) { o.gateway = "https://openapi-sandbox.dl.alipaydev.com/gateway.do"; }) == "ok");
}
