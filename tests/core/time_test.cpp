#include "core/time.hpp"

#include <array>
#include <catch2/catch.hpp>
#include <random>
#include <string>

using namespace cunji;

TEST_CASE("format_rfc3339 renders UTC seconds", "[core][time]") {
  CHECK(format_rfc3339(0) == "1970-01-01T00:00:00Z");
  CHECK(format_rfc3339(1795442400) == "2026-11-23T14:00:00Z");
  CHECK(format_rfc3339(951782400) == "2000-02-29T00:00:00Z");
  CHECK(format_rfc3339(-1) == "1969-12-31T23:59:59Z");
}

TEST_CASE("format_rfc3339 agrees with days_from_civil over ten thousand years", "[core][time]") {
  // Every field read back from the text gives the same instant, on both sides of the
  // four-digit years (the fast path) and beyond them (the general path).
  std::mt19937_64 rng(20261123);
  const std::int64_t lo = days_from_civil(-50, 1, 1) * 86400, hi = days_from_civil(10050, 1, 1) * 86400;
  std::uniform_int_distribution<std::int64_t> pick(lo, hi);
  int fast = 0;
  for (int i = 0; i < 20000; ++i) {
    const auto t = i < 4 ? std::array<std::int64_t, 4>{lo, hi, 0, days_from_civil(9999, 12, 31) * 86400 + 86399}[i]
                         : pick(rng);
    const auto s = format_rfc3339(t);
    INFO(t << " " << s);
    const bool neg = s[0] == '-';
    const auto date_end = s.find('T');
    REQUIRE(date_end != std::string::npos);
    REQUIRE(s.size() == date_end + 10);
    const auto y = std::stoll(s.substr(0, date_end - 6));
    const auto m = static_cast<unsigned>(std::stoul(s.substr(date_end - 5, 2)));
    const auto d = static_cast<unsigned>(std::stoul(s.substr(date_end - 2, 2)));
    const auto hh = std::stoll(s.substr(date_end + 1, 2)), mm = std::stoll(s.substr(date_end + 4, 2)),
               ss = std::stoll(s.substr(date_end + 7, 2));
    CHECK(s.substr(date_end) ==
          "T" + s.substr(date_end + 1, 2) + ":" + s.substr(date_end + 4, 2) + ":" + s.substr(date_end + 7, 2) + "Z");
    CHECK(days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss == t);
    if (!neg && date_end == 10) ++fast;
  }
  CHECK(fast > 15000);
}

TEST_CASE("parse_date accepts YYYY-MM-DD only", "[core][time]") {
  CHECK(parse_date("2026-11-23") == 1795392000);
  CHECK(parse_date("2024-02-29") == days_from_civil(2024, 2, 29) * 86400);
  CHECK_FALSE(parse_date("2023-02-29"));
  CHECK_FALSE(parse_date("2026-13-01"));
  CHECK_FALSE(parse_date("2026-00-10"));
  CHECK_FALSE(parse_date("2026-1-01"));
  CHECK_FALSE(parse_date("2026-11-23T00:00:00Z"));
  CHECK_FALSE(parse_date("abcd-ef-gh"));
}
