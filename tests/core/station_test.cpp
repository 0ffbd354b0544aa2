#include <catch2/catch.hpp>

#include <vector>

#include "core/station.hpp"
#include "core/throttle.hpp"

using namespace cunji;

TEST_CASE("pickup codes: six digits, leading zeros kept", "[core][station]") {
  CHECK(pickup_code_from(0) == "000000");
  CHECK(pickup_code_from(42) == "000042");
  CHECK(pickup_code_from(123456) == "123456");
  CHECK(pickup_code_from(9'876'543'210ULL) == "543210");  // only the last six digits
  for (std::uint64_t r : {0ULL, 7ULL, 999999ULL, 18'446'744'073'709'551'615ULL})
    CHECK(is_pickup_code(pickup_code_from(r)));

  CHECK(is_pickup_code("012345"));
  for (const char* bad : {"", "12345", "1234567", "12 456", "12345a", "１２３４５６", "-12345", "+12345"})
    CHECK_FALSE(is_pickup_code(bad));

  CHECK(same_code("012345", "012345"));
  CHECK_FALSE(same_code("012345", "012346"));
  CHECK_FALSE(same_code("012345", "01234"));
  CHECK_FALSE(same_code("012345", "0123456"));
  CHECK_FALSE(same_code("012345", ""));
}

TEST_CASE("throttle: the fifth failure in the window closes tries until it leaves", "[core][station]") {
  const throttle t{5, 900};
  std::vector<unix_seconds> newest_first;
  for (unix_seconds at = 1000; at < 1005; ++at) {
    CHECK_FALSE(retry_after(newest_first, 1005, t));
    newest_first.insert(newest_first.begin(), at);
  }
  // Failures at 1000..1004: the oldest of the five leaves the window at 1900.
  REQUIRE(retry_after(newest_first, 1005, t));
  CHECK(*retry_after(newest_first, 1005, t) == 895);
  CHECK(*retry_after(newest_first, 1899, t) == 1);
  CHECK_FALSE(retry_after(newest_first, 1900, t));
  // Older failures beyond the fifth do not matter.
  newest_first.push_back(10);
  CHECK(*retry_after(newest_first, 1005, t) == 895);
  CHECK(handover_throttle.max_failures == 5);
  CHECK(handover_throttle.window_s == 15 * 60);
  CHECK_FALSE(retry_after(newest_first, 1005, throttle{0, 900}));  // no limit
}
