// fuzz_cursor: bytes -> core::decode_cursor for every tag the server hands out and every key
// count 0..4; and bytes -> a cursor value -> encode -> decode.
//
// Properties: a decoded cursor has the asked tag and key count and is the canonical spelling
// (encode(decode(t)) == t), so decode(encode(c)) == c; every cursor the server can make
// decodes back to itself; nothing longer than 200 characters decodes.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/cursor.hpp"
#include "fuzz/fuzz_check.hpp"

namespace {

using namespace cunji;

// The tags of server/routes/*.cpp (orders, counties, villages, statement, shops, villagers,
// listings by newest, price ascending/descending, relevance) and a few that are not.
constexpr std::string_view tags[] = {"o", "c", "v", "st", "s", "vg", "ln", "lpa", "lpd", "lr", "", "x", "o:1"};
constexpr std::size_t server_tags = 10;

void check_decoded(std::string_view text, std::string_view tag, std::size_t keys) {
  const auto c = decode_cursor(text, tag, keys);
  if (!c) return;
  FUZZ_CHECK(text.size() <= 200, "decoded a cursor of %zu characters", text.size());
  FUZZ_CHECK(c->tag == tag, "decoded tag differs");
  FUZZ_CHECK(c->keys.size() == keys, "decoded %zu keys, asked %zu", c->keys.size(), keys);
  const auto again = encode_cursor(*c);
  FUZZ_CHECK(again == text, "not canonical: re-encodes differently");
  const auto back = decode_cursor(again, tag, keys);
  FUZZ_CHECK(back && *back == *c, "decode(encode(c)) != c");
  // A cursor of one sort order is never accepted for another.
  for (std::size_t t = 0; t < server_tags; ++t)
    if (tags[t] != tag) FUZZ_CHECK(!decode_cursor(text, tags[t], keys), "accepted for another tag");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const auto tag : tags)
    for (std::size_t keys = 0; keys <= 4; ++keys) check_decoded(text, tag, keys);

  // Structured: the first byte picks a server tag and a key count, the rest are keys.
  if (size >= 1) {
    const std::string_view tag = tags[data[0] % server_tags];
    const std::size_t keys = (data[0] >> 4) % 5;
    cursor c{std::string(tag), {}};
    for (std::size_t k = 0; k < keys; ++k) {
      std::int64_t v = 0;
      const std::size_t at = 1 + 8 * k;
      if (at < size) std::memcpy(&v, data + at, std::min<std::size_t>(8, size - at));
      c.keys.push_back(v);
    }
    const auto enc = encode_cursor(c);
    const auto dec = decode_cursor(enc, tag, keys);
    FUZZ_CHECK(dec.has_value(), "a cursor the server can make does not decode: %s", enc.c_str());
    FUZZ_CHECK(*dec == c, "decode(encode(c)) != c for %s", enc.c_str());
  }
  return 0;
}
