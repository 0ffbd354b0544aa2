#include "payments/form.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace cunji::payments {
namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

error form_error(std::string detail, std::size_t at) {
  return error{errc::validation_failed, detail + " at byte " + std::to_string(at) + " of the form"};
}

// Decodes one key or value that starts at byte `at` of the body.
result<std::string> decode_part(std::string_view s, std::size_t at) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] != '%') {
      out += s[i];
    } else {
      if (i + 2 >= s.size() || hex_value(s[i + 1]) < 0 || hex_value(s[i + 2]) < 0)
        return form_error("'%' without two hex digits", at + i);
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    }
  }
  if (!text::utf8_length(out)) return form_error("text that is not UTF-8", at);
  return out;
}

}  // namespace

result<form_fields> parse_form(std::string_view body) {
  form_fields fields;
  if (body.empty()) return fields;
  for (std::size_t at = 0;;) {
    const auto end = std::min(body.find('&', at), body.size());
    const auto pair = body.substr(at, end - at);
    const auto eq = pair.find('=');
    if (pair.empty()) return form_error("an empty pair", at);
    if (eq == std::string_view::npos) return form_error("a pair without '='", at);
    if (eq == 0) return form_error("an empty key", at);
    auto key = decode_part(pair.substr(0, eq), at);
    if (!key) return std::move(key).err();
    auto value = decode_part(pair.substr(eq + 1), at + eq + 1);
    if (!value) return std::move(value).err();
    if (!fields.emplace(std::move(key).value(), std::move(value).value()).second)
      return form_error("a repeated key", at);
    if (end == body.size()) break;
    at = end + 1;
  }
  return fields;
}

void append_url_encoded(std::string& out, std::string_view s) {
  constexpr char hex[] = "0123456789ABCDEF";
  for (unsigned char c : s) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                            c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
}

std::string url_encode(std::string_view s) {
  std::string out;
  append_url_encoded(out, s);
  return out;
}

std::string encode_form(const form_fields& fields) {
  std::string out;
  for (const auto& [key, value] : fields) {
    if (!out.empty()) out += '&';
    append_url_encoded(out, key);
    out += '=';
    append_url_encoded(out, value);
  }
  return out;
}

}  // namespace cunji::payments
