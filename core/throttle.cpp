#include "core/throttle.hpp"

namespace cunji {

std::optional<std::int64_t> retry_after(std::span<const unix_seconds> failures, unix_seconds now,
                                        const throttle& t) noexcept {
  if (t.max_failures <= 0 || failures.size() < static_cast<std::size_t>(t.max_failures)) return std::nullopt;
  const auto reopens = failures[static_cast<std::size_t>(t.max_failures) - 1] + t.window_s;
  if (reopens <= now) return std::nullopt;
  return reopens - now;
}

}  // namespace cunji
