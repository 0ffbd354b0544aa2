#pragma once
// The same counties, villages, farmer, shops and listings put with SQL into a PostgreSQL
// database (search_vector from pg::search_vector) and, with the same ids and text, into an
// SQLite database: the SQLite engine's browse_listings (storage/search/listing_search.hpp) is
// the specification the PostgreSQL pages are held to.
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "storage/postgresql/connection.hpp"
#include "storage/postgresql/migrations.hpp"
#include "storage/postgresql/sql/listing_search.hpp"
#include "storage/search/listing_search.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/migrations.hpp"
#include "support/pg_cluster.hpp"
#include "support/run_task.hpp"
#include "support/temp_dir.hpp"

namespace cunji::test {

using sql_value = std::variant<std::int64_t, std::string>;

struct listing_row {
  std::int64_t id = 0;
  std::int64_t shop_id = 1;
  std::string title;
  std::string description;
  std::string category = "fruit";
  std::int64_t price_fen = 100;
  std::int64_t stock = 10;
  std::string status = "active";
};

inline storage::task<std::unique_ptr<storage::pg::connection>> open_migrated(std::string db) {
  auto c = co_await storage::pg::connection::open(co_await boost::asio::this_coro::executor, db,
                                                  std::chrono::seconds(10));
  co_await storage::pg::migrate(*c);
  co_return c;
}

inline storage::task<void> run_pg(storage::pg::connection& c, std::string sql, std::vector<storage::pg::param> v) {
  co_await c.query(std::move(sql), std::move(v));
}

class search_twins {
 public:
  search_twins() : pg_db_(fresh_pg_database()), sqlite_(dir_.file("spec.db"), storage::open_mode::read_write) {
    pg_ = run_task(ioc_, open_migrated(pg_db_));
    storage::migrate(sqlite_);
    const std::string farmer =
        "INSERT INTO accounts (id, role, name, phone, password_hash, created_at) "
        "VALUES (1, 'farmer', '农户', '13900000001', 'x', 0)";
    on_pg(farmer, {});
    on_sqlite(farmer, {});
  }

  void county(std::int64_t id, bool poverty) {
    both("INSERT INTO counties (id, name, province, poverty_stricken, created_at) VALUES ($1, $2, '省', $3, 0)",
         {id, "县" + std::to_string(id), std::int64_t{poverty ? 1 : 0}});
  }
  void village(std::int64_t id, std::int64_t county_id) {
    both("INSERT INTO villages (id, county_id, name, created_at) VALUES ($1, $2, $3, 0)",
         {id, county_id, "村" + std::to_string(id)});
    village_county_[id] = county_id;
  }
  void shop(std::int64_t id, std::int64_t village_id, bool active) {
    both(
        "INSERT INTO shops (id, village_id, county_id, name, status, owner_account_id, created_at) "
        "VALUES ($1, $2, $3, $4, $5, 1, 0)",
        {id, village_id, village_county_.at(village_id), "店" + std::to_string(id),
         std::string(active ? "active" : "closed")});
    shops_[id] = {village_id, active};
  }

  // A listing, browsable when it is active in an active shop. On PostgreSQL with its search
  // terms, written with the text as the engine writes them.
  void add(const listing_row& l) {
    const auto& shop = shops_.at(l.shop_id);
    const std::int64_t visible = l.status == "active" && shop.second ? 1 : 0;
    std::vector<sql_value> row{l.id,    l.shop_id,     shop.first, village_county_.at(shop.first),
                               l.title, l.description, l.category, l.price_fen,
                               l.stock, l.status,      visible};
    const std::string insert =
        "INSERT INTO listings (id, shop_id, village_id, county_id, title, description, category, unit, price_fen, "
        "stock, status, visible, created_at, updated_at";
    const std::string values = "VALUES ($1, $2, $3, $4, $5, $6, $7, 'kg', $8, $9, $10, $11, 0, 0";
    on_sqlite(insert + ") " + values + ")", row);
    row.emplace_back(storage::pg::search_vector(l.title, l.description));
    on_pg(insert + ", search_vector) " + values + ", $12::tsvector)", row);
  }

  storage::listing_page pg_browse(const storage::listing_query& q) {
    return run_task(ioc_, storage::pg::browse_listings(*pg_, q));
  }
  storage::listing_page sqlite_browse(const storage::listing_query& q) { return storage::browse_listings(sqlite_, q); }

  // Runs `sql` with its parameters $1, $2… on PostgreSQL, on SQLite, or on both.
  void on_pg(const std::string& sql, const std::vector<sql_value>& values) {
    std::vector<storage::pg::param> params;
    for (const auto& v : values)
      params.push_back(std::holds_alternative<std::string>(v) ? std::get<std::string>(v)
                                                              : std::to_string(std::get<std::int64_t>(v)));
    run_task(ioc_, run_pg(*pg_, sql, std::move(params)));
  }
  void on_sqlite(std::string sql, const std::vector<sql_value>& values) {
    for (auto& ch : sql)
      if (ch == '$') ch = '?';  // SQLite's numbered parameters
    auto st = sqlite_.prepare(sql);
    int i = 0;
    for (const auto& v : values) std::visit([&](const auto& x) { st.bind(++i, x); }, v);
    st.run();
  }
  void both(const std::string& sql, const std::vector<sql_value>& values) {
    on_pg(sql, values);
    on_sqlite(sql, values);
  }

  boost::asio::io_context& ioc() { return ioc_; }
  storage::pg::connection& pg() { return *pg_; }

 private:
  boost::asio::io_context ioc_;
  std::string pg_db_;
  temp_dir dir_;
  std::unique_ptr<storage::pg::connection> pg_;
  storage::connection sqlite_;
  std::map<std::int64_t, std::int64_t> village_county_;
  std::map<std::int64_t, std::pair<std::int64_t, bool>> shops_;  // village, active
};

inline std::vector<std::int64_t> ids_of(const storage::listing_page& p) {
  std::vector<std::int64_t> out;
  for (const auto& l : p.items) out.push_back(l.id);
  return out;
}

// Holds a PostgreSQL page to the specification's: the same listings, fields and next keys.
inline void same_page(const storage::listing_page& pg, const storage::listing_page& spec) {
  REQUIRE(ids_of(pg) == ids_of(spec));
  CHECK(pg.next_keys == spec.next_keys);
  for (std::size_t i = 0; i < pg.items.size(); ++i) {
    const auto& a = pg.items[i];
    const auto& b = spec.items[i];
    CHECK(std::tie(a.shop_id, a.village_id, a.county_id, a.poverty_relief, a.title, a.description, a.category, a.unit,
                   a.price_fen, a.stock, a.status, a.version, a.created_at, a.updated_at) ==
          std::tie(b.shop_id, b.village_id, b.county_id, b.poverty_relief, b.title, b.description, b.category, b.unit,
                   b.price_fen, b.stock, b.status, b.version, b.created_at, b.updated_at));
  }
}

// Walks both engines side by side, each page held to the specification's, following next_keys;
// `between(k)` runs after page k (1, 2…). The ids seen, in order.
template <class Between>
std::vector<std::int64_t> walk_both(search_twins& db, storage::listing_query q, Between between) {
  std::vector<std::int64_t> seen;
  for (int k = 1; k <= 200; ++k) {
    const auto page = db.pg_browse(q);
    same_page(page, db.sqlite_browse(q));
    for (const auto& l : page.items) seen.push_back(l.id);
    if (page.next_keys.empty()) return seen;
    q.after = page.next_keys;
    between(k);
  }
  FAIL("a walk that does not end");
  return seen;
}

}  // namespace cunji::test
