#pragma once
// Cookies of the pages: the page session (`__Host-sid`), the anonymous visitor's id
// (`__Host-anon`, for the CSRF token of anonymous forms; nothing stored), the cart and the
// language. With insecure cookies (plain-HTTP local runs) the `__Host-` prefix and `Secure`
// are dropped.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server/http.hpp"

namespace cunji::server::web {

struct cookie_jar_names {
  std::string sid;
  std::string anon;
};
cookie_jar_names cookie_names(bool insecure);

// A Set-Cookie value: Path=/, SameSite=Lax, HttpOnly unless `script_readable`, Secure unless
// `insecure`; Max-Age when given (0 deletes the cookie).
std::string set_cookie(std::string_view name, std::string_view value, bool insecure,
                       std::optional<std::int64_t> max_age = std::nullopt);

// The value of cookie `name` in the request, if any (the first Cookie header that has it).
std::optional<std::string_view> request_cookie(const request& req, std::string_view name);

// A random 256-bit token, base64url (43 characters); an anonymous id is the same shape.
bool is_token_shaped(std::string_view s) noexcept;

}  // namespace cunji::server::web
