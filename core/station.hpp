#pragma once
// Service stations: every village with a partner is one. Station-pickup parcels wait on its
// shelf until the villager comes and says the pickup code. The rules here are pure.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/throttle.hpp"
#include "core/time.hpp"

namespace cunji {

inline constexpr std::size_t pickup_code_digits = 6;

// A code as the placer receives it: six digits, from `random` (any uniformly random number).
std::string pickup_code_from(std::uint64_t random);

// Six ASCII digits, nothing else (otherwise 422, and the attempt does not count).
bool is_pickup_code(std::string_view s) noexcept;

// Compares in time independent of where the codes differ.
bool same_code(std::string_view stored, std::string_view given) noexcept;

// Trying codes: after 5 wrong codes for one order within 15 minutes, hand-overs of that order
// are refused until the window has passed (429 with Retry-After; core/throttle.hpp), so that
// six digits cannot be found by trying: at most 20 guesses an hour of 1,000,000 codes.
inline constexpr throttle handover_throttle{5, 15 * 60};

}  // namespace cunji
