// Accounts and sessions on the PostgreSQL engine, through the storage seam (storage/accounts.hpp).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>
#include <future>
#include <map>
#include <thread>

#include "core/account.hpp"
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
task<std::int64_t> count_of(std::string db, std::string sql) {
  auto c = co_await pg::connection::open(co_await boost::asio::this_coro::executor, db, 10s);
  co_return (co_await c->query(sql)).i64(0, 0);
}

token_hash hash_of(unsigned char b) {
  token_hash h{};
  h.fill(b);
  return h;
}

// A migrated database with two villages, and the account store over a pool of `connections`.
struct world {
  boost::asio::io_context ioc;
  std::string db = cunji::test::fresh_pg_database();
  std::int64_t village_a = 0, village_b = 0;
  std::unique_ptr<pg::pool> p;
  std::unique_ptr<pg::engine> e;
  std::unique_ptr<account_store> accounts;

  explicit world(std::size_t connections = 2) {
    run_task(ioc, migrated(db));
    p = std::make_unique<pg::pool>(ioc.get_executor(), db, connections);
    e = std::make_unique<pg::engine>(*p);
    accounts = pg::make_account_store(*e);
    auto regions = pg::make_region_store(*e);
    const auto county = run_task(ioc, regions->create_county("吉木乃县", "新疆维吾尔自治区", true, 10));
    village_a = run_task(ioc, regions->create_village(county.id, "托斯特乡村", 10)).value().id;
    village_b = run_task(ioc, regions->create_village(county.id, "喀尔交乡村", 10)).value().id;
  }

  account add(role r, std::string name, std::string phone, std::optional<std::int64_t> village,
              unix_seconds now = 100) {
    auto a = run_task(ioc,
                      accounts->register_account({r, std::move(name), std::move(phone), "pw", village}, "hash", now));
    REQUIRE(a.ok());
    return a.value();
  }
};

// One registration's outcome: 201, 409 (conflict), 422, or 500 for a failure thrown.
task<int> try_register(account_store& s, std::string phone) {
  registration r{role::buyer, "买家", std::move(phone), "pw", std::nullopt};
  try {
    const auto a = co_await s.register_account(std::move(r), "h", 1);
    if (a.ok()) co_return 201;
    co_return a.err().code == errc::conflict ? 409 : 422;
  } catch (const failure&) {
    co_return 500;
  }
}

std::vector<std::int64_t> ids_of(const auto& items) {
  std::vector<std::int64_t> out;
  for (const auto& a : items) out.push_back(a.id);
  return out;
}

}  // namespace

TEST_CASE("PostgreSQL accounts: registering and finding, one account per phone even when registered at once") {
  world w;
  const auto farmer = w.add(role::farmer, "阿依古丽", "13900000001", w.village_a, 200);
  CHECK(farmer.role == role::farmer);
  CHECK(farmer.village_id == w.village_a);
  CHECK(farmer.created_at == 200);
  const auto found = run_task(w.ioc, w.accounts->find(farmer.id));
  REQUIRE(found);
  CHECK(found->name == "阿依古丽");
  CHECK(found->phone == "13900000001");
  CHECK_FALSE(run_task(w.ioc, w.accounts->find(farmer.id + 100)));

  const auto dup = run_task(w.ioc, w.accounts->register_account({role::buyer, "x", "13900000001", "pw", {}}, "h", 201));
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.err().code == errc::conflict);
  CHECK(dup.err().errors.at(0).field == "phone");

  const auto lost = run_task(w.ioc,
                             w.accounts->register_account({role::farmer, "x", "13900000002", "pw", 999}, "h", 202));
  REQUIRE_FALSE(lost.ok());
  CHECK(lost.err().code == errc::validation_failed);
  CHECK(lost.err().errors.at(0).field == "village_id");
  CHECK_FALSE(run_task(w.ioc, w.accounts->begin_login("13900000002", 0, 10)).found);  // nothing written

  // A number that accounts listed in phone_conflicts share, in another form, is taken too.
  const auto other = w.add(role::buyer, "b", "139-0000-0003", std::nullopt);
  run_task(w.ioc, run_sql(w.db, "INSERT INTO phone_conflicts (account_id, phone, normal_phone, found_at) VALUES (" +
                                    std::to_string(other.id) + ", '139-0000-0003', '13900000003', 0)"));
  const auto shared = run_task(w.ioc,
                               w.accounts->register_account({role::buyer, "c", "13900000003", "pw", {}}, "h", 3));
  REQUIRE_FALSE(shared.ok());
  CHECK(shared.err().code == errc::conflict);

  // Ten phones, each registered by four clients at once on two threads: one 201 and three 409s
  // per phone, never a failure.
  world busy(8);
  std::vector<std::future<int>> all;
  for (int i = 0; i < 40; ++i)
    all.push_back(boost::asio::co_spawn(busy.ioc, try_register(*busy.accounts, "1370000000" + std::to_string(i / 4)),
                                        boost::asio::use_future));
  busy.ioc.restart();
  {
    std::vector<std::jthread> threads;
    for (int i = 0; i < 2; ++i) threads.emplace_back([&busy] { busy.ioc.run(); });
  }
  std::map<int, int> outcomes;
  for (auto& f : all) ++outcomes[f.get()];
  CHECK(outcomes[500] == 0);
  CHECK(outcomes[201] == 10);
  CHECK(outcomes[409] == 30);
  CHECK(run_task(busy.ioc, count_of(busy.db, "SELECT count(*) FROM accounts")) == 10);
}

TEST_CASE("PostgreSQL accounts: login failures and their limit, sessions, page sessions") {
  world w;
  const auto a = w.add(role::buyer, "b", "13900000001", std::nullopt);

  // Failures come back newest first, after `since`, at most `limit`; also for an unknown phone.
  for (const unix_seconds t : {100, 300, 200, 50}) run_task(w.ioc, w.accounts->record_login_failure("13900000001", t));
  run_task(w.ioc, w.accounts->record_login_failure("13900000009", 250));
  const auto attempt = run_task(w.ioc, w.accounts->begin_login("13900000001", 60, 10));
  CHECK(attempt.recent_failures == std::vector<unix_seconds>{300, 200, 100});
  REQUIRE(attempt.found);
  CHECK(attempt.found->account_id == a.id);
  CHECK(attempt.found->password_hash == "hash");
  CHECK(run_task(w.ioc, w.accounts->begin_login("13900000001", 0, 2)).recent_failures ==
        std::vector<unix_seconds>{300, 200});
  const auto unknown = run_task(w.ioc, w.accounts->begin_login("13900000009", 0, 10));
  CHECK_FALSE(unknown.found);
  CHECK(unknown.recent_failures == std::vector<unix_seconds>{250});
  // Ten failures within the window: the throttle makes the next login wait.
  for (unix_seconds t = 1000; t < 1010; ++t) run_task(w.ioc, w.accounts->record_login_failure("13900000001", t));
  const login_throttle throttle;
  const auto limited = run_task(w.ioc, w.accounts->begin_login("13900000001", 1010 - throttle.window_s, 10));
  CHECK(limited.recent_failures.size() == 10);
  CHECK(login_retry_after(limited.recent_failures, 1010, throttle));

  // Bearer sessions: live until expires_at, ended by their token.
  CHECK(run_task(w.ioc, w.accounts->start_session(hash_of(1), a.id + 100, 1000, 2000)).err().code ==
        errc::unauthenticated);
  REQUIRE(run_task(w.ioc, w.accounts->start_session(hash_of(1), a.id, 1000, 2000)).ok());
  REQUIRE(run_task(w.ioc, w.accounts->start_session(hash_of(2), a.id, 1000, 5000)).ok());
  CHECK(run_task(w.ioc, w.accounts->account_by_session(hash_of(1), 1999))->id == a.id);
  CHECK_FALSE(run_task(w.ioc, w.accounts->account_by_session(hash_of(1), 2000)));
  CHECK_FALSE(run_task(w.ioc, w.accounts->account_by_session(hash_of(3), 1000)));
  run_task(w.ioc, w.accounts->end_session(hash_of(2)));
  CHECK_FALSE(run_task(w.ioc, w.accounts->account_by_session(hash_of(2), 1000)));
  run_task(w.ioc, w.accounts->end_session(hash_of(2)));  // ending it again is harmless

  // Page sessions: live until expires_at while used at least every idle_s seconds.
  CHECK(run_task(w.ioc, w.accounts->start_page_session(hash_of(4), a.id + 100, 1000, 5000)).err().code ==
        errc::unauthenticated);
  REQUIRE(run_task(w.ioc, w.accounts->start_page_session(hash_of(4), a.id, 1000, 5000)).ok());
  const auto live = run_task(w.ioc, w.accounts->find_page_session(hash_of(4), 1500, 600));
  REQUIRE(live);
  CHECK(live->who.id == a.id);
  CHECK(live->last_seen_at == 1000);
  CHECK_FALSE(run_task(w.ioc, w.accounts->find_page_session(hash_of(4), 1600, 600)));  // idle too long
  run_task(w.ioc, w.accounts->touch_page_session(hash_of(4), 1500));
  run_task(w.ioc, w.accounts->touch_page_session(hash_of(4), 1200));  // an older touch keeps the newer time
  const auto touched = run_task(w.ioc, w.accounts->find_page_session(hash_of(4), 1600, 600));
  REQUIRE(touched);
  CHECK(touched->last_seen_at == 1500);
  run_task(w.ioc, w.accounts->touch_page_session(hash_of(4), 4900));
  CHECK_FALSE(run_task(w.ioc, w.accounts->find_page_session(hash_of(4), 5000, 600)));  // expired
  // A new page session deletes the expired ones.
  REQUIRE(run_task(w.ioc, w.accounts->start_page_session(hash_of(5), a.id, 5000, 9000)).ok());
  CHECK(run_task(w.ioc, count_of(w.db, "SELECT count(*) FROM page_sessions")) == 1);
  run_task(w.ioc, w.accounts->end_page_session(hash_of(5)));
  CHECK_FALSE(run_task(w.ioc, w.accounts->find_page_session(hash_of(5), 5001, 600)));
}

TEST_CASE("PostgreSQL accounts: account lists and partner summaries, pages and filters") {
  world w;
  const auto wang = w.add(role::buyer, "Wang Lei", "13800000001", std::nullopt);
  const auto fang = w.add(role::farmer, "王芳", "13900000002", w.village_a);
  const auto li = w.add(role::partner, "李站长", "13900000003", w.village_a);
  const auto zhao = w.add(role::partner, "赵_站长", "13700000004", w.village_b);
  const auto admin = w.add(role::admin, "wa%", "13600000005", std::nullopt);

  const auto list = [&](account_filter f) { return ids_of(run_task(w.ioc, w.accounts->list_accounts(f)).items); };
  using ids = std::vector<std::int64_t>;
  CHECK(list({}) == ids{wang.id, fang.id, li.id, zhao.id, admin.id});
  const auto first = run_task(w.ioc, w.accounts->list_accounts({std::nullopt, std::nullopt, std::nullopt, {{}, 2}}));
  CHECK(ids_of(first.items) == ids{wang.id, fang.id});
  REQUIRE(first.next_keys == ids{fang.id});
  const auto rest = run_task(w.ioc,
                             w.accounts->list_accounts({std::nullopt, std::nullopt, std::nullopt, {{fang.id}, 3}}));
  CHECK(ids_of(rest.items) == ids{li.id, zhao.id, admin.id});
  CHECK(rest.next_keys.empty());
  CHECK(list({role::partner, std::nullopt, std::nullopt, {}}) == ids{li.id, zhao.id});
  CHECK(list({std::nullopt, w.village_a, std::nullopt, {}}) == ids{fang.id, li.id});
  CHECK(list({role::partner, w.village_a, std::nullopt, {}}) == ids{li.id});
  // q: a prefix of the name (ASCII letters in any case, as SQLite's LIKE) or of the phone;
  // % and _ in it are plain characters.
  CHECK(list({std::nullopt, std::nullopt, std::string("wa"), {}}) == ids{wang.id, admin.id});
  CHECK(list({std::nullopt, std::nullopt, std::string("WANG l"), {}}) == ids{wang.id});
  CHECK(list({std::nullopt, std::nullopt, std::string("wa%"), {}}) == ids{admin.id});
  CHECK(list({std::nullopt, std::nullopt, std::string("王"), {}}) == ids{fang.id});
  CHECK(list({std::nullopt, std::nullopt, std::string("1390"), {}}) == ids{fang.id, li.id});
  CHECK(list({std::nullopt, std::nullopt, std::string("赵_"), {}}) == ids{zhao.id});
  CHECK(list({std::nullopt, std::nullopt, std::string("李_"), {}}).empty());
  CHECK(list({std::nullopt, std::nullopt, std::string("0000"), {}}).empty());

  // Partners' fees over the village window on `today` ([today - 364, today]) and the station
  // cash they hold.
  const day_number today = 20'000;
  const auto li_id = std::to_string(li.id);
  run_task(w.ioc, run_sql(w.db, "INSERT INTO partner_daily VALUES (" + li_id + ", 20000, 100, 50, 1), (" + li_id +
                                    ", 19636, 10, 0, 1), (" + li_id + ", 19635, 1000, 0, 1), (" + li_id +
                                    ", 20001, 1000, 0, 1);"
                                    "INSERT INTO ledger_balances VALUES ('station_cash', " +
                                    li_id + ", 777), ('partner_fees', " + li_id + ", 5)"));
  const auto partners = run_task(w.ioc, w.accounts->list_partners(std::nullopt, today, {{}, 1}));
  REQUIRE(partners.items.size() == 1);
  CHECK(partners.items[0].id == li.id);
  CHECK(partners.items[0].name == "李站长");
  CHECK(partners.items[0].earnings_365d_fen == 160);
  CHECK(partners.items[0].cash_held_fen == 777);
  REQUIRE(partners.next_keys == ids{li.id});
  const auto more = run_task(w.ioc, w.accounts->list_partners(std::nullopt, today, {{li.id}, 1}));
  REQUIRE(more.items.size() == 1);
  CHECK(more.items[0].id == zhao.id);
  CHECK(more.items[0].earnings_365d_fen == 0);
  CHECK(more.items[0].cash_held_fen == 0);
  CHECK(more.next_keys.empty());
  CHECK(ids_of(run_task(w.ioc, w.accounts->list_partners(w.village_b, today, {})).items) == ids{zhao.id});
  // A year on, the fees have left the window.
  CHECK(run_task(w.ioc, w.accounts->list_partners(w.village_a, today + 400, {})).items.at(0).earnings_365d_fen == 0);

  // Only ASCII letters match in any case, as under SQLite.
  const auto emile = w.add(role::buyer, "Émile", "13500000006", std::nullopt);
  CHECK(list({std::nullopt, std::nullopt, std::string("Ém"), {}}) == ids{emile.id});
  CHECK(list({std::nullopt, std::nullopt, std::string("éM"), {}}).empty());
}
