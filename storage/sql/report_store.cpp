// Sales reports on SQLite (storage/reports.hpp), read from the rollups.
#include "core/policy.hpp"
#include "storage/sql/accounts.hpp"
#include "storage/sql/regions.hpp"
#include "storage/sql/reports.hpp"
#include "storage/sql/stores.hpp"
#include "storage/sqlite/engine.hpp"

namespace cunji::storage {

namespace {

class sqlite_report_store final : public report_store {
 public:
  explicit sqlite_report_store(database& db) : e_(db) {}

  task<std::vector<county_report_row>> county_report(day_range period, day_number today) override {
    co_return e_.read([&](connection& c) { return storage::county_report(c, period, today); });
  }

  task<poverty_relief_report> poverty_report(day_range period) override {
    co_return e_.read([&](connection& c) { return storage::poverty_report(c, period); });
  }

  task<result<partner_earnings>> partner_earnings_of(earnings_request r) override {
    co_return e_.read([&](connection& c) -> result<partner_earnings> {
      // Anyone who may not read them is told there is no such partner, so ids cannot be probed.
      const error no_such{errc::not_found, "No such partner."};
      if (!can_read_earnings_of(r.caller, r.partner_id)) return no_such;
      const auto a = find_account(c, r.partner_id);
      if (!a || a->role != role::partner) return no_such;
      if (!r.invalid.empty()) return validation(r.invalid);
      return partner_earnings_report(c, r.partner_id, r.period);
    });
  }

  task<result<std::vector<month_figures>>> county_monthly(monthly_request r) override {
    co_return e_.read([&](connection& c) -> result<std::vector<month_figures>> {
      if (!find_county(c, r.id)) return error{errc::not_found, "No such county."};
      if (!r.invalid.empty()) return validation(r.invalid);
      return storage::county_monthly(c, r.id, r.months);
    });
  }

  task<result<std::vector<month_figures>>> village_monthly(monthly_request r) override {
    co_return e_.read([&](connection& c) -> result<std::vector<month_figures>> {
      if (!find_village(c, r.id)) return error{errc::not_found, "No such village."};
      if (!r.invalid.empty()) return validation(r.invalid);
      return storage::village_monthly(c, r.id, r.months, r.today);
    });
  }

 private:
  engine e_;
};

}  // namespace

std::unique_ptr<report_store> make_report_store(database& db) { return std::make_unique<sqlite_report_store>(db); }

}  // namespace cunji::storage
