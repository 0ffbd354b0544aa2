// Monthly reports against a recomputation straight from the orders table: random orders over
// several months across villages and counties (some poverty relief), random moves to paid,
// shipped, delivered and cancelled, some refunded (returns accepted, and parcels reported lost),
// and every month of every county and village compared.
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/months.hpp"
#include "core/sales.hpp"
#include "order_fixture.hpp"
#include "server/crypto.hpp"
#include "storage/sql/accounts.hpp"
#include "storage/sql/regions.hpp"
#include "storage/sql/reports.hpp"
#include "storage/sqlite/connection.hpp"
#include "test_client.hpp"

using namespace cunji;
using namespace cunji::test;

namespace {

constexpr std::int64_t day_s = 86'400;
constexpr std::int64_t min_shops = 2, min_gmv = 20'000;

struct world {
  test_server s;
  std::map<std::int64_t, std::pair<std::string, unix_seconds>> tokens;  // account -> token, made at
  std::mt19937 rng{20261123};

  std::string token(std::int64_t account) {
    auto& tok = tokens[account].first;
    auto& made = tokens[account].second;
    if (tok.empty() || s.now() - made > 20 * day_s) {
      tok = server::new_token();
      made = s.now();
      auto res = s.db().writer().submit_sync([&](storage::connection& c) -> result<unit> {
        storage::insert_session(c, server::hash_token(tok), account, made, made + 30 * day_s);
        return unit{};
      });
      REQUIRE(res.ok());
    }
    return tok;
  }
  void post(std::int64_t order, const std::string& action, std::int64_t account) {
    if (action == "pay") {
      s.pay(order, token(account));
      return;
    }
    auto r = s.post("/v1/orders/" + std::to_string(order) + "/" + action, "{}", token(account));
    INFO(action << ": " << r.body);
    REQUIRE(r.status == 200);
  }
  // The buyer asks for a return (`action`: returns, or report-lost for a parcel that never
  // came) and the farmer accepts it: the order is refunded. False when the return may not be
  // asked for now (409: delivered more than 7 days ago, or shipped less than 7 days ago).
  bool refund(std::int64_t order, const char* action, std::int64_t buyer, std::int64_t farmer) {
    auto r = s.post("/v1/orders/" + std::to_string(order) + "/" + action, R"({"reason":"坏了一半"})", token(buyer));
    INFO(action << ": " << r.body);
    REQUIRE((r.status == 201 || r.status == 409));
    if (r.status == 409) return false;
    const auto ret = r.json().at("id").as_int64();
    r = s.post("/v1/returns/" + std::to_string(ret) + "/accept",
               rng() % 2 ? R"({"restock":true})" : R"({"restock":false})", token(farmer));
    REQUIRE(r.status == 200);
    return true;
  }
};

struct stall {
  std::int64_t farmer = 0, shop = 0, listing = 0;
};
struct order_ref {
  std::int64_t id, buyer, farmer;
};

struct figures {
  std::int64_t gmv = 0, orders = 0, poverty = 0;
  std::set<std::int64_t> shops;
};

int taobao_months = 0;  // village months compared with taobao_village true

// Every month of `range` of a village (or, with `county`, a county), recomputed from orders.
void compare(world& w, std::int64_t id, bool county, month_range range) {
  const auto today = day_of(w.s.now());
  std::map<std::string, figures> months;                                          // "YYYY-MM" -> figures
  std::vector<std::tuple<day_number, std::int64_t, std::int64_t>> village_sales;  // day, shop, fen
  auto q = w.s.db().reader().prepare(
      "SELECT shop_id, subtotal_fen, poverty_relief, created_at FROM orders "
      "WHERE status IN ('paid', 'shipped', 'at_station', 'delivered') AND " +
      std::string(county ? "county_id" : "village_id") + " = ?");
  q.bind_all(id);
  while (q.step()) {
    auto& f = months[format_rfc3339(q.i64(3)).substr(0, 7)];
    f.gmv += q.i64(1);
    f.orders += 1;
    f.poverty += q.i64(2) ? q.i64(1) : 0;
    f.shops.insert(q.i64(0));
    village_sales.emplace_back(day_of(q.i64(3)), q.i64(0), q.i64(1));
  }
  const auto path = std::string(county ? "/v1/reports/counties/" : "/v1/reports/villages/") + std::to_string(id) +
                    "/monthly?from=" + format_month(range.from) + "&to=" + format_month(range.to);
  auto r = w.s.get(path);
  INFO(path << " " << r.body);
  REQUIRE(r.status == 200);
  const auto got = r.json().at("months").as_array();
  REQUIRE(got.size() == static_cast<std::size_t>(range.size()));
  for (std::size_t i = 0; i < got.size(); ++i) {
    const auto m = range.from + static_cast<month_number>(i);
    const auto& f = months[format_month(m)];
    INFO(format_month(m) << ": " << boost::json::serialize(got[i]));
    CHECK(got[i].at("month").as_string() == format_month(m));
    CHECK(got[i].at("gmv_fen").as_int64() == f.gmv);
    CHECK(got[i].at("orders").as_int64() == f.orders);
    CHECK(got[i].at("poverty_relief_gmv_fen").as_int64() == f.poverty);
    CHECK(got[i].at("active_shops").as_int64() == static_cast<std::int64_t>(f.shops.size()));
    if (county) continue;
    // Taobao status: on the month's last day (today for this month), over the 365 days ending then.
    const auto day = std::min(today, first_day(m + 1) - 1);
    std::int64_t gmv = 0;
    std::set<std::int64_t> shops;
    for (const auto& [d, shop, fen] : village_sales)
      if (d <= day && d > day - 365) {
        gmv += fen;
        shops.insert(shop);
      }
    const bool taobao = static_cast<std::int64_t>(shops.size()) >= min_shops && gmv >= min_gmv;
    CHECK(got[i].at("taobao_village").as_bool() == taobao);
    taobao_months += taobao;
  }
}

}  // namespace

TEST_CASE("monthly reports match a recomputation from orders over a randomised workload",
          "[server][reports][monthly][sqlite]") {
  world w;
  auto& s = w.s;
  const auto admin = s.admin_token();
  auto r = s.send(http::verb::put, "/v1/fee-schedule",
                  R"({"platform_commission_bps":500,"category_commission_bps":{},"poverty_county_commission_bps":0,)"
                  R"("assisted_buying_fee_bps":300,"assisted_selling_fee_bps":200,"address_delivery_fee_fen":800,)"
                  R"("taobao_village_min_shops":2,"taobao_village_min_gmv_fen":20000,)"
                  R"("unpaid_timeout_minutes":30,"auto_deliver_days":10,"station_hold_days":14})",
                  {{"Authorization", "Bearer " + admin}, {"Content-Type", "application/json"}});
  REQUIRE(r.status == 200);
  // Two counties (one poverty-stricken), two villages each with two farmers' shops, and a village
  // that never sells.
  std::vector<std::int64_t> counties, villages;
  std::vector<stall> stalls;
  for (const bool poverty : {true, false}) {
    auto c = s.db().writer().submit_sync([&](storage::connection& cn) -> result<county> {
      return storage::insert_county(cn, poverty ? "城口县" : "江北区", "重庆市", poverty, s.now());
    });
    REQUIRE(c.ok());
    counties.push_back(c->id);
    for (int k = 0; k < 3; ++k) {
      auto v = s.db().writer().submit_sync(
          [&](storage::connection& cn) { return storage::insert_village(cn, c->id, "村", s.now()); });
      REQUIRE(v.ok());
      villages.push_back(v->id);
      if (k == 2 && poverty) continue;  // the village that never sells
      for (int j = 0; j < 2; ++j) {
        const auto [farmer, tok] = s.direct_user(role::farmer, v->id);
        w.tokens[farmer] = {tok, s.now()};
        auto sr = s.post("/v1/shops", R"({"name":"小店"})", tok);
        REQUIRE(sr.status == 201);
        const auto shop = sr.json().at("id").as_int64();
        sr = s.post("/v1/shops/" + std::to_string(shop) + "/listings",
                    R"({"title":"高山土豆","category":"vegetable","unit":"kg","price_fen":)" +
                        std::to_string(500 + w.rng() % 4'000) + R"(,"stock":100000})",
                    tok);
        REQUIRE(sr.status == 201);
        stalls.push_back({farmer, shop, sr.json().at("id").as_int64()});
      }
    }
  }
  std::vector<std::int64_t> buyers;
  for (int i = 0; i < 4; ++i) buyers.push_back(s.direct_user(role::buyer).first);

  std::vector<order_ref> paid, shipped, delivered;
  auto take = [&](std::vector<order_ref>& from) {
    const auto i = w.rng() % from.size();
    const auto o = from[i];
    from.erase(from.begin() + static_cast<std::ptrdiff_t>(i));
    return o;
  };
  auto check_all = [&] {
    const auto current = month_of_day(day_of(s.now()));
    const month_range range{month_of_day(day_of(1'795'442'400)) - 1, current};  // from 2026-10
    for (const auto c : counties) compare(w, c, true, range);
    for (const auto v : villages) compare(w, v, false, range);
    CHECK(storage::check_rollups(s.db().reader()).empty());
  };
  for (int step = 0; step < 70; ++step) {
    s.advance_clock(static_cast<std::int64_t>(w.rng() % (4 * day_s)));
    const auto st = stalls[w.rng() % stalls.size()];
    const auto buyer = buyers[w.rng() % buyers.size()];
    auto pr = s.post("/v1/orders", market::order_body_to(std::nullopt, st.shop, st.listing, 1 + w.rng() % 3),
                     w.token(buyer));
    REQUIRE(pr.status == 201);
    const order_ref o{pr.json().at("id").as_int64(), buyer, st.farmer};
    switch (w.rng() % 10) {
      case 0: break;                                 // left unpaid
      case 1: w.post(o.id, "cancel", buyer); break;  // never paid
      default: w.post(o.id, "pay", buyer); paid.push_back(o);
    }
    // Later moves of earlier orders (of earlier months, too).
    const auto move = w.rng() % 10;
    if (move < 3 && !paid.empty()) {
      const auto p = take(paid);
      w.post(p.id, "ship", p.farmer);
      shipped.push_back(p);
    } else if (move == 3 && !paid.empty()) {
      const auto p = take(paid);
      w.post(p.id, "cancel", w.rng() % 2 ? p.buyer : p.farmer);
    } else if (move < 6 && !shipped.empty()) {
      const auto p = take(shipped);
      w.post(p.id, "deliver", p.buyer);
      delivered.push_back(p);
    } else if (move == 6 && !shipped.empty()) {
      const auto p = take(shipped);
      if (!w.refund(p.id, "report-lost", p.buyer, p.farmer)) shipped.push_back(p);  // lost in transit
    } else if (move == 7 && !delivered.empty()) {
      const auto p = take(delivered);
      if (!w.refund(p.id, "returns", p.buyer, p.farmer)) delivered.push_back(p);  // an accepted return
    }
    if (step == 35) check_all();
  }
  check_all();
  s.advance_clock(200 * day_s);  // the windows slide on with no new orders
  check_all();
  // The workload reached what it means to test.
  auto count = [&](const std::string& where) {
    auto q = s.db().reader().prepare("SELECT count(*) FROM orders WHERE " + where);
    q.step();
    return q.i64(0);
  };
  CHECK(count("status IN ('paid', 'shipped', 'delivered')") > 30);
  CHECK(count("status = 'refunded'") > 0);
  CHECK(count("status = 'cancelled' AND id IN (SELECT order_id FROM payment_orders)") > 0);  // after paying
  CHECK(count("poverty_relief = 1 AND status = 'delivered'") > 0);
  CHECK(taobao_months > 0);
  CHECK(month_of_day(day_of(s.now())) - month_of_day(day_of(1'795'442'400)) > 6);
}
