#include "core/cursor.hpp"

#include <charconv>

namespace cunji {

namespace {
constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string b64url(std::string_view in) {
  std::string out;
  std::size_t i = 0;
  std::uint32_t acc = 0;
  int bits = 0;
  for (; i < in.size(); ++i) {
    acc = (acc << 8) | static_cast<unsigned char>(in[i]);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += alphabet[(acc >> bits) & 0x3F];
    }
  }
  if (bits > 0) out += alphabet[(acc << (6 - bits)) & 0x3F];
  return out;
}

std::optional<std::string> unb64url(std::string_view in) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char ch : in) {
    const auto pos = alphabet.find(ch);
    if (pos == std::string_view::npos) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}
}  // namespace

std::string encode_cursor(const cursor& c) {
  std::string plain = c.tag;
  for (auto k : c.keys) {
    plain += ':';
    plain += std::to_string(k);
  }
  return b64url(plain);
}

std::optional<cursor> decode_cursor(std::string_view text, std::string_view tag, std::size_t key_count) {
  if (text.empty() || text.size() > 200) return std::nullopt;
  const auto plain = unb64url(text);
  if (!plain) return std::nullopt;
  std::string_view rest = *plain;
  const auto colon = rest.find(':');
  if (rest.substr(0, colon) != tag) return std::nullopt;
  cursor c{std::string(tag), {}};
  while (colon != std::string_view::npos && !rest.empty()) {
    const auto next = rest.find(':');
    if (next == std::string_view::npos) break;
    rest.remove_prefix(next + 1);
    const auto end = rest.find(':');
    const auto part = rest.substr(0, end);
    std::int64_t v = 0;
    const auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (ec != std::errc{} || p != part.data() + part.size() || part.empty()) return std::nullopt;
    c.keys.push_back(v);
    if (end == std::string_view::npos) break;
  }
  if (c.keys.size() != key_count) return std::nullopt;
  // Canonical form only, so one position has one spelling.
  if (encode_cursor(c) != text) return std::nullopt;
  return c;
}

}  // namespace cunji
