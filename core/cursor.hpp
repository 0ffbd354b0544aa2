#pragma once
// Opaque list cursors: a sort tag and the keyset of the last item returned, base64url-encoded.
// Clients treat them as opaque; the server rejects any it did not make for that sort.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cunji {

struct cursor {
  std::string tag;                 // which ordering it belongs to, e.g. "n" (newest)
  std::vector<std::int64_t> keys;  // the last item's sort keys, id last
  bool operator==(const cursor&) const = default;
};

std::string encode_cursor(const cursor& c);
// nullopt for anything that is not a well-formed cursor with `tag` and exactly `key_count` keys.
std::optional<cursor> decode_cursor(std::string_view text, std::string_view tag, std::size_t key_count);

}  // namespace cunji
