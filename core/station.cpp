#include "core/station.hpp"

namespace cunji {

std::string pickup_code_from(std::uint64_t random) {
  std::string code(pickup_code_digits, '0');
  for (auto it = code.rbegin(); it != code.rend(); ++it, random /= 10) *it = static_cast<char>('0' + random % 10);
  return code;
}

bool is_pickup_code(std::string_view s) noexcept {
  if (s.size() != pickup_code_digits) return false;
  for (const char ch : s)
    if (ch < '0' || ch > '9') return false;
  return true;
}

bool same_code(std::string_view stored, std::string_view given) noexcept {
  unsigned diff = stored.size() != given.size() ? 1u : 0u;
  const auto n = stored.size() < given.size() ? stored.size() : given.size();
  for (std::size_t i = 0; i < n; ++i)
    diff |= static_cast<unsigned>(static_cast<unsigned char>(stored[i]) ^ static_cast<unsigned char>(given[i]));
  return diff == 0;
}

}  // namespace cunji
