// Counties and villages on the PostgreSQL engine, through the storage seam (storage/regions.hpp).
#include <catch2/catch.hpp>

#include "storage/postgresql/engine.hpp"
#include "storage/postgresql/migrations.hpp"
#include "storage/postgresql/sql/stores.hpp"
#include "support/pg_cluster.hpp"
#include "support/run_task.hpp"

using namespace cunji;
using namespace cunji::storage;
using cunji::test::run_task;
using namespace std::chrono_literals;

namespace {
task<void> migrated(std::string db) {
  auto c = co_await pg::connection::open(co_await boost::asio::this_coro::executor, db, 10s);
  co_await pg::migrate(*c);
}
task<void> run_sql(std::string db, std::string sql) {
  auto c = co_await pg::connection::open(co_await boost::asio::this_coro::executor, db, 10s);
  co_await c->script(sql);
}
}  // namespace

TEST_CASE("PostgreSQL regions: counties and villages, pages, filters, Taobao status") {
  boost::asio::io_context ioc;
  const auto db = cunji::test::fresh_pg_database();
  run_task(ioc, migrated(db));
  pg::pool p(ioc.get_executor(), db, 2);
  change_counters changes;
  pg::engine e(p, &changes);
  auto regions = pg::make_region_store(e);

  const auto before = changes.catalog();
  const auto poor = run_task(ioc, regions->create_county("吉木乃县", "新疆维吾尔自治区", true, 100));
  // A committed write moves the counters of the read caches (a county's poverty flag is shown
  // with its listings); a read does not.
  CHECK(changes.catalog() > before);
  const auto after_write = changes.catalog();
  run_task(ioc, regions->find_county(poor.id));
  CHECK(changes.catalog() == after_write);
  const auto rich = run_task(ioc, regions->create_county("义乌市", "浙江省", false, 101));
  CHECK(poor.poverty_stricken);
  CHECK(rich.id > poor.id);
  CHECK(rich.created_at == 101);

  const auto renamed = run_task(ioc, regions->update_county(rich.id, {std::string("义乌"), std::nullopt, true}));
  REQUIRE(renamed.ok());
  CHECK(renamed->name == "义乌");
  CHECK(renamed->province == "浙江省");
  CHECK(renamed->poverty_stricken);
  CHECK(run_task(ioc, regions->update_county(999, {})).err().code == errc::not_found);
  CHECK(run_task(ioc, regions->find_county(rich.id))->name == "义乌");
  CHECK_FALSE(run_task(ioc, regions->find_county(999)));

  // Pages of one, then the filter.
  const auto first = run_task(ioc, regions->list_counties(std::nullopt, {{}, 1}));
  REQUIRE(first.items.size() == 1);
  CHECK(first.items[0].id == poor.id);
  REQUIRE(first.next_keys == std::vector<std::int64_t>{poor.id});
  const auto second = run_task(ioc, regions->list_counties(std::nullopt, {first.next_keys, 1}));
  REQUIRE(second.items.size() == 1);
  CHECK(second.items[0].id == rich.id);
  CHECK(second.next_keys.empty());
  run_task(ioc, regions->update_county(rich.id, {std::nullopt, std::nullopt, false}));
  const auto not_poor = run_task(ioc, regions->list_counties(false, {{}, 10}));
  REQUIRE(not_poor.items.size() == 1);
  CHECK(not_poor.items[0].id == rich.id);

  const auto bad = run_task(ioc, regions->create_village(999, "x", 102));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.err().errors.at(0).field == "county_id");
  const auto village = run_task(ioc, regions->create_village(rich.id, "青岩刘村", 102));
  REQUIRE(village.ok());
  CHECK_FALSE(village->taobao_village);
  const auto other = run_task(ioc, regions->create_village(poor.id, "托斯特乡村", 103));
  REQUIRE(other.ok());

  // A Taobao village: 100 active shops and 10M yuan of sales in the 365-day window (the fee
  // schedule's thresholds), read from the rollups.
  const day_number today = 20'000;
  run_task(ioc,
           run_sql(db, "UPDATE villages SET active_shops = 100 WHERE id = " + std::to_string(village->id) +
                           "; INSERT INTO sales_cum (scope_kind, scope_id, day, gmv_fen, orders) VALUES (1, " +
                           std::to_string(village->id) + ", " + std::to_string(today - 10) + ", 1000000000, 5000)"));
  const auto found = run_task(ioc, regions->find_village(village->id, today));
  REQUIRE(found);
  CHECK(found->gmv_365d_fen == 1'000'000'000);
  CHECK(found->active_shops == 100);
  CHECK(found->taobao_village);
  // A year later the sales have left the window.
  CHECK_FALSE(run_task(ioc, regions->find_village(village->id, today + 400))->taobao_village);

  const auto taobao = run_task(ioc, regions->list_villages({std::nullopt, true, today, {{}, 10}}));
  REQUIRE(taobao.items.size() == 1);
  CHECK(taobao.items[0].id == village->id);
  const auto others = run_task(ioc, regions->list_villages({std::nullopt, false, today, {{}, 10}}));
  REQUIRE(others.items.size() == 1);
  CHECK(others.items[0].id == other->id);
  const auto in_county = run_task(ioc, regions->list_villages({poor.id, std::nullopt, today, {{}, 10}}));
  REQUIRE(in_county.items.size() == 1);
  CHECK(in_county.items[0].id == other->id);
}
