#include "server/router.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>

#include "core/text.hpp"

namespace cunji::server {

std::string_view route_params::get(std::string_view name) const {
  for (const auto& [k, v] : values)
    if (k == name) return v;
  return {};
}

bool is_id_param(std::string_view name) noexcept { return name == "id" || name.ends_with("_id"); }

bool is_canonical_id(std::string_view s) noexcept {
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return !s.empty() && s.front() != '0' && ec == std::errc{} && p == s.data() + s.size() && v > 0;
}

std::string_view target_path(std::string_view target) {
  const auto q = target.find('?');
  return q == std::string_view::npos ? target : target.substr(0, q);
}

namespace {
int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
std::string decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}
}  // namespace

bool is_well_formed_target(std::string_view target) {
  // Most targets are plain ASCII without escapes: nothing to decode.
  if (std::all_of(target.begin(), target.end(),
                  [](char c) { return c != '%' && static_cast<unsigned char>(c) < 0x80; }))
    return true;
  std::string decoded;
  decoded.reserve(target.size());
  for (std::size_t i = 0; i < target.size(); ++i) {
    if (target[i] != '%') {
      decoded += target[i];
      continue;
    }
    if (i + 2 >= target.size() || hex(target[i + 1]) < 0 || hex(target[i + 2]) < 0) return false;
    decoded += static_cast<char>(hex(target[i + 1]) * 16 + hex(target[i + 2]));
    i += 2;
  }
  return text::utf8_length(decoded).has_value();
}

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view target) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto q = target.find('?');
  if (q == std::string_view::npos) return out;
  auto rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const auto part = rest.substr(0, amp);
    if (!part.empty()) {
      const auto eq = part.find('=');
      if (eq == std::string_view::npos) out.emplace_back(decode(part), std::string());
      else out.emplace_back(decode(part.substr(0, eq)), decode(part.substr(eq + 1)));
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return out;
}

}  // namespace cunji::server
