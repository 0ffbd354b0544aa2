#pragma once
// The one catalogue of words the pages show: key -> Chinese (first) and English. Templates
// read them as {{t.key}}; C++ reads them with msg().
#include <span>
#include <string_view>

namespace cunji::server::web {

enum class lang { zh, en };

struct message {
  std::string_view key, zh, en;
};

// "zh-CN" or "en": the page's <html lang>.
std::string_view lang_tag(lang l) noexcept;
// "zh" or "en" (the ?lang= and cookie spelling), and back (nullopt-like: zh for anything else).
std::string_view lang_code(lang l) noexcept;
bool parse_lang(std::string_view s, lang& out) noexcept;

// The message of `key` in `l`; the key itself when the catalogue lacks it (a test checks that
// every key a template or the C++ names is there).
std::string_view msg(lang l, std::string_view key) noexcept;
bool has_message(std::string_view key) noexcept;
std::span<const message> all_messages() noexcept;

}  // namespace cunji::server::web
