#pragma once
// A migrated database with two villages (of two counties) and their accounts, and the catalog
// area of the PostgreSQL engine over it, for the catalog tests.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "storage/postgresql/engine.hpp"
#include "storage/postgresql/migrations.hpp"
#include "storage/postgresql/sql/stores.hpp"
#include "support/pg_migrated.hpp"
#include "support/run_task.hpp"

namespace cunji::test {

class pg_catalog_fixture {
 public:
  pg_catalog_fixture() {
    run(migrated(db_));
    p_ = std::make_unique<storage::pg::pool>(ioc_.get_executor(), db_, 4);
    e_ = std::make_unique<storage::pg::engine>(*p_);
    catalog_ = storage::pg::make_catalog_store(*e_, &rankings_);
    county_a = scalar(
        "INSERT INTO counties (name, province, poverty_stricken, created_at) "
        "VALUES ('昭阳区', '云南省', 1, 0) RETURNING id");
    county_b = scalar(
        "INSERT INTO counties (name, province, poverty_stricken, created_at) "
        "VALUES ('义乌市', '浙江省', 0, 0) RETURNING id");
    village_a = scalar("INSERT INTO villages (county_id, name, created_at) VALUES (" + std::to_string(county_a) +
                       ", '苹果村', 0) RETURNING id");
    village_b = scalar("INSERT INTO villages (county_id, name, created_at) VALUES (" + std::to_string(county_b) +
                       ", '青岩刘村', 0) RETURNING id");
  }

  template <class T>
  T run(storage::task<T> t) {
    return run_task(ioc_, std::move(t));
  }

  // Runs the tasks at once on two threads; their values.
  std::vector<int> run_together(std::vector<storage::task<int>> tasks) {
    std::vector<std::future<int>> all;
    for (auto& t : tasks) all.push_back(boost::asio::co_spawn(ioc_, std::move(t), boost::asio::use_future));
    ioc_.restart();
    {
      std::jthread other([this] { ioc_.run(); });
      ioc_.run();
    }
    std::vector<int> out;
    for (auto& f : all) out.push_back(f.get());
    return out;
  }

  storage::catalog_store& catalog() { return *catalog_; }
  storage::ranking_cache& rankings() { return rankings_; }
  // Another catalog on the same database with a ranking cache of its own: another server's.
  std::unique_ptr<storage::catalog_store> other_catalog(storage::ranking_cache& rankings) {
    return storage::pg::make_catalog_store(*e_, &rankings);
  }

  // An account of `r` (in `village`, if any), stored so that rows may name it.
  account make_account(role r, std::optional<std::int64_t> village) {
    account a;
    a.role = r;
    a.name = "用户" + std::to_string(++accounts_);
    a.phone = "1390000" + std::to_string(1000 + accounts_);
    a.village_id = village;
    a.id = scalar("INSERT INTO accounts (role, name, phone, password_hash, village_id, created_at) VALUES ('" +
                  std::string(to_string(r)) + "', '" + a.name + "', '" + a.phone + "', 'x', " +
                  (village ? std::to_string(*village) : std::string("NULL")) + ", 0) RETURNING id");
    return a;
  }

  // The first column of the first row of `sql`.
  std::int64_t scalar(std::string sql) { return run(scalar_of(db_, std::move(sql))); }

  std::int64_t county_a = 0, county_b = 0, village_a = 0, village_b = 0;

 private:
  static storage::task<void> migrated(std::string db) {
    auto c = co_await storage::pg::connection::open(co_await boost::asio::this_coro::executor, db,
                                                    std::chrono::seconds(10));
    co_await storage::pg::migrate(*c);
  }
  static storage::task<std::int64_t> scalar_of(std::string db, std::string sql) {
    auto c = co_await storage::pg::connection::open(co_await boost::asio::this_coro::executor, db,
                                                    std::chrono::seconds(10));
    co_return (co_await c->query(std::move(sql))).i64(0, 0);
  }

  boost::asio::io_context ioc_;
  std::string db_ = fresh_migrated_pg_database();  // migrate() below finds nothing to do
  std::unique_ptr<storage::pg::pool> p_;
  std::unique_ptr<storage::pg::engine> e_;
  storage::ranking_cache rankings_{1 << 20};
  std::unique_ptr<storage::catalog_store> catalog_;
  int accounts_ = 0;
};

}  // namespace cunji::test
