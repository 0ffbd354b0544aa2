#pragma once
// An Alipay provider configured against the fake Alipay's keys.
#include <catch2/catch.hpp>

#include <memory>

#include "payments/alipay.hpp"
#include "support/alipay_fake.hpp"

namespace cunji::test {

inline payments::alipay_options fake_options(
    const alipay_fake& fake, std::string notify_url = "https://cunji.example.cn/v1/payments/alipay/notify") {
  payments::alipay_options o;
  o.app_id = std::string(alipay_fake::app_id);
  o.seller_id = std::string(alipay_fake::seller_id);
  o.public_key_file = fake.alipay_public_key_file();
  o.private_key_file = fake.merchant_private_key_file();
  o.notify_url = std::move(notify_url);
  return o;
}

inline std::unique_ptr<payments::alipay_provider> fake_provider(const payments::alipay_options& o) {
  auto p = payments::make_alipay_provider(o);
  INFO((p ? "" : p.err().detail));
  REQUIRE(p);
  return std::move(p).value();
}

inline std::unique_ptr<payments::alipay_provider> fake_provider(const alipay_fake& fake) {
  return fake_provider(fake_options(fake));
}

}  // namespace cunji::test
