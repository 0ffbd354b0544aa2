// `cunji migrate-data` (storage/postgresql/migrate_data.hpp): a SQLite marketplace moved into
// PostgreSQL gives the same answers there, keeps its ids and bytes, and continues its ids; a
// target that holds data, or a row PostgreSQL refuses, leaves the target as it was.
#include <catch2/catch.hpp>

#include "postgresql/money_answers.hpp"
#include "postgresql/search_twins.hpp"
#include "storage/postgresql/migrate_data.hpp"
#include "storage/postgresql/migrations.hpp"
#include "storage/search/listing_search.hpp"
#include "storage/sqlite/migrations.hpp"
#include "support/pg_cluster.hpp"
#include "support/run_task.hpp"
#include "support/temp_dir.hpp"

using namespace cunji;
using namespace cunji::storage;
using namespace cunji::test;
using namespace std::chrono_literals;

namespace {

task<std::unique_ptr<pg::connection>> open_pg(std::string db) {
  co_return co_await pg::connection::open(co_await boost::asio::this_coro::executor, std::move(db), 10s);
}

task<pg::data_move_report> move(storage::connection& from, pg::connection& to) {
  co_return co_await pg::migrate_data(from, to);
}

task<std::string> ledger_on(pg::connection& c) {
  co_await c.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
  auto report = co_await pg::check_ledger(c);
  co_await c.query("COMMIT");
  co_return dump(report);
}

task<pg::row_set> ask(pg::connection& c, std::string sql) { co_return co_await c.query(std::move(sql)); }

std::int64_t rows_of(const pg::data_move_report& r, std::string_view table) {
  for (const auto& t : r.tables)
    if (t.table == table) return t.target_rows;
  FAIL("no table " << table);
  return -1;
}

// Every byte value, and text that COPY must escape.
std::string all_bytes() {
  std::string out;
  for (int b = 0; b < 256; ++b) out += static_cast<char>(b);
  return out;
}
const std::string awkward_name = "王\t五 \\N \\\\ \r\n李";

}  // namespace

TEST_CASE("PostgreSQL migrate-data: a money history moves whole, with the same answers, bytes and ids") {
  temp_dir dir;
  storage::connection c(dir.file("market.db"), open_mode::read_write, connection_options{"OFF"});
  migrate(c);
  apply_steps(c, history());
  const auto bytes = all_bytes();
  c.prepare("INSERT INTO photo_files (id, name, bytes) VALUES (1, 'a.jpg', ?)")
      .bind_blob(1, bytes.data(), bytes.size())
      .run();
  c.prepare("INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES (?, 3, 0, 9999999999)")
      .bind_blob(1, bytes.data(), 32)
      .run();
  c.run("UPDATE accounts SET name = ? WHERE id = 6", awkward_name);
  const auto on_sqlite = everything(c);
  const auto sqlite_ledger = dump(check_ledger(c));

  boost::asio::io_context ioc;
  auto pg = run_task(ioc, open_pg(fresh_pg_database()));
  const auto report = run_task(ioc, move(c, *pg));
  CHECK(run_task(ioc, everything(*pg)) == on_sqlite);
  CHECK(run_task(ioc, ledger_on(*pg)) == sqlite_ledger);
  CHECK(sqlite_ledger.starts_with("ledger 1 "));

  // Every table counted on both sides, the history's rows among them.
  CHECK(report.tables.size() == 34);
  for (const auto& t : report.tables) CHECK(t.source_rows == t.target_rows);
  CHECK(rows_of(report, "orders") == 10);
  CHECK(rows_of(report, "ledger_postings") > 30);
  CHECK(rows_of(report, "sales_daily") > 0);
  CHECK(rows_of(report, "fee_schedule") == 1);
  CHECK(report.source_ledger.postings == report.target_ledger.postings);

  // Bytes and text as they were.
  const auto photo = run_task(ioc, ask(*pg, "SELECT bytes FROM photo_files WHERE id = 1"));
  CHECK(photo.bytes(0, 0) == bytes);
  CHECK(run_task(ioc, ask(*pg, "SELECT token_hash FROM sessions")).bytes(0, 0) == bytes.substr(0, 32));
  CHECK(run_task(ioc, ask(*pg, "SELECT name FROM accounts WHERE id = 6")).str(0, 0) == awkward_name);
  // The fee schedule is the source's (the history lowered the Taobao village thresholds).
  CHECK(run_task(ioc, ask(*pg, "SELECT taobao_village_min_shops FROM fee_schedule")).i64(0, 0) == 1);
  // New rows continue the ids; the triggers are back on (a new order counts in the rollups).
  CHECK(run_task(ioc, ask(*pg,
                          "INSERT INTO counties (name, province, poverty_stricken, created_at) "
                          "VALUES ('新县', '省', 0, 0) RETURNING id"))
            .i64(0, 0) == 3);
  CHECK(run_task(ioc, ask(*pg, "INSERT INTO photo_files (name, bytes) VALUES ('b.jpg', '') RETURNING id")).i64(0, 0) ==
        2);
  const auto before = run_task(ioc, ask(*pg, "SELECT count(*) FROM ledger_balances")).i64(0, 0);
  run_task(ioc, ask(*pg, "INSERT INTO ledger_entries (kind, created_at) VALUES ('payout', 0)"));
  run_task(ioc, ask(*pg,
                    "INSERT INTO ledger_postings (entry_id, account, owner_id, amount_fen, created_at) "
                    "SELECT max(id), 'shop_available', 424242, 1, 0 FROM ledger_entries"));
  CHECK(run_task(ioc, ask(*pg, "SELECT count(*) FROM ledger_balances")).i64(0, 0) == before + 1);
}

TEST_CASE("PostgreSQL migrate-data: listings are found and ranked as on SQLite, from the rebuilt search index") {
  temp_dir dir;
  storage::connection c(dir.file("market.db"), open_mode::read_write, connection_options{"OFF"});
  migrate(c);
  c.exec(
      "INSERT INTO counties (id, name, province, poverty_stricken, created_at) VALUES (1, '县', '省', 1, 0);"
      "INSERT INTO villages (id, county_id, name, created_at) VALUES (1, 1, '村', 0);"
      "INSERT INTO accounts (id, role, name, phone, password_hash, village_id, created_at) "
      "VALUES (1, 'farmer', '农户', '13900000001', 'x', 1, 0);"
      "INSERT INTO shops (id, village_id, county_id, name, status, owner_account_id, created_at) "
      "VALUES (1, 1, 1, '店', 'active', 1, 0);");
  const std::vector<std::pair<std::string, std::string>> texts{{"红富士苹果", "新鲜苹果 fresh apples"},
                                                               {"苹果干", "dried apple"},
                                                               {"富士山茶", "绿茶"},
                                                               {"Apple juice", "苹果汁 苹果"},
                                                               {"香菇", "农家 有机 香菇"},
                                                               {"有机大米", "五常 rice"},
                                                               {"苹果苹果苹果", ""},
                                                               {"干香菇", "apple 苹果 富士"}};
  for (std::int64_t id = 1; const auto& [title, description] : texts) {
    c.run(
        "INSERT INTO listings (id, shop_id, village_id, county_id, title, description, category, unit, price_fen, "
        "stock, status, visible, created_at, updated_at) VALUES (?, 1, 1, 1, ?, ?, 'fruit', 'kg', ?, 5, 'active', 1, "
        "?, ?)",
        id, title, description, 100 * id, id, id);
    ++id;
  }

  boost::asio::io_context ioc;
  auto pg = run_task(ioc, open_pg(fresh_pg_database()));
  run_task(ioc, move(c, *pg));
  int found = 0;
  for (const std::optional<std::string>& text :
       {std::optional<std::string>{}, std::optional<std::string>{"苹果"}, std::optional<std::string>{"苹"},
        std::optional<std::string>{"apple"}, std::optional<std::string>{"红富士"}, std::optional<std::string>{"香菇"}})
    for (const auto sort : {listing_sort::newest, listing_sort::price_desc, listing_sort::relevance}) {
      listing_query q;
      q.text = text;
      q.sort = sort;
      q.limit = 50;
      if (!text && sort == listing_sort::relevance) continue;  // the cursors differ (listing_search_test.cpp)
      CAPTURE(text.value_or("-"), static_cast<int>(sort));
      const auto spec = browse_listings(c, q);
      same_page(run_task(ioc, pg::browse_listings(*pg, q)), spec);
      found += static_cast<int>(spec.items.size());
    }
  CHECK(found > 40);
}

TEST_CASE("PostgreSQL migrate-data: a target with data, or a row PostgreSQL refuses, leaves the target as it was") {
  temp_dir dir;
  storage::connection c(dir.file("market.db"), open_mode::read_write, connection_options{"OFF"});
  migrate(c);
  apply_steps(c, history());
  boost::asio::io_context ioc;
  auto pg = run_task(ioc, open_pg(fresh_pg_database()));
  const auto count = [&](const char* table) {
    return run_task(ioc, ask(*pg, std::string("SELECT count(*) FROM ") + table)).i64(0, 0);
  };

  SECTION("a row PostgreSQL refuses: nothing is committed") {
    // A value SQLite's check would refuse too, written past it: PostgreSQL refuses the row.
    c.exec("PRAGMA ignore_check_constraints = ON; UPDATE listings SET stock = -1 WHERE id = 3");
    CHECK_THROWS_WITH(run_task(ioc, move(c, *pg)), Catch::Contains("check constraint"));
    for (const auto* t : {"counties", "accounts", "orders", "ledger_postings", "ledger_balances", "sales_daily"})
      CHECK(count(t) == 0);
    CHECK(run_task(ioc, ask(*pg, "SELECT taobao_village_min_shops FROM fee_schedule")).i64(0, 0) == 100);
    // The connection is usable, and the triggers are on: a second run after the fix copies it all.
    c.exec("UPDATE listings SET stock = 1 WHERE id = 3");
    CHECK(rows_of(run_task(ioc, move(c, *pg)), "orders") == 10);
  }
  SECTION("a target that holds a marketplace: refused, and unchanged") {
    run_task(ioc, move(c, *pg));
    const auto orders = count("orders"), postings = count("ledger_postings");
    CHECK_THROWS_WITH(run_task(ioc, move(c, *pg)), Catch::Contains("already holds a marketplace"));
    CHECK(count("orders") == orders);
    CHECK(count("ledger_postings") == postings);
  }
  SECTION("a source whose ledger check fails: refused before anything is copied") {
    c.exec("UPDATE ledger_balances SET amount_fen = amount_fen + 7 WHERE account = 'commission'");
    CHECK_THROWS_WITH(run_task(ioc, move(c, *pg)), Catch::Contains("the source's ledger check fails"));
    CHECK(count("counties") == 0);
  }
}
