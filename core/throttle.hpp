#pragma once
// Throttling repeated failures (logins, pickup codes): after `max_failures` within `window_s`,
// refuse until the oldest of them leaves the window.
#include <cstdint>
#include <optional>
#include <span>

#include "core/time.hpp"

namespace cunji {

struct throttle {
  int max_failures = 0;
  std::int64_t window_s = 0;
};

// Given the times of failures, newest first (only the first max_failures matter), the seconds
// to wait, or nullopt when another try may be made now. Tries open again once fewer than
// max_failures fall inside the window: when the max_failures-th newest failure leaves it.
std::optional<std::int64_t> retry_after(std::span<const unix_seconds> failures_newest_first, unix_seconds now,
                                        const throttle& t) noexcept;

}  // namespace cunji
