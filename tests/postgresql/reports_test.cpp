// Sales reports on the PostgreSQL engine, through the storage seam (storage/reports.hpp), on a
// small history whose figures are worked out by hand below; the rollup check (through the
// ledger check) finding rollups that drifted; and the cursor the checks read tables with.
#include <catch2/catch.hpp>

#include "core/months.hpp"
#include "postgresql/money_history.hpp"
#include "storage/postgresql/engine.hpp"
#include "storage/postgresql/migrations.hpp"
#include "storage/postgresql/sql/row_cursor.hpp"
#include "storage/postgresql/sql/stores.hpp"
#include "support/pg_cluster.hpp"
#include "support/run_task.hpp"

// Sales are described with designated initializers naming only what matters; GCC 12 would
// warn about every member left to its default.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

using namespace cunji;
using namespace cunji::storage;
using namespace cunji::test;
using namespace std::chrono_literals;

namespace {

task<void> run_sql(std::string db, std::string sql, std::vector<money_step> steps) {
  auto c = co_await pg::connection::open(co_await boost::asio::this_coro::executor, db, 10s);
  co_await c->script(sql);
  co_await apply_steps(*c, std::move(steps));
}
task<void> migrated(std::string db) {
  auto c = co_await pg::connection::open(co_await boost::asio::this_coro::executor, db, 10s);
  co_await pg::migrate(*c);
}

std::vector<money_step> history() {
  std::vector<money_step> out;
  for (const auto& s : report_sales())
    for (auto& step : sale_steps(s)) out.push_back(std::move(step));
  return out;
}

account who(std::int64_t id, role r) {
  account a;
  a.id = id;
  a.role = r;
  return a;
}

struct reports_fixture {
  boost::asio::io_context ioc;
  std::string db = fresh_pg_database();
  pg::pool connections{ioc.get_executor(), db, 2};
  pg::engine e{connections};
  std::unique_ptr<report_store> reports = pg::make_report_store(e);
  std::unique_ptr<money_store> money = pg::make_money_store(e);

  reports_fixture() {
    run_task(ioc, migrated(db));
    sql(std::string(market_sql) +
            "; UPDATE fee_schedule SET taobao_village_min_shops = 1, taobao_village_min_gmv_fen = 5000",
        history());
  }
  void sql(std::string text, std::vector<money_step> steps = {}) {
    run_task(ioc, run_sql(db, std::move(text), std::move(steps)));
  }
  template <class T>
  T run(task<T> t) {
    return run_task(ioc, std::move(t));
  }
};

month_figures month(month_number m, std::int64_t gmv, std::int64_t orders, std::int64_t poverty, std::int64_t shops,
                    bool taobao = false) {
  return {m, gmv, orders, poverty, shops, taobao};
}

constexpr day_number today = d0 + 12;

}  // namespace

TEST_CASE("PostgreSQL reports: counties, poverty relief and partner earnings") {
  reports_fixture f;
  const day_range period{d0 - 5, d0 + 11};
  const auto counties = f.run(f.reports->county_report(period, today));
  REQUIRE(counties.size() == 2);
  const auto& poor = counties[0];
  CHECK(poor.county_id == 1);
  CHECK(poor.name == "昭阳区");
  CHECK(poor.poverty_stricken);
  CHECK(poor.gmv_fen == 3'000 + 2'000 + 1'500 + 1'200);
  CHECK(poor.orders == 4);
  CHECK(poor.distinct_buyers == 3);  // buyers 3 and 6, and the villager
  CHECK(poor.active_shops == 2);
  CHECK(poor.taobao_villages == 1);  // village 1: 6,200 fen in the window; village 2: 1,500
  const auto& rich = counties[1];
  CHECK(rich.county_id == 2);
  CHECK_FALSE(rich.poverty_stricken);
  CHECK(rich.gmv_fen == 0);
  CHECK(rich.orders == 0);
  CHECK(rich.distinct_buyers == 0);
  CHECK(rich.active_shops == 1);
  CHECK(rich.taobao_villages == 1);  // order 5 is in the window today; order 8 is not
  // Two months back: order 5 too.
  const auto wider = f.run(f.reports->county_report({d0 - 60, d0 + 13}, today));
  CHECK(wider[1].gmv_fen == 5'000);
  CHECK(wider[1].distinct_buyers == 1);
  CHECK(wider[0].distinct_buyers == 3);
  const auto none = f.run(f.reports->county_report({d0, d0}, today));
  CHECK(none[0].gmv_fen == 0);
  CHECK(none[0].orders == 0);

  const auto poverty = f.run(f.reports->poverty_report(period));
  CHECK(poverty.gmv_fen == 7'700);
  CHECK(poverty.orders == 4);
  CHECK(poverty.distinct_buyers == 3);
  CHECK(poverty.shops == 2);
  CHECK(poverty.counties == std::vector<county_gmv>{{1, 7'700}});
  const auto december = f.run(f.reports->poverty_report({d0 + 8, d0 + 20}));
  CHECK(december.gmv_fen == 1'200);
  CHECK(december.distinct_buyers == 1);
  CHECK(december.shops == 1);
  CHECK(f.run(f.reports->poverty_report({d0 - 60, d0 - 10})).counties.empty());

  auto earnings = [&](account caller, std::int64_t partner, std::vector<field_error> invalid = {}) {
    return f.run(f.reports->partner_earnings_of({caller, partner, period, std::move(invalid)}));
  };
  const auto own = earnings(who(2, role::partner), 2);
  REQUIRE(own.ok());
  CHECK(own->assisted_buying_fen == 60);
  CHECK(own->assisted_selling_fen == 100);
  CHECK(own->orders == 2);
  CHECK(earnings(who(4, role::admin), 2)->orders == 2);
  CHECK(earnings(who(1, role::farmer), 2).err().code == errc::not_found);
  CHECK(earnings(who(2, role::partner), 999).err().code == errc::not_found);
  CHECK(earnings(who(4, role::admin), 1).err().code == errc::not_found);  // a farmer
  const std::vector<field_error> bad{{"from", "not a date"}};
  CHECK(earnings(who(4, role::admin), 999, bad).err().code == errc::not_found);
  const auto invalid = earnings(who(4, role::admin), 2, bad);
  REQUIRE_FALSE(invalid.ok());
  CHECK(invalid.err().code == errc::validation_failed);
  CHECK(invalid.err().errors == bad);
}

TEST_CASE("PostgreSQL reports: months of a county and of a village, with the Taobao status") {
  reports_fixture f;
  const auto nov = month_of_day(d0), oct = nov - 1, dec = nov + 1;
  const auto county = [&](std::int64_t id) { return f.run(f.reports->county_monthly({id, {oct, dec}, today, {}})); };
  const auto poor = county(1);
  REQUIRE(poor.ok());
  CHECK(poor.value() == std::vector<month_figures>{month(oct, 0, 0, 0, 0), month(nov, 6'500, 3, 6'500, 2),
                                                   month(dec, 1'200, 1, 1'200, 1)});
  CHECK(county(2).value() ==
        std::vector<month_figures>{month(oct, 5'000, 1, 0, 1), month(nov, 0, 0, 0, 0), month(dec, 0, 0, 0, 0)});
  CHECK(county(9).err().code == errc::not_found);

  const auto village = [&](std::int64_t id) { return f.run(f.reports->village_monthly({id, {oct, dec}, today, {}})); };
  // Village 1 reaches 5,000 fen in November (orders 1 and 2) with its one shop.
  CHECK(village(1).value() == std::vector<month_figures>{month(oct, 0, 0, 0, 0), month(nov, 5'000, 2, 5'000, 1, true),
                                                         month(dec, 1'200, 1, 1'200, 1, true)});
  // Village 3: order 5 in October keeps it a Taobao village while it is in the window.
  CHECK(village(3).value() == std::vector<month_figures>{month(oct, 5'000, 1, 0, 1, true), month(nov, 0, 0, 0, 0, true),
                                                         month(dec, 0, 0, 0, 0, true)});
  CHECK(village(2).value()[1] == month(nov, 1'500, 1, 1'500, 1));
  CHECK(village(9).err().code == errc::not_found);
  // A year on, order 5 has left the window.
  const auto later = f.run(f.reports->village_monthly({3, {oct + 12, oct + 12}, today + 400, {}}));
  CHECK(later.value() == std::vector<month_figures>{month(oct + 12, 0, 0, 0, 0)});
  // With more shops required than the village has, its GMV is not enough.
  f.sql("UPDATE fee_schedule SET taobao_village_min_shops = 2");
  CHECK_FALSE(village(1).value()[1].taobao_village);

  const std::vector<field_error> bad{{"to", "after the current month"}};
  CHECK(f.run(f.reports->county_monthly({9, {oct, dec}, today, bad})).err().code == errc::not_found);
  CHECK(f.run(f.reports->county_monthly({1, {oct, dec}, today, bad})).err().code == errc::validation_failed);
  CHECK(f.run(f.reports->village_monthly({1, {oct, dec}, today, bad})).err().code == errc::validation_failed);
}

TEST_CASE("PostgreSQL ledger check: clean on a good history, and it finds rollups that drifted") {
  reports_fixture f;
  const auto clean = f.run(f.money->check_ledger());
  for (const auto& m : clean.mismatches) UNSCOPED_INFO(m);
  CHECK(clean.balanced);
  CHECK(clean.orders_checked == 8);
  const auto d = std::to_string(d0 - 30);
  f.sql("UPDATE sales_daily SET gmv_fen = gmv_fen + 1 WHERE shop_id = 2 AND day = " + d);
  const auto daily = f.run(f.money->check_ledger());
  CHECK_FALSE(daily.balanced);
  CHECK(daily.mismatches == std::vector<std::string>{"rollups: sales_daily shop 2 poverty_relief 0 day " + d +
                                                     " holds 5001 fen in 1 orders; orders say 5000 fen in 1"});
  f.sql("UPDATE sales_daily SET gmv_fen = gmv_fen - 1 WHERE shop_id = 2 AND day = " + d +
        "; UPDATE sales_cum SET orders = orders + 1 WHERE scope_kind = 2 AND scope_id = 2 AND day = " + d);
  CHECK(f.run(f.money->check_ledger()).mismatches ==
        std::vector<std::string>{"rollups: sales_cum scope 2/2 day " + d +
                                 " holds 5700 fen in 3 orders; orders say 5700 fen in 2"});
  f.sql(
      "UPDATE sales_cum SET orders = orders - 1 WHERE scope_kind = 2 AND scope_id = 2 AND day = " + d +
      "; UPDATE buyer_days SET prev_day = NULL WHERE scope = 1 AND buyer_key = 3 AND day = " + std::to_string(d0 + 1));
  CHECK(f.run(f.money->check_ledger()).mismatches ==
        std::vector<std::string>{"rollups: buyer_days scope 1 buyer 3 day " + std::to_string(d0 + 1) +
                                 " has prev_day none, not " + std::to_string(d0)});
}

TEST_CASE("PostgreSQL row_cursor: every row once, across batches") {
  boost::asio::io_context ioc;
  const auto db = fresh_pg_database();
  auto read_all = [&](int rows, int batch) {
    return run_task(ioc, [](std::string to, int n, int size) -> task<std::vector<std::int64_t>> {
      auto c = co_await pg::connection::open(co_await boost::asio::this_coro::executor, to, 10s);
      co_await c->query("BEGIN");
      pg::row_cursor cursor(*c, "SELECT generate_series(1, " + std::to_string(n) + ")", size);
      std::vector<std::int64_t> out;
      while (co_await cursor.next()) out.push_back(cursor.i64(0));
      const bool more = co_await cursor.next();  // still none
      CHECK_FALSE(more);
      co_await c->query("COMMIT");
      co_return out;
    }(db, rows, batch));
  };
  CHECK(read_all(0, 2).empty());
  CHECK(read_all(4, 2) == std::vector<std::int64_t>{1, 2, 3, 4});
  CHECK(read_all(5, 2) == std::vector<std::int64_t>{1, 2, 3, 4, 5});
  CHECK(read_all(3, 1'000) == std::vector<std::int64_t>{1, 2, 3});
}
