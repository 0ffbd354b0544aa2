#include "core/account.hpp"

#include "core/text.hpp"
#include "core/throttle.hpp"

namespace cunji {

namespace {
bool all_digits(std::string_view s) noexcept {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// The national form of a mainland number written after the country code: a mobile (11 digits,
// 13x..19x) as it is; a landline (area code 10, 2x or 3x..9x, then the subscriber: 9..11
// digits in all) with the trunk prefix 0. Nullopt for anything else.
std::optional<std::string> mainland_national(std::string_view n) {
  if (!all_digits(n)) return std::nullopt;
  if (n.size() == 11 && n[0] == '1' && n[1] >= '3') return std::string(n);
  const bool area_code = n.starts_with("10") || n[0] >= '2';
  if (area_code && n.size() >= 9 && n.size() <= 11) return "0" + std::string(n);
  return std::nullopt;
}
}  // namespace

std::string_view to_string(role r) noexcept {
  switch (r) {
    case role::buyer: return "buyer";
    case role::farmer: return "farmer";
    case role::partner: return "partner";
    case role::admin: return "admin";
  }
  return "buyer";
}

std::optional<role> parse_role(std::string_view s) noexcept {
  for (auto r : {role::buyer, role::farmer, role::partner, role::admin})
    if (to_string(r) == s) return r;
  return std::nullopt;
}

std::optional<std::string> check_name(std::string_view name, std::size_t max_chars) {
  const auto len = text::utf8_length(name);
  if (!len) return "must be valid UTF-8";
  if (text::is_blank(name)) return "must not be blank";
  if (*len > max_chars) return "must be 1.." + std::to_string(max_chars) + " characters";
  if (text::has_control_chars(name)) return "must not contain control characters";
  return std::nullopt;
}

std::optional<std::string> check_phone(std::string_view phone) {
  std::string_view digits = phone;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  if (!all_digits(digits) || phone.size() < 5 || phone.size() > 20)
    return "must be 5..20 characters: digits with an optional leading +";
  return std::nullopt;
}

std::optional<std::string> check_password(std::string_view password) {
  const auto len = text::utf8_length(password);
  if (!len) return "must be valid UTF-8";
  if (*len < 8 || *len > 128) return "must be 8..128 characters";
  return std::nullopt;
}

std::optional<std::string> check_text(std::string_view s, std::size_t max_chars, bool required) {
  const auto len = text::utf8_length(s);
  if (!len) return "must be valid UTF-8";
  if (required && text::is_blank(s)) return "must not be blank";
  if (*len > max_chars) return "must be at most " + std::to_string(max_chars) + " characters";
  if (text::has_control_chars(s)) return "must not contain control characters";
  return std::nullopt;
}

namespace {
constexpr std::string_view mainland_country_codes[] = {"+86", "0086"};
}

std::string_view phone_prefix_for_search(std::string_view q) noexcept {
  for (const auto code : mainland_country_codes)
    if (q.starts_with(code) && q.size() > code.size()) return q.substr(code.size());
  return q;
}

std::string normalize_phone(std::string_view phone) {
  std::string s;
  s.reserve(phone.size());
  for (const char c : phone)
    if (c != ' ' && c != '-') s += c;
  for (const auto prefix : mainland_country_codes) {
    if (s.starts_with(prefix))
      if (auto national = mainland_national(std::string_view(s).substr(prefix.size()))) return *national;
  }
  return s;
}

void normalize(registration& r) {
  r.name = std::string(text::trim(r.name));
  r.phone = normalize_phone(r.phone);
}

std::vector<field_error> validate_registration(const registration& r) {
  std::vector<field_error> errors;
  if (r.role == role::admin) errors.push_back({"role", "must be buyer or farmer"});
  if (auto m = check_name(r.name)) errors.push_back({"name", *m});
  if (auto m = check_phone(r.phone)) errors.push_back({"phone", *m});
  if (auto m = check_password(r.password)) errors.push_back({"password", *m});
  if ((r.role == role::farmer || r.role == role::partner) && !r.village_id)
    errors.push_back({"village_id", "is required for a " + std::string(to_string(r.role))});
  if (r.village_id && *r.village_id <= 0) errors.push_back({"village_id", "must be a positive id"});
  return errors;
}

std::optional<std::int64_t> login_retry_after(std::span<const unix_seconds> failures, unix_seconds now,
                                              const login_throttle& policy) noexcept {
  return retry_after(failures, now, throttle{policy.max_failures, policy.window_s});
}

}  // namespace cunji
