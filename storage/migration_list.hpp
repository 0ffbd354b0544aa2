#pragma once
// The numbered migrations of an engine, as embedded in the binary at build time
// (cmake/Embed.cmake): files named NNNN_what.sql, numbered 1, 2, 3… without a gap.
#include <string_view>
#include <utility>
#include <vector>

namespace cunji::storage {

struct migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// The files in version order. Throws std::logic_error on a badly named or missing number.
std::vector<migration> numbered_migrations(const std::vector<std::pair<std::string_view, std::string_view>>& files);

}  // namespace cunji::storage
