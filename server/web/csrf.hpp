#pragma once
// CSRF defence of the page forms: a synchronizer token in every POST form, checked on every
// page POST, and cross-site POSTs refused by Sec-Fetch-Site (or Origin/Referer against Host).
//
// The token is an HMAC, under a key drawn at start, of what the visitor holds: its page
// session (signed in) or its anonymous cookie (not signed in), so anonymous browsing writes
// nothing. Each form carries it MASKED with a fresh pad (pad || token XOR pad, base64url), so
// no two responses hold the same bytes (BREACH).
#include <array>
#include <string>
#include <string_view>

#include "server/http.hpp"

namespace cunji::server::web {

using csrf_token = std::array<unsigned char, 32>;

class csrf_key {
 public:
  csrf_key();  // a random key
  // HMAC-SHA256(key, binding).
  csrf_token token_for(std::string_view binding) const;

 private:
  std::array<unsigned char, 32> key_{};
};

// pad || (token XOR pad), base64url without padding (86 characters), with a fresh pad.
std::string mask(const csrf_token& t);
// True if `masked` is a masking of `t` (compared in constant time).
bool unmask_matches(std::string_view masked, const csrf_token& t);

// True when the request comes from another site: Sec-Fetch-Site other than same-origin or
// none; without it, an Origin (or else a Referer) whose host differs from Host. A request with
// none of them passes (the token still has to match).
bool is_cross_site(const request& req);

}  // namespace cunji::server::web
