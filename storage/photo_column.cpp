#include "storage/photo_column.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

namespace cunji::storage {

namespace {
// The next field of `rest` up to `sep` (or the end), removed from it.
std::string_view take(std::string_view& rest, char sep) {
  const auto at = rest.find(sep);
  const auto field = rest.substr(0, at);
  rest.remove_prefix(at == std::string_view::npos ? rest.size() : at + 1);
  return field;
}

std::int64_t take_int(std::string_view& rest) {
  const auto field = take(rest, '\x1f');
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
  if (ec != std::errc{} || end != field.data() + field.size())
    throw std::runtime_error("listing_photos: an unreadable number in the photos column");
  return v;
}
}  // namespace

std::vector<listing_photo> parse_photo_column(std::string_view all) {
  std::vector<std::pair<std::int64_t, listing_photo>> found;  // by position
  while (!all.empty()) {
    auto rest = take(all, '\x1e');
    const auto position = take_int(rest);
    listing_photo p;
    p.id = take_int(rest);
    p.width = static_cast<int>(take_int(rest));
    p.height = static_cast<int>(take_int(rest));
    p.small_name = std::string(take(rest, '\x1f'));
    p.large_name = std::string(rest);
    found.emplace_back(position, std::move(p));
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<listing_photo> out;
  out.reserve(found.size());
  for (auto& [position, p] : found) out.push_back(std::move(p));
  return out;
}

}  // namespace cunji::storage
