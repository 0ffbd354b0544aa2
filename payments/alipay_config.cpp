// From `cunji serve`'s --alipay-* options to a provider, every option checked at start.
#include "payments/alipay.hpp"

namespace cunji::payments {
namespace {

error bad(std::string_view option, std::string message) {
  return error{errc::validation_failed, "--" + std::string(option) + ": " + std::move(message)};
}

bool digits(std::string_view s) noexcept {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return !s.empty();
}

bool http_url(std::string_view s) noexcept {
  const bool scheme = s.starts_with("https://") || s.starts_with("http://");
  return scheme && s.find_first_of(" \t\r\n") == std::string_view::npos;
}

std::optional<error> check_ids_and_urls(const alipay_options& o) {
  if (!digits(o.app_id) || o.app_id.size() > 32) return bad("alipay-app-id", "needs the application's APPID (digits)");
  if (!digits(o.seller_id) || o.seller_id.size() != 16 || !o.seller_id.starts_with("2088"))
    return bad("alipay-seller-id", "needs the merchant's partner id (PID): 16 digits starting 2088");
  if (!o.notify_url.empty() && (!http_url(o.notify_url) || o.notify_url.find('?') != std::string::npos))
    return bad("alipay-notify-url", "needs an http(s) URL without a query (Alipay refuses one)");
  if (!http_url(o.gateway)) return bad("alipay-gateway", "needs an http(s) URL");
  return std::nullopt;
}

}  // namespace

bool alipay_options::given() const noexcept {
  return !app_id.empty() || !seller_id.empty() || !public_key_file.empty() || !private_key_file.empty() ||
         !notify_url.empty() || gateway != alipay_gateway;
}

result<std::unique_ptr<alipay_provider>> make_alipay_provider(const alipay_options& o) {
  if (o.private_key_file.empty()) return bad("alipay-private-key", "missing (the merchant's private key, PEM)");
  if (o.public_key_file.empty()) return bad("alipay-public-key", "missing (Alipay's public key, PEM)");
  if (auto e = check_ids_and_urls(o)) return std::move(*e);
  auto merchant = private_key::from_file(o.private_key_file);
  if (!merchant) return bad("alipay-private-key", merchant.err().detail);
  auto alipay = public_key::from_file(o.public_key_file);
  if (!alipay) return bad("alipay-public-key", alipay.err().detail);
  // The usual mistake: the application's own public key (应用公钥) where Alipay's is needed.
  if (same_key(merchant.value(), alipay.value()))
    return bad("alipay-public-key",
               "is the public half of the merchant's own private key; Alipay's public key "
               "(支付宝公钥) is needed");
  return std::make_unique<alipay_provider>(alipay_config{o.app_id, o.seller_id, o.notify_url, o.gateway,
                                                         std::move(merchant).value(), std::move(alipay).value()});
}

}  // namespace cunji::payments
