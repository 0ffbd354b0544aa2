// Sales reports on PostgreSQL (storage/reports.hpp), read from the rollups, each in one
// snapshot.
#include "core/policy.hpp"
#include "storage/postgresql/connection.hpp"
#include "storage/postgresql/engine.hpp"
#include "storage/postgresql/sql/regions.hpp"
#include "storage/postgresql/sql/reports.hpp"
#include "storage/postgresql/sql/stores.hpp"

namespace cunji::storage::pg {

namespace {

// Whether the account exists and is a partner (until the accounts area is merged).
task<bool> is_partner_account(connection& c, std::int64_t id) {
  const auto r = co_await c.query("SELECT role FROM accounts WHERE id = $1", params(id));
  co_return r.rows() == 1 && r.text(0, 0) == to_string(role::partner);
}

task<result<partner_earnings>> partner_earnings_in(connection& c, earnings_request r) {
  // Anyone who may not read them is told there is no such partner, so ids cannot be probed.
  const error no_such{errc::not_found, "No such partner."};
  if (!can_read_earnings_of(r.caller, r.partner_id)) co_return no_such;
  const bool partner = co_await is_partner_account(c, r.partner_id);
  if (!partner) co_return no_such;
  if (!r.invalid.empty()) co_return validation(r.invalid);
  co_return co_await partner_earnings_report(c, r.partner_id, r.period);
}

task<result<std::vector<month_figures>>> county_monthly_in(connection& c, monthly_request r) {
  const auto found = co_await find_county(c, r.id);
  if (!found) co_return error{errc::not_found, "No such county."};
  if (!r.invalid.empty()) co_return validation(r.invalid);
  co_return co_await county_monthly(c, r.id, r.months);
}

task<result<std::vector<month_figures>>> village_monthly_in(connection& c, monthly_request r) {
  const auto found = co_await find_village(c, r.id);
  if (!found) co_return error{errc::not_found, "No such village."};
  if (!r.invalid.empty()) co_return validation(r.invalid);
  co_return co_await village_monthly(c, r.id, r.months, r.today);
}

class pg_report_store final : public report_store {
 public:
  explicit pg_report_store(engine& e) : e_(e) {}

  task<std::vector<county_report_row>> county_report(day_range period, day_number today) override {
    co_return co_await e_.snapshot<std::vector<county_report_row>>(
        [&](connection& c) { return pg::county_report(c, period, today); });
  }

  task<poverty_relief_report> poverty_report(day_range period) override {
    co_return co_await e_.snapshot<poverty_relief_report>([&](connection& c) { return pg::poverty_report(c, period); });
  }

  task<result<partner_earnings>> partner_earnings_of(earnings_request r) override {
    co_return co_await e_.snapshot<result<partner_earnings>>([&](connection& c) { return partner_earnings_in(c, r); });
  }

  task<result<std::vector<month_figures>>> county_monthly(monthly_request r) override {
    co_return co_await e_.snapshot<result<std::vector<month_figures>>>(
        [&](connection& c) { return county_monthly_in(c, r); });
  }

  task<result<std::vector<month_figures>>> village_monthly(monthly_request r) override {
    co_return co_await e_.snapshot<result<std::vector<month_figures>>>(
        [&](connection& c) { return village_monthly_in(c, r); });
  }

 private:
  engine& e_;
};

}  // namespace

std::unique_ptr<report_store> make_report_store(engine& e) { return std::make_unique<pg_report_store>(e); }

}  // namespace cunji::storage::pg
