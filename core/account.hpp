#pragma once
// Accounts: roles, the rules for registering, and login throttling.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"

namespace cunji {

enum class role { buyer, farmer, partner, admin };

std::string_view to_string(role r) noexcept;
std::optional<role> parse_role(std::string_view s) noexcept;

struct account {
  std::int64_t id = 0;
  cunji::role role = role::buyer;
  std::string name;
  std::string phone;
  std::optional<std::int64_t> village_id;
  unix_seconds created_at = 0;
};

// Field rules shared by every resource that has them. Each returns the message for a bad value.
// A name is not blank (text::is_blank); callers trim it first (text::trim), so the limit
// counts what is stored.
std::optional<std::string> check_name(std::string_view name, std::size_t max_chars = 50);
std::optional<std::string> check_phone(std::string_view phone);
std::optional<std::string> check_password(std::string_view password);
// Free text of at most `max_chars` characters (a reference, a reason); `required`: not blank.
std::optional<std::string> check_text(std::string_view s, std::size_t max_chars, bool required = false);

// A phone number in its one stored form: spaces and dashes removed, and a mainland number's
// +86 or 0086 prefix dropped (`+86 139-0013-9000` is `13900139000`; a landline gets its trunk
// 0: `+86 10 6552 9988` is `01065529988`). Anything else is kept as written, without
// separators. Idempotent; check_phone applies to the result.
std::string normalize_phone(std::string_view phone);
// What a search for a phone prefix looks for among stored phones: `q` without a leading +86 or
// 0086 (stored phones have none; `+86139` finds 13912345678), else `q` itself.
std::string_view phone_prefix_for_search(std::string_view q) noexcept;

struct registration {
  cunji::role role = role::buyer;
  std::string name;
  std::string phone;
  std::string password;
  std::optional<std::int64_t> village_id;
};

// A registration as it is checked and stored: the name trimmed, the phone normalized.
void normalize(registration& r);

// Field errors of a registration (empty when valid). Farmers and partners need a village;
// buyers may name one. Admins are never registered over HTTP.
std::vector<field_error> validate_registration(const registration& r);

struct login_throttle {
  int max_failures = 10;
  std::int64_t window_s = 15 * 60;
};

// Given the times of failed logins for one phone, newest first (only the first
// `max_failures` matter), returns how many seconds the caller must wait, or nullopt if a
// login may be attempted now.
std::optional<std::int64_t> login_retry_after(std::span<const unix_seconds> failures_newest_first, unix_seconds now,
                                              const login_throttle& policy = {}) noexcept;

}  // namespace cunji
