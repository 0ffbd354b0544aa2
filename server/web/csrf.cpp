#include "server/web/csrf.hpp"

#include <sodium.h>

#include <vector>

#include "server/crypto.hpp"

namespace cunji::server::web {

csrf_key::csrf_key() {
  const auto bytes = random_bytes(key_.size());
  std::copy(bytes.begin(), bytes.end(), key_.begin());
}

csrf_token csrf_key::token_for(std::string_view binding) const {
  csrf_token out{};
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, key_.data(), key_.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(binding.data()), binding.size());
  crypto_auth_hmacsha256_final(&st, out.data());
  return out;
}

std::string mask(const csrf_token& t) {
  const auto pad = random_bytes(t.size());
  std::array<unsigned char, 64> raw{};
  for (std::size_t i = 0; i < t.size(); ++i) {
    raw[i] = pad[i];
    raw[t.size() + i] = static_cast<unsigned char>(t[i] ^ pad[i]);
  }
  char out[sodium_base64_ENCODED_LEN(64, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, raw.data(), raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

bool unmask_matches(std::string_view masked, const csrf_token& t) {
  std::array<unsigned char, 64> raw{};
  std::size_t len = 0;
  if (masked.size() != 86) return false;
  if (sodium_base642bin(raw.data(), raw.size(), masked.data(), masked.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      len != raw.size())
    return false;
  csrf_token got{};
  for (std::size_t i = 0; i < got.size(); ++i) got[i] = static_cast<unsigned char>(raw[i] ^ raw[t.size() + i]);
  return sodium_memcmp(got.data(), t.data(), t.size()) == 0;
}

namespace {
std::string_view view(boost::beast::string_view v) { return {v.data(), v.size()}; }

// "https://host:port/path" -> "host:port"; "" if it has no scheme.
std::string_view authority_of(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  auto rest = url.substr(scheme + 3);
  return rest.substr(0, rest.find_first_of("/?#"));
}
}  // namespace

bool is_cross_site(const request& req) {
  if (const auto it = req.find("Sec-Fetch-Site"); it != req.end()) {
    const auto v = view(it->value());
    return !(v == "same-origin" || v == "none");
  }
  const auto host = view(req[http::field::host]);
  if (const auto it = req.find(http::field::origin); it != req.end())
    return host.empty() || authority_of(view(it->value())) != host;
  if (const auto it = req.find(http::field::referer); it != req.end())
    return host.empty() || authority_of(view(it->value())) != host;
  return false;
}

}  // namespace cunji::server::web
