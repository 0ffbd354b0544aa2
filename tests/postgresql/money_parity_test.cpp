// The same money history on both engines gives the same answers: balances, statements, station
// cash, platform figures, every report, and the ledger check on the clean books and after each
// kind of damage (the SQLite engine's code is the specification of the PostgreSQL one).
#include <catch2/catch.hpp>

#include "postgresql/money_answers.hpp"
#include "storage/postgresql/migrations.hpp"
#include "storage/postgresql/sql/reports.hpp"
#include "storage/sql/ledger.hpp"
#include "storage/sql/reports.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/migrations.hpp"
#include "support/pg_cluster.hpp"
#include "support/run_task.hpp"
#include "support/temp_dir.hpp"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"  // GCC 12, for designated initializers

using namespace cunji;
using namespace cunji::storage;
using namespace cunji::test;
using namespace std::chrono_literals;

namespace {

// The ledger check on PostgreSQL after `damage` (rolled back afterwards), in one transaction.
task<std::vector<std::string>> pg_checks(std::string db, std::vector<std::string> damage) {
  auto c = co_await pg::connection::open(co_await boost::asio::this_coro::executor, db, 10s);
  co_await pg::migrate(*c);
  auto steps = history();
  co_await apply_steps(*c, std::move(steps));
  std::vector<std::string> out;
  out.push_back(co_await everything(*c));
  for (const auto& sql : damage) {
    co_await c->query("BEGIN ISOLATION LEVEL REPEATABLE READ");
    co_await c->query(sql);
    const auto report = co_await pg::check_ledger(*c, 100);
    out.push_back(dump(report));
    co_await c->query("ROLLBACK");
  }
  co_return out;
}

}  // namespace

TEST_CASE("SQLite and PostgreSQL: the same money history, the same answers and ledger checks") {
  const std::vector<std::string> damage{
      "SELECT 1",  // none
      "UPDATE ledger_balances SET amount_fen = amount_fen + 7 WHERE account = 'commission'",
      "DELETE FROM ledger_postings WHERE id = (SELECT max(id) FROM ledger_postings WHERE account = 'shop_pending')",
      "UPDATE ledger_postings SET account = 'delivery_fees' WHERE id = (SELECT min(id) FROM ledger_postings "
      "WHERE account = 'commission')",
      "UPDATE payouts SET amount_fen = amount_fen + 1 WHERE id = 2",
      "UPDATE cash_handins SET amount_fen = amount_fen + 1 WHERE reference IS NULL",
      "UPDATE order_items SET commission_fen = commission_fen + 1 WHERE order_id = 2",
      "DELETE FROM order_items WHERE order_id = 3",
      "UPDATE refunds SET status = 'succeeded'",
      "UPDATE orders SET status = 'placed' WHERE id = 1",
      "UPDATE orders SET status = 'cancelled' WHERE id = 4",
      "UPDATE sales_daily SET gmv_fen = gmv_fen + 1 WHERE day = (SELECT min(day) FROM sales_daily)",
      "DELETE FROM sales_cum WHERE scope_kind = 1 AND day = (SELECT min(day) FROM sales_cum)",
      "UPDATE buyer_days SET prev_day = NULL WHERE scope = 0",
      "UPDATE buyer_days SET orders = 2 WHERE scope <> 0",
      "DELETE FROM partner_daily WHERE day = (SELECT max(day) FROM partner_daily)",
      "UPDATE villages SET active_shops = 5",
      "UPDATE shops SET active_listings = 0",
      "UPDATE shop_months SET days = days + 1 WHERE month = (SELECT min(month) FROM shop_months)",
      "DELETE FROM shop_months",
  };
  temp_dir dir;
  connection c(dir.file("money.db"), open_mode::read_write, connection_options{"OFF"});
  migrate(c);
  apply_steps(c, history());
  std::vector<std::string> on_sqlite{everything(c)};
  for (const auto& sql : damage) {
    c.exec("SAVEPOINT damage");
    c.exec(sql);
    on_sqlite.push_back(dump(check_ledger(c)));
    c.exec("ROLLBACK TO damage");
    c.exec("RELEASE damage");
  }
  boost::asio::io_context ioc;
  const auto on_pg = run_task(ioc, pg_checks(fresh_pg_database(), damage));
  REQUIRE(on_pg.size() == on_sqlite.size());
  CHECK(on_pg[0] == on_sqlite[0]);
  for (std::size_t i = 1; i < on_pg.size(); ++i) {
    INFO(damage[i - 1]);
    CHECK(on_pg[i] == on_sqlite[i]);
  }
  // The damage was found (all but the first), and the clean books balance.
  CHECK(on_sqlite[1].starts_with("ledger 1 "));
  for (std::size_t i = 2; i < on_sqlite.size(); ++i) CHECK(on_sqlite[i].starts_with("ledger 0 "));
}
