#include "storage/migration_list.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <string>

namespace cunji::storage {

std::vector<migration> numbered_migrations(const std::vector<std::pair<std::string_view, std::string_view>>& files) {
  std::vector<migration> out;
  for (const auto& [name, sql] : files) {
    int v = 0;
    const auto [p, ec] = std::from_chars(name.data(), name.data() + name.size(), v);
    if (ec != std::errc{} || v <= 0 || *p != '_') throw std::logic_error("bad migration name: " + std::string(name));
    out.push_back({v, name, sql});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
  for (std::size_t i = 0; i < out.size(); ++i)
    if (out[i].version != static_cast<int>(i) + 1) throw std::logic_error("migrations must be numbered 1, 2, 3...");
  return out;
}

}  // namespace cunji::storage
