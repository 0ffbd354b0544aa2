// Months of the monthly reports: boundaries as UTC day numbers, YYYY-MM, the default range and
// its errors, and the window rule behind a month's Taobao status.
#include "core/months.hpp"

#include <catch2/catch.hpp>

#include "core/time.hpp"

using namespace cunji;

namespace {
constexpr day_number d0 = 20'780;  // 2026-11-23
day_number day(const char* date) { return day_of(*parse_date(date)); }
month_number month(const char* ym) { return *parse_month(ym); }
std::vector<std::string> fields_of(const result<month_range>& r) {
  std::vector<std::string> out;
  for (const auto& e : r.err().errors) out.push_back(e.field);
  return out;
}
}  // namespace

TEST_CASE("month boundaries are UTC day numbers", "[core][reports]") {
  CHECK(first_day(0) == 0);
  CHECK(first_day(1) == 31);
  CHECK(first_day(-1) == -31);  // 1969-12
  CHECK(month_of_day(-1) == -1);
  CHECK(month(R"(2026-11)") == (2026 - 1970) * 12 + 10);
  CHECK(first_day(month("2026-11")) == day("2026-11-01"));
  CHECK(days_of(month("2024-02")) == day_range{day("2024-02-01"), day("2024-03-01")});  // 29 days
  CHECK(days_of(month("2026-12")) == day_range{day("2026-12-01"), day("2027-01-01")});
  CHECK(month_of_day(d0) == month("2026-11"));
  // Every day of several years lies in exactly the month whose days contain it.
  for (day_number d = day("1999-12-25"); d < day("2031-01-05"); ++d) {
    const auto m = month_of_day(d);
    INFO("day " << d);
    REQUIRE(days_of(m).contains(d));
  }
  CHECK(status_day(month("2026-10"), d0) == day("2026-10-31"));
  CHECK(status_day(month("2026-11"), d0) == d0);  // the current month: today
  CHECK(status_day(month("2024-02"), d0) == day("2024-02-29"));
}

TEST_CASE("YYYY-MM and nothing else", "[core][reports]") {
  CHECK(parse_month("1970-01") == 0);
  CHECK(parse_month("9999-12").has_value());
  for (const char* bad : {"", "2026", "2026-1", "2026-13", "2026-00", "2026/11", "2026-11-01", "1969-12", " 2026-11",
                          "2026-1a", "+026-11", "２０２６-11"}) {
    INFO(bad);
    CHECK_FALSE(parse_month(bad).has_value());
  }
  CHECK(format_month(month("2026-01")) == "2026-01");
  CHECK(format_month(month("2026-12")) == "2026-12");
  CHECK(format_month(-1) == "1969-12");
}

TEST_CASE("a report's months: defaults and errors naming the field", "[core][reports]") {
  const auto nov = month("2026-11");
  CHECK(report_months(std::nullopt, std::nullopt, d0).value() == month_range{nov - 12, nov});
  CHECK(report_months(std::nullopt, std::nullopt, d0).value().size() == 13);
  CHECK(report_months("2026-03", std::nullopt, d0).value() == month_range{month("2026-03"), nov});
  CHECK(report_months(std::nullopt, "2026-03", d0).value() == month_range{month("2025-03"), month("2026-03")});
  CHECK(report_months("2026-03", "2026-03", d0).value().size() == 1);
  CHECK(report_months("2023-12", "2026-11", d0).value().size() == 36);
  struct bad {
    std::optional<std::string_view> from, to;
    std::vector<std::string> fields;
  };
  for (const auto& b :
       {bad{"2026-1", std::nullopt, {"from"}}, bad{std::nullopt, "2026-13", {"to"}}, bad{"x", "y", {"from", "to"}},
        bad{"2026-05", "2026-04", {"to"}}, bad{"2026-12", std::nullopt, {"from"}}, bad{std::nullopt, "2026-12", {"to"}},
        bad{"2023-11", "2026-11", {"from"}}, bad{"2020-01", std::nullopt, {"from"}}}) {
    INFO((b.from ? *b.from : "-") << " .. " << (b.to ? *b.to : "-"));
    const auto r = report_months(b.from, b.to, d0);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().code == errc::validation_failed);
    CHECK(fields_of(r) == b.fields);
  }
}

TEST_CASE("a shop is active on a day when it sold in the village window ending that day", "[core][reports]") {
  const std::vector<day_number> sales{d0 - 400, d0 - 10};
  CHECK(sold_in_window(sales, d0));
  CHECK(sold_in_window(sales, d0 - 10));
  CHECK_FALSE(sold_in_window(sales, d0 - 11));  // d0 - 400 is 389 days old, d0 - 10 not yet made
  CHECK_FALSE(sold_in_window(sales, d0 - 35));  // d0 - 400 is 365 days old
  CHECK(sold_in_window(sales, d0 - 36));        // 364 days old
  CHECK(sold_in_window({d0 - 364}, d0));        // 364 days old: in
  CHECK_FALSE(sold_in_window({d0 - 365}, d0));  // 365 days old: out
  CHECK_FALSE(sold_in_window({d0 + 1}, d0));    // later: out
  CHECK_FALSE(sold_in_window({}, d0));
}
