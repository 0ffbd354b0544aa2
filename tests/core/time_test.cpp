#include "core/time.hpp"

#include <catch2/catch.hpp>

using namespace cunji;

TEST_CASE("format_rfc3339 renders UTC seconds", "[core][time]") {
  CHECK(format_rfc3339(0) == "1970-01-01T00:00:00Z");
  CHECK(format_rfc3339(1795442400) == "2026-11-23T14:00:00Z");
  CHECK(format_rfc3339(951782400) == "2000-02-29T00:00:00Z");
  CHECK(format_rfc3339(-1) == "1969-12-31T23:59:59Z");
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
