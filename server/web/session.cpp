#include "server/web/session.hpp"

#include "server/web/forms.hpp"

namespace cunji::server::web {

cookie_jar_names cookie_names(bool insecure) {
  if (insecure) return {"sid", "anon"};
  return {"__Host-sid", "__Host-anon"};
}

std::string set_cookie(std::string_view name, std::string_view value, bool insecure,
                       std::optional<std::int64_t> max_age) {
  std::string out(name);
  out += '=';
  out += value;
  out += "; Path=/; HttpOnly; SameSite=Lax";
  if (!insecure) out += "; Secure";
  if (max_age) out += "; Max-Age=" + std::to_string(*max_age);
  return out;
}

std::optional<std::string_view> request_cookie(const request& req, std::string_view name) {
  for (auto it = req.find(http::field::cookie); it != req.end() && it->name() == http::field::cookie; ++it) {
    const auto v = it->value();
    if (auto c = cookie_in(std::string_view(v.data(), v.size()), name)) return c;
  }
  return std::nullopt;
}

bool is_token_shaped(std::string_view s) noexcept {
  if (s.size() != 43) return false;
  for (const char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return false;
  return true;
}

}  // namespace cunji::server::web
