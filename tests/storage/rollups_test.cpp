// Sales rollups at the storage level: the triggers of migration 0004 follow every change of an
// order, the reads built on them equal a brute-force recomputation over all orders, the checks
// catch drift, the reads are index-driven, and the Taobao-village rule holds at 99/100 shops
// and one fen below the GMV threshold with the default thresholds.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/sales.hpp"
#include "storage/sql/ledger.hpp"
#include "storage/sql/regions.hpp"
#include "storage/sql/reports.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/migrations.hpp"
#include "support/temp_dir.hpp"

// Orders are described with designated initializers naming only what matters; GCC 12 would
// warn about every member left to its default.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace cunji::embedded {
const std::vector<std::pair<std::string_view, std::string_view>>& migrations();
}

using namespace cunji;
using namespace cunji::storage;

namespace {

constexpr unix_seconds t0 = 1'795'442'400;  // 2026-11-23T14:00:00Z
constexpr day_number d0 = day_of(t0);

std::int64_t one(connection& c, const std::string& sql) {
  auto q = c.prepare(sql);
  REQUIRE(q.step());
  return q.i64(0);
}

// A marketplace made with plain SQL, so the only thing under test is the rollups.
struct market {
  connection& c;
  int phones = 0;

  std::int64_t county(bool poverty) { return insert_county(c, "县", "省", poverty, t0).id; }
  std::int64_t village(std::int64_t county_id) { return insert_village(c, county_id, "村", t0).value().id; }
  std::int64_t account(const char* role, std::optional<std::int64_t> village_id = std::nullopt) {
    c.run(
        "INSERT INTO accounts (role, name, phone, password_hash, village_id, created_at) VALUES (?, 'x', ?, 'h', ?, ?)",
        role, "+86" + std::to_string(1'000'000 + phones++), village_id, t0);
    return c.last_insert_rowid();
  }
  std::int64_t villager(std::int64_t village_id, std::int64_t partner) {
    c.run("INSERT INTO villagers (village_id, name, registered_by, created_at) VALUES (?, '张', ?, ?)", village_id,
          partner, t0);
    return c.last_insert_rowid();
  }
  // A shop of a farmer (owner) or run by a partner for a villager.
  std::int64_t shop(std::int64_t village_id, std::optional<std::int64_t> owner,
                    std::optional<std::int64_t> partner = {}, std::optional<std::int64_t> villager_id = {}) {
    const auto county_id = one(c, "SELECT county_id FROM villages WHERE id = " + std::to_string(village_id));
    c.run(
        "INSERT INTO shops (village_id, county_id, name, status, owner_account_id, villager_id, partner_id, "
        "created_at) VALUES (?, ?, '店', 'active', ?, ?, ?, ?)",
        village_id, county_id, owner, villager_id, partner, t0);
    return c.last_insert_rowid();
  }
  std::int64_t listing(std::int64_t shop_id, const char* status = "active") {
    c.run(
        "INSERT INTO listings (shop_id, village_id, county_id, title, category, unit, price_fen, stock, status, "
        "visible, created_at, updated_at) SELECT id, village_id, county_id, '苹果', 'fruit', 'kg', 100, 10, ?, ?, ?, ? "
        "FROM shops WHERE id = ?",
        status, std::string_view(status) == "active", t0, t0, shop_id);
    return c.last_insert_rowid();
  }
  void set_listing(std::int64_t id, const char* status) {
    c.run("UPDATE listings SET status = ? WHERE id = ?", status, id);
  }
  struct order_spec {
    std::int64_t shop = 0;
    std::optional<std::int64_t> buyer, villager, placer;
    std::int64_t subtotal = 1000;
    unix_seconds created_at = t0;
    const char* status = "placed";
    std::vector<std::tuple<std::int64_t, const char*, std::int64_t>> fees;  // partner, kind, amount
  };
  // Like storage::place_order: the order row first, then its partner fees. Poverty relief and
  // the village and county come from the shop.
  std::int64_t order(const order_spec& o) {
    c.run(
        "INSERT INTO orders (shop_id, village_id, county_id, poverty_relief, status, placed_by, buyer_account_id, "
        "villager_id, subtotal_fen, delivery_method, delivery_fee_fen, total_fen, platform_commission_fen, "
        "shop_proceeds_fen, created_at, updated_at) "
        "SELECT s.id, s.village_id, s.county_id, c.poverty_stricken, ?, ?, ?, ?, ?, 'station_pickup', 0, ?, 0, ?, ?, ? "
        "FROM shops s JOIN counties c ON c.id = s.county_id WHERE s.id = ?",
        o.status, o.placer ? *o.placer : o.buyer.value_or(0), o.buyer, o.villager, o.subtotal, o.subtotal, o.subtotal,
        o.created_at, o.created_at, o.shop);
    const auto id = c.last_insert_rowid();
    for (const auto& [partner, kind, amount] : o.fees)
      c.run("INSERT INTO order_partner_fees (order_id, kind, partner_id, amount_fen) VALUES (?, ?, ?, ?)", id, kind,
            partner, amount);
    return id;
  }
  void status(std::int64_t order_id, const char* s) { c.run("UPDATE orders SET status = ? WHERE id = ?", s, order_id); }
};

// Every order as a brute-force recomputation sees it.
struct order_row {
  std::int64_t id, shop, village, county;
  bool poverty;
  std::string status;
  std::int64_t buyer;
  std::int64_t subtotal;
  day_number day;
  std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> fees;  // partner -> (buying, selling)
  bool counts() const { return status == "paid" || status == "shipped" || status == "delivered"; }
};

std::vector<order_row> all_orders(connection& c) {
  std::vector<order_row> out;
  std::map<std::int64_t, std::size_t> at;
  {
    auto q = c.prepare(
        "SELECT id, shop_id, village_id, county_id, poverty_relief, status, buyer_account_id, villager_id, "
        "subtotal_fen, created_at FROM orders ORDER BY id");
    while (q.step()) {
      at[q.i64(0)] = out.size();
      out.push_back({q.i64(0),
                     q.i64(1),
                     q.i64(2),
                     q.i64(3),
                     q.i64(4) != 0,
                     q.str(5),
                     buyer_key(q.opt_i64(6), q.opt_i64(7)),
                     q.i64(8),
                     day_of(q.i64(9)),
                     {}});
    }
  }
  auto q = c.prepare("SELECT order_id, partner_id, kind, amount_fen FROM order_partner_fees");
  while (q.step()) {
    auto& f = out[at.at(q.i64(0))].fees[q.i64(1)];
    (q.text(2) == "assisted_buying" ? f.first : f.second) += q.i64(3);
  }
  return out;
}

std::vector<std::int64_t> ids_of(connection& c, const std::string& table) {
  std::vector<std::int64_t> out;
  auto q = c.prepare("SELECT id FROM " + table + " ORDER BY id");
  while (q.step()) out.push_back(q.i64(0));
  return out;
}

// Brute force over all orders: every report and village figure for `period` and `today`.
void compare_with_brute_force(connection& c, day_range period, day_number today) {
  INFO("period " << period.from << ".." << period.to << ", today " << today);
  const auto orders = all_orders(c);
  const auto thresholds = taobao_village_thresholds{one(c, "SELECT taobao_village_min_shops FROM fee_schedule"),
                                                    one(c, "SELECT taobao_village_min_gmv_fen FROM fee_schedule")};
  // Village GMV over the window, and Taobao status.
  std::map<std::int64_t, std::int64_t> village_gmv, village_county, village_shops;
  for (const auto& o : orders)
    if (o.counts() && in_gmv_window(o.day, today)) village_gmv[o.village] += o.subtotal;
  {
    auto q = c.prepare(
        "SELECT v.id, v.county_id, (SELECT count(*) FROM shops s WHERE s.village_id = v.id AND s.status = 'active' "
        "AND EXISTS (SELECT 1 FROM listings l WHERE l.shop_id = s.id AND l.status = 'active')) FROM villages v");
    while (q.step()) {
      village_county[q.i64(0)] = q.i64(1);
      village_shops[q.i64(0)] = q.i64(2);
    }
  }
  std::set<std::int64_t> taobao;
  for (const auto& [id, county] : village_county) {
    const auto v = find_village(c, id, today);
    REQUIRE(v);
    CHECK(v->gmv_365d_fen == village_gmv[id]);
    CHECK(v->active_shops == village_shops[id]);
    if (is_taobao_village(village_shops[id], village_gmv[id], thresholds)) taobao.insert(id);
  }
  for (const bool want : {true, false}) {
    village_filter f;
    f.taobao_village = want;
    f.today = today;
    f.page.limit = 3;
    std::vector<std::int64_t> walked;
    for (;;) {
      auto page = list_villages(c, f, thresholds);  // one more than the page when there is more
      const bool more = static_cast<int>(page.size()) > f.page.limit;
      if (more) page.pop_back();
      for (const auto& v : page) {
        walked.push_back(v.id);
        CHECK(taobao_status(v, thresholds) == want);
        CHECK(v.taobao_village == want);
        CHECK(v.gmv_365d_fen == village_gmv[v.id]);
      }
      if (!more) break;
      f.page.after = {page.back().id};
    }
    std::vector<std::int64_t> expected;
    for (const auto& [id, county] : village_county)
      if (taobao.count(id) == static_cast<std::size_t>(want)) expected.push_back(id);
    CHECK(walked == expected);
  }

  // Counties.
  struct county_figures {
    std::int64_t gmv = 0, orders = 0;
    std::set<std::int64_t> buyers;
  };
  std::map<std::int64_t, county_figures> counties;
  county_figures poverty;
  std::set<std::int64_t> poverty_shops;
  std::map<std::int64_t, std::int64_t> poverty_counties;
  std::map<std::int64_t, partner_earnings> earnings;
  for (const auto& o : orders) {
    if (!o.counts() || !period.contains(o.day)) continue;
    auto& cf = counties[o.county];
    cf.gmv += o.subtotal;
    ++cf.orders;
    cf.buyers.insert(o.buyer);
    if (o.poverty) {
      poverty.gmv += o.subtotal;
      ++poverty.orders;
      poverty.buyers.insert(o.buyer);
      poverty_shops.insert(o.shop);
      poverty_counties[o.county] += o.subtotal;
    }
    for (const auto& [partner, fee] : o.fees) {
      auto& e = earnings[partner];
      e.assisted_buying_fen += fee.first;
      e.assisted_selling_fen += fee.second;
      ++e.orders;
    }
  }
  const auto report = county_report(c, period, today);
  REQUIRE(report.size() == ids_of(c, "counties").size());
  for (const auto& r : report) {
    INFO("county " << r.county_id);
    const auto& cf = counties[r.county_id];
    CHECK(r.gmv_fen == cf.gmv);
    CHECK(r.orders == cf.orders);
    CHECK(r.distinct_buyers == static_cast<std::int64_t>(cf.buyers.size()));
    std::int64_t shops = 0, tv = 0;
    for (const auto& [id, county] : village_county)
      if (county == r.county_id) {
        shops += village_shops[id];
        tv += taobao.count(id);
      }
    CHECK(r.active_shops == shops);
    CHECK(r.taobao_villages == tv);
  }
  const auto pr = poverty_report(c, period);
  CHECK(pr.gmv_fen == poverty.gmv);
  CHECK(pr.orders == poverty.orders);
  CHECK(pr.distinct_buyers == static_cast<std::int64_t>(poverty.buyers.size()));
  CHECK(pr.shops == static_cast<std::int64_t>(poverty_shops.size()));
  std::vector<county_gmv> expected_counties;
  for (const auto& [id, gmv] : poverty_counties) expected_counties.push_back({id, gmv});
  CHECK(pr.counties == expected_counties);
  for (const auto id : ids_of(c, "accounts")) {
    const auto e = partner_earnings_report(c, id, period);
    const auto& want = earnings[id];
    INFO("partner " << id);
    CHECK(e.assisted_buying_fen == want.assisted_buying_fen);
    CHECK(e.assisted_selling_fen == want.assisted_selling_fen);
    CHECK(e.orders == want.orders);
  }
}

// Durability is not under test: commits skip fsync.
const connection_options no_sync{"OFF"};

struct fresh_db {
  test::temp_dir dir;
  connection c{dir.file("r.db"), open_mode::read_write, no_sync};
  fresh_db() { migrate(c); }
};

}  // namespace

TEST_CASE("rollups follow each order into and out of the counting states", "[storage][reports]") {
  fresh_db db;
  auto& c = db.c;
  market m{c};
  const auto county = m.county(true);
  const auto village = m.village(county);
  const auto farmer = m.account("farmer", village);
  const auto partner = m.account("partner", village);
  const auto buyer = m.account("buyer");
  const auto shop = m.shop(village, farmer);
  const auto run_shop = m.shop(village, std::nullopt, partner, m.villager(village, partner));
  const auto villager = m.villager(village, partner);
  const auto today = gmv_window(d0);
  auto figures = [&] { return sales_between(c, sales_scope::county, county, today); };
  auto buyers = [&] { return county_report(c, today, d0).at(0).distinct_buyers; };

  const auto o1 = m.order({.shop = shop, .buyer = buyer, .subtotal = 1000});
  CHECK(figures() == sales_totals{0, 0});  // placed: not a sale
  m.status(o1, "paid");
  CHECK(figures() == sales_totals{1000, 1});
  CHECK(sales_between(c, sales_scope::village, village, today) == sales_totals{1000, 1});
  CHECK(sales_between(c, sales_scope::poverty_relief, county, today) == sales_totals{1000, 1});
  CHECK(buyers() == 1);
  m.status(o1, "shipped");
  m.status(o1, "delivered");
  CHECK(figures() == sales_totals{1000, 1});  // shipped and delivered change nothing

  // The same buyer again, and a villager through its partner, on the partner's shop: both fees.
  const auto o2 = m.order({.shop = shop, .buyer = buyer, .subtotal = 500, .status = "paid"});
  CHECK(figures() == sales_totals{1500, 2});
  CHECK(buyers() == 1);
  const auto o3 = m.order({.shop = run_shop,
                           .villager = villager,
                           .placer = partner,
                           .subtotal = 2000,
                           .fees = {{partner, "assisted_buying", 60}, {partner, "assisted_selling", 40}}});
  CHECK(partner_earnings_report(c, partner, today).orders == 0);
  m.status(o3, "paid");
  CHECK(figures() == sales_totals{3500, 3});
  CHECK(buyers() == 2);
  auto e = partner_earnings_report(c, partner, today);
  CHECK(e.assisted_buying_fen == 60);
  CHECK(e.assisted_selling_fen == 40);
  CHECK(e.orders == 1);  // both fees, one order

  // A cancelled paid order leaves every figure.
  m.status(o3, "cancelled");
  CHECK(figures() == sales_totals{1500, 2});
  CHECK(buyers() == 1);
  e = partner_earnings_report(c, partner, today);
  CHECK(e.orders == 0);
  CHECK(e.assisted_buying_fen == 0);
  m.status(o2, "cancelled");
  CHECK(figures() == sales_totals{1000, 1});
  CHECK(buyers() == 1);
  CHECK(check_rollups(c).empty());
  // Rows exist only while something counts (cumulative rows stay).
  CHECK(one(c, "SELECT count(*) FROM partner_daily") == 0);
  CHECK(one(c, "SELECT count(*) FROM sales_daily") == 1);
  CHECK(one(c, "SELECT count(*) FROM buyer_days") == 2);  // county scope and poverty scope
}

TEST_CASE("distinct buyers across days: the prev_day chain survives inserts and removals in any order",
          "[storage][reports]") {
  fresh_db db;
  auto& c = db.c;
  market m{c};
  const auto county = m.county(false);
  const auto village = m.village(county);
  const auto shop = m.shop(village, m.account("farmer", village));
  const auto buyer = m.account("buyer");
  // Orders of one buyer on days d0-10, d0-5, d0 (placed in scrambled order, paid later).
  std::map<int, std::int64_t> order_on;
  for (int back : {5, 0, 10})
    order_on[back] = m.order({.shop = shop, .buyer = buyer, .created_at = t0 - back * 86'400});
  auto count_in = [&](int from_back, int to_back) {  // days [d0 - from_back, d0 - to_back)
    return county_report(c, {d0 - from_back, d0 - to_back}, d0).at(0).distinct_buyers;
  };
  for (int back : {0, 10, 5}) m.status(order_on[back], "paid");
  CHECK(check_rollups(c).empty());
  CHECK(count_in(20, -1) == 1);
  CHECK(count_in(7, 3) == 1);
  CHECK(count_in(4, 1) == 0);
  CHECK(count_in(10, 9) == 1);
  CHECK(count_in(9, 5) == 0);
  CHECK(count_in(9, 4) == 1);
  // Take the middle day away, then the first: the chain is mended each time.
  m.status(order_on[5], "cancelled");
  CHECK(check_rollups(c).empty());
  CHECK(count_in(9, 4) == 0);
  CHECK(count_in(9, -1) == 1);
  m.status(order_on[10], "cancelled");
  CHECK(check_rollups(c).empty());
  CHECK(count_in(20, 1) == 0);
  CHECK(count_in(20, -1) == 1);
  CHECK(one(c, "SELECT count(*) FROM buyer_days WHERE prev_day IS NOT NULL") == 0);
}

TEST_CASE("randomised orders and changes: rollups equal a brute-force recomputation", "[storage][reports]") {
  fresh_db db;
  auto& c = db.c;
  market m{c};
  std::mt19937 rng(20261123);
  auto pick = [&](const auto& v) { return v[rng() % v.size()]; };
  // Low thresholds so Taobao villages come and go.
  c.run("UPDATE fee_schedule SET taobao_village_min_shops = 2, taobao_village_min_gmv_fen = 150000");
  std::vector<std::int64_t> counties, villages, shops, buyers, partners, listings;
  std::map<std::int64_t, std::int64_t> partner_of_village, villager_partner;
  std::vector<std::int64_t> villagers;
  std::map<std::int64_t, std::optional<std::int64_t>> shop_partner;
  for (int i = 0; i < 4; ++i) counties.push_back(m.county(i % 2 == 0));
  for (int i = 0; i < 9; ++i) {
    const auto v = m.village(counties[static_cast<std::size_t>(i) % counties.size()]);
    villages.push_back(v);
    const auto p = m.account("partner", v);
    partners.push_back(p);
    partner_of_village[v] = p;
    for (int k = 0; k < 2; ++k) {
      const auto vr = m.villager(v, p);
      villagers.push_back(vr);
      villager_partner[vr] = p;
    }
  }
  for (int i = 0; i < 24; ++i) {
    const auto v = villages[static_cast<std::size_t>(i) % villages.size()];
    const bool run = i % 3 == 0;
    const auto s = run ? m.shop(v, std::nullopt, partner_of_village[v], m.villager(v, partner_of_village[v]))
                       : m.shop(v, m.account("farmer", v));
    shops.push_back(s);
    shop_partner[s] = run ? std::optional<std::int64_t>(partner_of_village[v]) : std::nullopt;
    if (i % 5 != 4) listings.push_back(m.listing(s));
  }
  for (int i = 0; i < 15; ++i) buyers.push_back(m.account("buyer"));
  const char* statuses[] = {"placed", "paid", "shipped", "delivered", "cancelled"};
  std::vector<std::int64_t> orders;
  const unix_seconds base = t0 - 500LL * 86'400;

  for (int op = 0; op < 4000; ++op) {
    const int kind = static_cast<int>(rng() % 100);
    if (kind < 40 || orders.empty()) {
      const auto s = pick(shops);
      market::order_spec o;
      o.shop = s;
      if (rng() % 4 == 0) {
        o.villager = pick(villagers);
        o.placer = villager_partner[*o.villager];
        o.fees.emplace_back(*o.placer, "assisted_buying", static_cast<std::int64_t>(rng() % 300));
      } else {
        o.buyer = pick(buyers);
      }
      if (shop_partner[s])
        o.fees.emplace_back(*shop_partner[s], "assisted_selling", static_cast<std::int64_t>(rng() % 200));
      o.subtotal = 1 + static_cast<std::int64_t>(rng() % 100'000);
      o.created_at = base + static_cast<unix_seconds>(rng() % (560LL * 86'400));
      o.status = rng() % 5 == 0 ? "paid" : "placed";  // a counting insert; its fees follow it
      orders.push_back(m.order(o));
    } else if (kind < 85) {
      m.status(pick(orders), statuses[rng() % 5]);
    } else if (kind < 89) {
      const auto sub = 1 + static_cast<std::int64_t>(rng() % 100'000);
      c.run("UPDATE orders SET subtotal_fen = ?, total_fen = ?, shop_proceeds_fen = ? WHERE id = ?", sub, sub, sub,
            pick(orders));
    } else if (kind < 92) {
      c.run("UPDATE orders SET created_at = created_at + ? WHERE id = ?",
            static_cast<std::int64_t>(rng() % (40 * 86'400)) - 20 * 86'400, pick(orders));
    } else if (kind < 94) {
      c.run("UPDATE orders SET poverty_relief = 1 - poverty_relief WHERE id = ?", pick(orders));
    } else if (kind < 96) {
      // Counties change designation; orders keep their snapshot.
      c.run("UPDATE counties SET poverty_stricken = 1 - poverty_stricken WHERE id = ?", pick(counties));
    } else if (kind < 98) {
      m.set_listing(pick(listings), rng() % 2 ? "archived" : "active");
    } else {
      // An order without partner fees may even disappear.
      const auto id = pick(orders);
      if (one(c, "SELECT count(*) FROM order_partner_fees WHERE order_id = " + std::to_string(id)) == 0) {
        c.run("DELETE FROM orders WHERE id = ?", id);
        orders.erase(std::find(orders.begin(), orders.end(), id));
      }
    }
    if (op % 800 == 799) {
      INFO("after op " << op);
      const auto problems = check_rollups(c);
      CHECK(problems.empty());
      for (const auto& p : problems) UNSCOPED_INFO(p);
      const day_number a = day_of(base) - 5 + static_cast<day_number>(rng() % 570);
      compare_with_brute_force(c, {a, a + 1 + static_cast<day_number>(rng() % 400)},
                               day_of(base) + static_cast<day_number>(rng() % 600));
    }
  }
  CHECK(one(c, "SELECT count(*) FROM orders WHERE status IN ('paid', 'shipped', 'delivered')") > 100);
  const auto problems = check_rollups(c);
  CHECK(problems.empty());
  for (const auto& p : problems) UNSCOPED_INFO(p);
  // Whole history, the default window, single days at the edges of the data, and empty ranges.
  compare_with_brute_force(c, {day_of(base) - 100, day_of(base) + 1000}, d0);
  compare_with_brute_force(c, gmv_window(d0), d0);
  compare_with_brute_force(c, {day_of(base), day_of(base) + 1}, d0 + 200);
  compare_with_brute_force(c, {d0 + 100, d0 + 200}, d0 - 300);
  for (int i = 0; i < 8; ++i) {
    const day_number a = day_of(base) + static_cast<day_number>(rng() % 560);
    compare_with_brute_force(c, {a, a + 1 + static_cast<day_number>(rng() % 60)},
                             a + static_cast<day_number>(rng() % 400));
  }
}

TEST_CASE("the checks find rollups that drifted", "[storage][reports]") {
  fresh_db db;
  auto& c = db.c;
  market m{c};
  const auto county = m.county(true);
  const auto village = m.village(county);
  const auto partner = m.account("partner", village);
  const auto shop = m.shop(village, std::nullopt, partner, m.villager(village, partner));
  m.listing(shop);
  const auto buyer = m.account("buyer");
  for (int back : {3, 2, 1})
    m.order({.shop = shop,
             .buyer = buyer,
             .created_at = t0 - back * 86'400,
             .status = "paid",
             .fees = {{partner, "assisted_selling", 20}}});
  REQUIRE(check_rollups(c).empty());
  // The ledger check reports them too. (These orders were made without lines or postings, so
  // it has other complaints about them; only its rollup findings matter here.)
  auto ledger_rollup_findings = [&] {
    const auto r = check_ledger(c);
    return std::count_if(r.mismatches.begin(), r.mismatches.end(),
                         [](const std::string& finding) { return finding.rfind("rollups: ", 0) == 0; });
  };
  REQUIRE(ledger_rollup_findings() == 0);
  const char* tampering[] = {
      "UPDATE sales_daily SET gmv_fen = gmv_fen + 1 WHERE day = (SELECT min(day) FROM sales_daily)",
      "UPDATE sales_cum SET orders = orders + 1 WHERE day = (SELECT max(day) FROM sales_cum) AND scope_kind = 2",
      "DELETE FROM sales_cum WHERE scope_kind = 1 AND day = (SELECT min(day) FROM sales_cum)",
      "UPDATE buyer_days SET prev_day = NULL WHERE scope = 0",
      "UPDATE buyer_days SET orders = 2 WHERE scope <> 0",
      "DELETE FROM partner_daily WHERE day = (SELECT max(day) FROM partner_daily)",
      "UPDATE villages SET active_shops = 5",
      "UPDATE shops SET active_listings = 0",
      "UPDATE shop_months SET days = days + 1 WHERE month = (SELECT min(month) FROM shop_months)",
      "UPDATE shop_months SET poverty_relief_gmv_fen = poverty_relief_gmv_fen - 1",
      "DELETE FROM shop_months",
  };
  for (const char* sql : tampering) {
    INFO(sql);
    c.exec("SAVEPOINT tamper");
    c.exec(sql);
    CHECK(c.rows_changed() > 0);
    const auto found = check_rollups(c);
    CHECK_FALSE(found.empty());
    for (const auto& f : found) UNSCOPED_INFO(f);
    CHECK(ledger_rollup_findings() == static_cast<std::ptrdiff_t>(found.size()));
    c.exec("ROLLBACK TO tamper");
    c.exec("RELEASE tamper");
  }
  CHECK(check_rollups(c).empty());
}

TEST_CASE("orders from before the migration are rolled up by it", "[storage][reports]") {
  test::temp_dir dir;
  connection c(dir.file("old.db"), open_mode::read_write, no_sync);
  // A database at schema version 3, with orders in it.
  c.exec(
      "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) "
      "STRICT");
  for (const auto& [name, sql] : embedded::migrations()) {
    if (name.substr(0, 4) > "0003") continue;
    c.exec(sql);
    c.run("INSERT INTO schema_version VALUES (?, ?, 0)", std::stoi(std::string(name.substr(0, 4))), name);
  }
  REQUIRE(one(c, "SELECT max(version) FROM schema_version") == 3);
  market m{c};
  const auto county = m.county(true);
  const auto village = m.village(county);
  const auto partner = m.account("partner", village);
  const auto shop = m.shop(village, std::nullopt, partner, m.villager(village, partner));
  const auto buyer = m.account("buyer");
  for (const char* s : {"paid", "placed", "delivered", "cancelled", "shipped"})
    m.order({.shop = shop, .buyer = buyer, .subtotal = 100, .status = s, .fees = {{partner, "assisted_selling", 2}}});
  CHECK(migrate(c) == latest_schema_version());
  CHECK(check_rollups(c).empty());
  CHECK(sales_between(c, sales_scope::village, village, gmv_window(d0)) == sales_totals{300, 3});
  CHECK(partner_earnings_report(c, partner, gmv_window(d0)).assisted_selling_fen == 6);
  CHECK(poverty_report(c, gmv_window(d0)).distinct_buyers == 1);
}

TEST_CASE("Taobao villages at the default thresholds: 99 or 100 shops, one fen short or not", "[storage][reports]") {
  fresh_db db;
  auto& c = db.c;
  market m{c};
  const auto county = m.county(false);
  const auto village = m.village(county);
  const auto other = m.village(county);
  std::vector<std::int64_t> first_listing;
  for (int i = 0; i < 100; ++i) {
    const auto s = m.shop(village, m.account("farmer", village));
    first_listing.push_back(m.listing(s));
    if (i == 0) m.listing(s);  // the first shop has two
    m.listing(m.shop(other, m.account("farmer", other)));
  }
  const auto buyer = m.account("buyer");
  const auto shop0 = one(c, "SELECT min(id) FROM shops WHERE village_id = " + std::to_string(village));
  const taobao_village_thresholds t{};  // 100 shops, 10,000,000 yuan
  auto status = [&](std::int64_t id) {
    const auto v = find_village(c, id, d0);
    REQUIRE(v);
    return std::pair{v->active_shops, taobao_status(*v, t)};
  };
  auto taobao_list = [&] {
    village_filter f;
    f.taobao_village = true;
    f.today = d0;
    std::vector<std::int64_t> out;
    for (const auto& v : list_villages(c, f, t)) out.push_back(v.id);
    return out;
  };
  // 100 shops; GMV one fen short, then exactly at the threshold.
  m.order({.shop = shop0, .buyer = buyer, .subtotal = 999'999'999, .status = "paid"});
  m.order({.shop = one(c, "SELECT min(id) FROM shops WHERE village_id = " + std::to_string(other)),
           .buyer = buyer,
           .subtotal = 2'000'000'000,
           .status = "paid"});
  CHECK(status(village) == std::pair<std::int64_t, bool>{100, false});
  CHECK(status(other) == std::pair<std::int64_t, bool>{100, true});
  const auto last_fen = m.order({.shop = shop0, .buyer = buyer, .subtotal = 1});
  CHECK(status(village).second == false);  // placed is not a sale
  m.status(last_fen, "paid");
  CHECK(status(village) == std::pair<std::int64_t, bool>{100, true});
  CHECK(taobao_list() == std::vector<std::int64_t>{village, other});
  // A shop whose last active listing is archived stops counting: 99 shops.
  m.set_listing(first_listing[57], "archived");
  CHECK(status(village) == std::pair<std::int64_t, bool>{99, false});
  CHECK(taobao_list() == std::vector<std::int64_t>{other});
  // The first shop still has its second listing.
  m.set_listing(first_listing[0], "archived");
  CHECK(status(village).first == 99);
  m.set_listing(first_listing[57], "active");
  CHECK(status(village) == std::pair<std::int64_t, bool>{100, true});
  // A closed shop does not count either; nor does a cancelled payment.
  c.run("UPDATE shops SET status = 'closed' WHERE id = ?", shop0);
  CHECK(status(village) == std::pair<std::int64_t, bool>{99, false});
  c.run("UPDATE shops SET status = 'active' WHERE id = ?", shop0);
  CHECK(status(village).second);
  m.status(last_fen, "cancelled");
  CHECK(status(village) == std::pair<std::int64_t, bool>{100, false});
  CHECK(county_report(c, gmv_window(d0), d0).at(0).taobao_villages == 1);
  CHECK(county_report(c, gmv_window(d0), d0).at(0).active_shops == 200);
  CHECK(check_rollups(c).empty());
}

TEST_CASE("report reads are index-driven", "[storage][reports]") {
  fresh_db db;
  for (const auto& [name, plan] : report_query_plans(db.c)) {
    INFO(name << ":\n" << plan);
    CHECK(plan.find("orders") == std::string::npos);  // never orders
    if (name == "sales_cum") CHECK(plan.find("SEARCH sales_cum USING PRIMARY KEY") != std::string::npos);
    if (name == "distinct_buyers")
      CHECK(plan.find("SEARCH buyer_days USING COVERING INDEX buyer_days_by_day (scope=? AND day>? AND day<?)") !=
            std::string::npos);
    if (name == "partner_earnings")
      CHECK(plan.find("SEARCH partner_daily USING PRIMARY KEY (partner_id=? AND day>? AND day<?)") !=
            std::string::npos);
    if (name == "county_months")
      CHECK(plan.find("SEARCH shop_months USING COVERING INDEX shop_months_by_county (county_id=? AND month>? AND "
                      "month<?)") != std::string::npos);
    if (name == "village_months" || name == "village_shops")
      CHECK(plan.find("SEARCH shop_months USING PRIMARY KEY (village_id=? AND month>? AND month<?)") !=
            std::string::npos);
    if (name == "shop_days")
      CHECK(plan.find("SEARCH sales_daily USING PRIMARY KEY (shop_id=? AND poverty_relief=? AND day>? AND day<?)") !=
            std::string::npos);
    if (name == "poverty_shops") {
      CHECK(plan.find("SCAN sales_daily") == std::string::npos);
      CHECK(plan.find("SEARCH d USING PRIMARY KEY (shop_id=? AND poverty_relief=? AND day>? AND day<?)") !=
            std::string::npos);
    }
  }
}
