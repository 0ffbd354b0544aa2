// Village statistics and reports over HTTP: Taobao villages reached through real orders, the
// edges of the rule (shops, GMV, the 365-day window, the fee schedule's thresholds), the
// taobao_village filter with cursors, reports against a brute-force recomputation over a
// randomised workload, and who may read what.
#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/sales.hpp"
#include "order_fixture.hpp"
#include "server/crypto.hpp"
#include "storage/sql/accounts.hpp"
#include "storage/sql/regions.hpp"
#include "storage/sqlite/connection.hpp"
#include "support/run_task.hpp"
#include "test_client.hpp"

using namespace cunji;
using namespace cunji::test;

namespace {

constexpr std::int64_t day_s = 86'400;

header_list bearer_json(const std::string& token) {
  return {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}};
}

reply patch(test_server& s, const std::string& path, const std::string& body, const std::string& token) {
  return s.send(http::verb::patch, path, body, bearer_json(token));
}

void set_thresholds(test_server& s, const std::string& admin, std::int64_t min_shops, std::int64_t min_gmv_fen) {
  auto r = s.send(http::verb::put, "/v1/fee-schedule",
                  R"({"platform_commission_bps":500,"category_commission_bps":{},"poverty_county_commission_bps":0,)"
                  R"("assisted_buying_fee_bps":300,"assisted_selling_fee_bps":200,"address_delivery_fee_fen":800,)"
                  R"("taobao_village_min_shops":)" +
                      std::to_string(min_shops) + R"(,"taobao_village_min_gmv_fen":)" + std::to_string(min_gmv_fen) +
                      R"(,"unpaid_timeout_minutes":30,"auto_deliver_days":10,"station_hold_days":14})",
                  bearer_json(admin));
  REQUIRE(r.status == 200);
}

boost::json::object village_of(test_server& s, std::int64_t id) {
  auto r = s.get("/v1/villages/" + std::to_string(id));
  REQUIRE(r.status == 200);
  return r.json().as_object();
}
bool is_taobao(test_server& s, std::int64_t id) { return village_of(s, id).at("taobao_village").as_bool(); }
std::int64_t gmv_of(test_server& s, std::int64_t id) { return village_of(s, id).at("gmv_365d_fen").as_int64(); }

// Every id a list yields, following next_cursor (from `cursor`, if given).
std::vector<std::int64_t> walk(test_server& s, const std::string& target, std::string cursor = "") {
  std::vector<std::int64_t> ids;
  for (int pages = 0; pages < 1000; ++pages) {
    const auto sep = target.find('?') == std::string::npos ? "?" : "&";
    auto r = s.get(target + (cursor.empty() ? "" : sep + std::string("cursor=") + cursor));
    REQUIRE(r.status == 200);
    const auto doc = r.json();
    for (const auto& v : doc.at("items").as_array()) ids.push_back(v.at("id").as_int64());
    if (doc.at("next_cursor").is_null()) return ids;
    cursor = std::string(doc.at("next_cursor").as_string());
  }
  FAIL("too many pages");
  return ids;
}

std::int64_t place(test_server& s, const std::string& token, std::int64_t shop, std::int64_t listing,
                   std::int64_t qty = 1, const std::string& extra = "") {
  auto r = s.post("/v1/orders", market::order_body_to(std::nullopt, shop, listing, qty, extra), token);
  INFO(r.body);
  REQUIRE(r.status == 201);
  return r.json().at("id").as_int64();
}
void act(test_server& s, std::int64_t order, const std::string& action, const std::string& token) {
  if (action == "pay") {  // with Alipay, confirmed by its notification
    s.pay(order, token);
    return;
  }
  auto r = s.post("/v1/orders/" + std::to_string(order) + "/" + action, "{}", token);
  INFO(action << ": " << r.body);
  REQUIRE(r.status == 200);
}

// A new live session for an existing account, made in storage (tests move the clock by more
// than the 30 days a token lives).
std::string fresh_token(test_server& s, std::int64_t account_id) {
  const auto token = server::new_token();
  const auto now = s.now();
  boost::asio::io_context ioc;
  const auto res = run_task(
      ioc, s.store().accounts().start_session(server::hash_token(token), account_id, now, now + 30 * day_s));
  REQUIRE(res.ok());
  return token;
}

std::int64_t new_county(test_server& s, bool poverty, const std::string& name = "城口县") {
  boost::asio::io_context ioc;
  return run_task(ioc, s.store().regions().create_county(name, "重庆市", poverty, s.now())).id;
}
std::int64_t new_village(test_server& s, std::int64_t county_id) {
  boost::asio::io_context ioc;
  const auto res = run_task(ioc, s.store().regions().create_village(county_id, "村", s.now()));
  REQUIRE(res.ok());
  return res->id;
}

std::int64_t new_listing(test_server& s, const std::string& token, std::int64_t shop, std::int64_t price,
                         std::int64_t stock = 100'000) {
  auto r = s.post("/v1/shops/" + std::to_string(shop) + "/listings",
                  R"({"title":"高山土豆","category":"vegetable","unit":"kg","price_fen":)" + std::to_string(price) +
                      R"(,"stock":)" + std::to_string(stock) + "}",
                  token);
  REQUIRE(r.status == 201);
  return r.json().at("id").as_int64();
}

// A farmer's shop with one active listing.
struct stall {
  std::int64_t farmer_id = 0, shop = 0, listing = 0;
  std::string farmer;
};
stall open_stall(test_server& s, std::int64_t village, std::int64_t price) {
  stall st;
  std::tie(st.farmer_id, st.farmer) = s.direct_user(role::farmer, village);
  auto r = s.post("/v1/shops", R"({"name":"小店"})", st.farmer);
  REQUIRE(r.status == 201);
  st.shop = r.json().at("id").as_int64();
  st.listing = new_listing(s, st.farmer, st.shop, price);
  return st;
}

std::string date_of(day_number d) { return format_rfc3339(d * day_s).substr(0, 10); }

struct partner_earnings_t {
  std::int64_t buying = 0, selling = 0, orders = 0;
};

std::set<std::string> keys_of(const boost::json::object& o) {
  std::set<std::string> out;
  for (const auto& kv : o) out.insert(std::string(kv.key()));
  return out;
}

}  // namespace

TEST_CASE("a village becomes a Taobao village through orders placed and paid over HTTP", "[server][reports]") {
  test_server s;
  market m(s);  // its village has the fixture's two shops: active_shops 2
  set_thresholds(s, m.admin, 3, 10'000);
  const auto v = m.village;
  auto [buyer_id, buyer] = s.direct_user(role::buyer);
  CHECK(village_of(s, v).at("active_shops").as_int64() == 2);

  // The third shop: 3 active shops. Its listings: 9,999 fen and 1 fen.
  const auto third = open_stall(s, v, 9'999);
  const auto cheap = new_listing(s, third.farmer, third.shop, 1);
  CHECK(village_of(s, v).at("active_shops").as_int64() == 3);
  CHECK_FALSE(is_taobao(s, v));

  // GMV one fen below the threshold, then at it. Placed orders are not sales.
  const auto big = place(s, buyer, third.shop, third.listing);
  CHECK(gmv_of(s, v) == 0);
  act(s, big, "pay", buyer);
  CHECK(gmv_of(s, v) == 9'999);
  CHECK_FALSE(is_taobao(s, v));
  const auto last_fen = place(s, buyer, third.shop, cheap);
  CHECK(gmv_of(s, v) == 9'999);
  act(s, last_fen, "pay", buyer);
  auto doc = village_of(s, v);
  CHECK(doc.at("gmv_365d_fen").as_int64() == 10'000);
  CHECK(doc.at("active_shops").as_int64() == 3);
  CHECK(doc.at("taobao_village").as_bool());
  CHECK(walk(s, "/v1/villages?taobao_village=true") == std::vector<std::int64_t>{v});
  CHECK(walk(s, "/v1/villages?taobao_village=false").empty());
  auto listed = s.get("/v1/villages?taobao_village=true").json().at("items").at(0).as_object();
  CHECK(listed == doc);
  // Shipping and delivering change nothing.
  act(s, big, "ship", third.farmer);
  act(s, big, "deliver", buyer);
  CHECK(gmv_of(s, v) == 10'000);

  SECTION("a shop whose last active listing is archived stops counting") {
    const auto fixture_listing = "/v1/listings/" + std::to_string(m.listing);
    REQUIRE(patch(s, fixture_listing, R"({"status":"archived"})", m.farmer).status == 200);
    doc = village_of(s, v);
    CHECK(doc.at("active_shops").as_int64() == 2);
    CHECK_FALSE(doc.at("taobao_village").as_bool());
    CHECK(walk(s, "/v1/villages?taobao_village=true").empty());
    CHECK(walk(s, "/v1/villages?taobao_village=false") == std::vector<std::int64_t>{v});
    REQUIRE(patch(s, fixture_listing, R"({"status":"active"})", m.farmer).status == 200);
    CHECK(is_taobao(s, v));
    // Closing a shop too.
    REQUIRE(patch(s, "/v1/shops/" + std::to_string(m.partner_shop), R"({"status":"closed"})", m.partner).status == 200);
    CHECK_FALSE(is_taobao(s, v));
  }
  SECTION("a cancelled paid order leaves the GMV") {
    act(s, last_fen, "cancel", buyer);
    CHECK(gmv_of(s, v) == 9'999);
    CHECK_FALSE(is_taobao(s, v));
    CHECK(walk(s, "/v1/villages?taobao_village=true").empty());
    const auto ledger = m.ledger();
    INFO(boost::json::serialize(ledger));
    CHECK(ledger.at("balanced").as_bool());  // the rollups included
  }
  SECTION("changing the thresholds in the fee schedule flips the status") {
    set_thresholds(s, m.admin, 3, 10'001);
    CHECK_FALSE(is_taobao(s, v));
    set_thresholds(s, m.admin, 3, 10'000);
    CHECK(is_taobao(s, v));
    set_thresholds(s, m.admin, 4, 10'000);
    CHECK_FALSE(is_taobao(s, v));
    CHECK(walk(s, "/v1/villages?taobao_village=true").empty());
    set_thresholds(s, m.admin, 100, 1'000'000'000);  // the defaults
    CHECK_FALSE(is_taobao(s, v));
    set_thresholds(s, m.admin, 0, 0);
    CHECK(is_taobao(s, v));
  }
  SECTION("the county report counts it") {
    auto r = s.get("/v1/reports/counties", m.admin);
    REQUIRE(r.status == 200);
    const auto item = r.json().at("items").at(0).as_object();
    CHECK(item.at("taobao_villages").as_int64() == 1);
    CHECK(item.at("active_shops").as_int64() == 3);
    CHECK(item.at("gmv_fen").as_int64() == 10'000);
    CHECK(item.at("orders").as_int64() == 2);
    CHECK(item.at("distinct_buyers").as_int64() == 1);
  }
}

TEST_CASE("the GMV window: an order 364 days old counts, 365 and 366 days old do not", "[server][reports]") {
  test_server s;
  market m(s, false, 100, 2'500);
  set_thresholds(s, m.admin, 1, 2'500);
  auto [buyer_id, buyer] = s.direct_user(role::buyer);
  const auto o = place(s, buyer, m.shop, m.listing);  // at 2026-11-23T14:00:00Z
  act(s, o, "pay", buyer);
  const auto placed_day = day_of(s.now());
  const std::string order_date = date_of(placed_day);
  CHECK(order_date == "2026-11-23");
  auto county_gmv = [&](const std::string& query) {
    auto r = s.get("/v1/reports/counties" + query, s.admin_token());  // a new admin: tokens expire
    REQUIRE(r.status == 200);
    return r.json().at("items").at(0).at("gmv_fen").as_int64();
  };
  CHECK(gmv_of(s, m.village) == 2'500);
  CHECK(is_taobao(s, m.village));

  s.advance_clock(364 * day_s);  // 2027-11-22T14:00:00Z: 364 days old
  CHECK(gmv_of(s, m.village) == 2'500);
  CHECK(is_taobao(s, m.village));
  CHECK(county_gmv("") == 2'500);  // the default period is the same window
  s.advance_clock(10 * 3600 - 1);  // 2027-11-22T23:59:59Z: still 364 days
  CHECK(gmv_of(s, m.village) == 2'500);
  s.advance_clock(1);  // 2027-11-23T00:00:00Z: 365 days old, though not 365 x 24 hours
  CHECK(gmv_of(s, m.village) == 0);
  CHECK_FALSE(is_taobao(s, m.village));
  CHECK(walk(s, "/v1/villages?taobao_village=true").empty());
  CHECK(county_gmv("") == 0);
  // An explicit period still finds it.
  CHECK(county_gmv("?from=" + order_date + "&to=" + date_of(placed_day + 1)) == 2'500);
  CHECK(county_gmv("?from=" + date_of(placed_day + 1)) == 0);
  CHECK(county_gmv("?to=" + date_of(placed_day)) == 0);
  s.advance_clock(day_s);  // 366 days old
  CHECK(gmv_of(s, m.village) == 0);
  CHECK(county_gmv("?to=" + date_of(placed_day + 1)) == 2'500);  // from defaults to 365 days before `to`

  SECTION("a new sale brings the village back") {
    const auto buyer2 = fresh_token(s, buyer_id);
    act(s, place(s, buyer2, m.shop, m.listing), "pay", buyer2);
    CHECK(gmv_of(s, m.village) == 2'500);
    CHECK(is_taobao(s, m.village));
  }
}

TEST_CASE("the taobao_village filter walks pages by cursor, each village once", "[server][reports]") {
  test_server s;
  market m(s);
  set_thresholds(s, m.admin, 1, 1'000);
  auto [buyer_id, buyer] = s.direct_user(role::buyer);
  const auto c1 = new_county(s, false, "一县");
  const auto c2 = new_county(s, true, "二县");
  // The fixture's village has shops but no sales; these alternate.
  std::vector<std::int64_t> taobao, others{m.village}, all{m.village};
  std::map<std::int64_t, std::vector<std::int64_t>> taobao_by_county;
  for (int i = 0; i < 9; ++i) {
    const auto county = i % 2 ? c2 : c1;
    const auto v = new_village(s, county);
    all.push_back(v);
    if (i % 3 == 2) {  // no shop at all
      others.push_back(v);
      continue;
    }
    const auto st = open_stall(s, v, i % 3 == 0 ? 1'000 : 999);
    act(s, place(s, buyer, st.shop, st.listing), "pay", buyer);
    (i % 3 == 0 ? taobao : others).push_back(v);
    if (i % 3 == 0) taobao_by_county[county].push_back(v);
  }
  std::sort(others.begin(), others.end());
  for (const int limit : {1, 2, 3, 100}) {
    INFO("limit " << limit);
    const auto l = "&limit=" + std::to_string(limit);
    CHECK(walk(s, "/v1/villages?taobao_village=true" + l) == taobao);
    CHECK(walk(s, "/v1/villages?taobao_village=false" + l) == others);
    CHECK(walk(s, "/v1/villages?limit=" + std::to_string(limit)) == all);
    for (const auto c : {c1, c2})
      CHECK(walk(s, "/v1/villages?taobao_village=true&county_id=" + std::to_string(c) + l) == taobao_by_county[c]);
  }
  // Pages are full until the last one.
  auto r = s.get("/v1/villages?taobao_village=true&limit=2");
  REQUIRE(r.status == 200);
  CHECK(r.json().at("items").as_array().size() == 2);
  CHECK_FALSE(r.json().at("next_cursor").is_null());
  // A village that becomes one while a walk is under way is met once, if it lies ahead.
  r = s.get("/v1/villages?taobao_village=true&limit=1");
  const auto cursor = std::string(r.json().at("next_cursor").as_string());
  const auto late = new_village(s, c1);
  const auto st = open_stall(s, late, 5'000);
  act(s, place(s, buyer, st.shop, st.listing), "pay", buyer);
  std::vector<std::int64_t> rest{taobao.begin() + 1, taobao.end()};
  rest.push_back(late);
  CHECK(walk(s, "/v1/villages?taobao_village=true&limit=1", cursor) == rest);
  // Bad values.
  for (const std::string bad : {"taobao_village=yes", "taobao_village=1", "taobao_village="}) {
    r = s.get("/v1/villages?" + bad);
    CHECK(r.status == 422);
    CHECK(r.type() == "validation_failed");
  }
}

TEST_CASE("reports match a brute-force recomputation over a randomised workload", "[server][reports]") {
  test_server s;
  const auto admin_made = s.direct_user(role::admin);
  const auto admin_id = admin_made.first;
  const auto& admin0 = admin_made.second;
  std::map<std::int64_t, std::string> tokens;  // account -> a live token
  tokens[admin_id] = admin0;
  const std::int64_t min_shops = 2, min_gmv = 30'000;
  set_thresholds(s, admin0, min_shops, min_gmv);
  std::mt19937 rng(1123);
  auto pick = [&](const auto& v) { return v[rng() % v.size()]; };

  // Three counties (two poverty-stricken), two villages each; in every village a farmer's shop,
  // and a partner with a villager, running a shop for it.
  struct shop_info {
    std::int64_t shop, listing, seller;  // seller: the account that runs it
  };
  struct partner_info {
    std::int64_t id, villager;
  };
  const std::vector<std::int64_t> counties{new_county(s, true, "一县"), new_county(s, false, "二县"),
                                           new_county(s, true, "三县")};
  std::vector<std::int64_t> villages;
  std::vector<shop_info> shops;
  std::vector<partner_info> partners;
  for (const auto c : counties) {
    for (int k = 0; k < 2; ++k) {
      const auto v = new_village(s, c);
      villages.push_back(v);
      const auto st = open_stall(s, v, 500 + static_cast<std::int64_t>(rng() % 4'000));
      tokens[st.farmer_id] = st.farmer;
      shops.push_back({st.shop, st.listing, st.farmer_id});
      const auto [partner_id, partner] = s.direct_user(role::partner, v);
      tokens[partner_id] = partner;
      auto r = s.post("/v1/villagers", R"({"name":"张奶奶"})", partner);
      REQUIRE(r.status == 201);
      const auto villager = r.json().at("id").as_int64();
      partners.push_back({partner_id, villager});
      r = s.post("/v1/shops", R"({"name":"土鸡蛋","villager_id":)" + std::to_string(villager) + "}", partner);
      REQUIRE(r.status == 201);
      const auto run_shop = r.json().at("id").as_int64();
      shops.push_back(
          {run_shop, new_listing(s, partner, run_shop, 300 + static_cast<std::int64_t>(rng() % 3'000)), partner_id});
    }
  }
  std::vector<std::int64_t> buyers;
  for (int i = 0; i < 6; ++i) {
    const auto [id, token] = s.direct_user(role::buyer);
    buyers.push_back(id);
    tokens[id] = token;
  }
  const auto first_day = day_of(s.now());
  unix_seconds refreshed = s.now();
  struct placed {
    std::int64_t id, placer, seller;
  };
  std::vector<placed> orders;
  int server_errors = 0;
  auto admin = [&] { return tokens[admin_id]; };

  // Every figure, recomputed from all orders with plain SQL and C++, against the API.
  auto compare = [&](const std::string& query, day_range period) {
    INFO("query '" << query << "', period " << date_of(period.from) << " .. " << date_of(period.to));
    const auto today = day_of(s.now());
    const auto num = [](const std::optional<std::string>& v) { return std::stoll(v.value()); };
    const auto opt = [](const std::optional<std::string>& v) {
      return v ? std::optional<std::int64_t>(std::stoll(*v)) : std::nullopt;
    };
    struct row {
      std::int64_t shop, village, county;
      bool poverty, counts;
      std::int64_t buyer, subtotal;
      day_number day;
    };
    std::map<std::int64_t, row> all;
    for (const auto& q : s.rows("SELECT id, shop_id, village_id, county_id, poverty_relief, "
                                "CASE WHEN status IN ('paid', 'shipped', 'delivered') THEN 1 ELSE 0 END, "
                                "buyer_account_id, villager_id, subtotal_fen, created_at FROM orders",
                                10))
      all[num(q[0])] = {num(q[1]),      num(q[2]),        num(q[3]),
                        num(q[4]) != 0, num(q[5]) != 0,   buyer_key(opt(q[6]), opt(q[7])),
                        num(q[8]),      day_of(num(q[9]))};
    std::map<std::int64_t, partner_earnings_t> earnings;
    {
      std::map<std::int64_t, std::set<std::int64_t>> orders_of;
      for (const auto& q :
           s.rows("SELECT order_id, partner_id, kind, amount_fen FROM order_partner_fees ORDER BY order_id", 4)) {
        const auto& o = all.at(num(q[0]));
        if (!o.counts || !period.contains(o.day)) continue;
        auto& e = earnings[num(q[1])];
        (q[2].value() == "assisted_buying" ? e.buying : e.selling) += num(q[3]);
        orders_of[num(q[1])].insert(num(q[0]));
      }
      for (const auto& [p, ids] : orders_of) earnings[p].orders = static_cast<std::int64_t>(ids.size());
    }
    struct figures {
      std::int64_t gmv = 0, orders = 0;
      std::set<std::int64_t> buyers, shops;
      std::map<std::int64_t, std::int64_t> county_gmv;
    };
    std::map<std::int64_t, figures> by_county;
    figures poverty;
    std::map<std::int64_t, std::int64_t> village_gmv;
    for (const auto& [id, o] : all) {
      if (!o.counts) continue;
      if (in_gmv_window(o.day, today)) village_gmv[o.village] += o.subtotal;
      if (!period.contains(o.day)) continue;
      auto& f = by_county[o.county];
      f.gmv += o.subtotal;
      ++f.orders;
      f.buyers.insert(o.buyer);
      if (o.poverty) {
        poverty.gmv += o.subtotal;
        ++poverty.orders;
        poverty.buyers.insert(o.buyer);
        poverty.shops.insert(o.shop);
        poverty.county_gmv[o.county] += o.subtotal;
      }
    }
    // Villages: active shops recomputed from shops and listings; GMV; Taobao status.
    std::map<std::int64_t, std::int64_t> shops_in_county, taobao_in_county;
    for (const auto v : villages) {
      const auto q = s.rows(
          "SELECT v.county_id, (SELECT count(*) FROM shops s WHERE s.village_id = v.id AND s.status = 'active' AND "
          "EXISTS (SELECT 1 FROM listings l WHERE l.shop_id = s.id AND l.status = 'active')) FROM villages v "
          "WHERE v.id = " +
              std::to_string(v),
          2);
      REQUIRE(q.size() == 1);
      const auto county = num(q[0][0]), active = num(q[0][1]);
      const auto doc = village_of(s, v);
      INFO("village " << v);
      CHECK(doc.at("active_shops").as_int64() == active);
      CHECK(doc.at("gmv_365d_fen").as_int64() == village_gmv[v]);
      const bool taobao = active >= min_shops && village_gmv[v] >= min_gmv;
      CHECK(doc.at("taobao_village").as_bool() == taobao);
      shops_in_county[county] += active;
      taobao_in_county[county] += taobao;
    }
    auto r = s.get("/v1/reports/counties" + query, admin());
    REQUIRE(r.status == 200);
    const auto items = r.json().at("items").as_array();
    REQUIRE(items.size() == counties.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
      const auto& it = items[i].as_object();
      const auto id = counties[i];
      INFO("county " << id);
      CHECK(it.at("county_id").as_int64() == id);
      const auto c = s.get("/v1/counties/" + std::to_string(id)).json();
      CHECK(it.at("name") == c.at("name"));
      CHECK(it.at("poverty_stricken") == c.at("poverty_stricken"));
      const auto& f = by_county[id];
      CHECK(it.at("gmv_fen").as_int64() == f.gmv);
      CHECK(it.at("orders").as_int64() == f.orders);
      CHECK(it.at("distinct_buyers").as_int64() == static_cast<std::int64_t>(f.buyers.size()));
      CHECK(it.at("active_shops").as_int64() == shops_in_county[id]);
      CHECK(it.at("taobao_villages").as_int64() == taobao_in_county[id]);
    }
    r = s.get("/v1/reports/poverty-relief" + query, admin());
    REQUIRE(r.status == 200);
    const auto p = r.json().as_object();
    CHECK(p.at("gmv_fen").as_int64() == poverty.gmv);
    CHECK(p.at("orders").as_int64() == poverty.orders);
    CHECK(p.at("distinct_buyers").as_int64() == static_cast<std::int64_t>(poverty.buyers.size()));
    CHECK(p.at("shops").as_int64() == static_cast<std::int64_t>(poverty.shops.size()));
    boost::json::array want_counties;
    for (const auto& [id, gmv] : poverty.county_gmv) want_counties.push_back({{"county_id", id}, {"gmv_fen", gmv}});
    CHECK(p.at("counties").as_array() == want_counties);
    for (const auto& pi : partners) {
      INFO("partner " << pi.id);
      const auto& want = earnings[pi.id];
      for (const auto& token : {tokens[pi.id], admin()}) {
        r = s.get("/v1/partners/" + std::to_string(pi.id) + "/earnings" + query, token);
        REQUIRE(r.status == 200);
        CHECK(r.json().at("assisted_buying_fen").as_int64() == want.buying);
        CHECK(r.json().at("assisted_selling_fen").as_int64() == want.selling);
        CHECK(r.json().at("orders").as_int64() == want.orders);
      }
    }
  };
  auto compare_some = [&] {
    const auto today = day_of(s.now());
    compare("", gmv_window(today));
    compare("?from=" + date_of(first_day - 3) + "&to=" + date_of(today + 2), {first_day - 3, today + 2});
    for (int i = 0; i < 3; ++i) {
      const auto a = first_day + static_cast<day_number>(rng() % static_cast<std::uint64_t>(today - first_day + 1));
      const auto b = a + 1 + static_cast<day_number>(rng() % 90);
      compare("?from=" + date_of(a) + "&to=" + date_of(b), {a, b});
    }
    const auto ledger = s.get("/v1/admin/ledger/check", admin());
    REQUIRE(ledger.status == 200);
    INFO(ledger.body);
    CHECK(ledger.json().at("balanced").as_bool());
  };

  for (int op = 0; op < 500; ++op) {
    if (rng() % 5 < 2) s.advance_clock(static_cast<std::int64_t>(rng() % (4 * day_s)));
    if (s.now() - refreshed > 20 * day_s) {
      for (auto& [id, token] : tokens) token = fresh_token(s, id);
      refreshed = s.now();
    }
    const int kind = static_cast<int>(rng() % 100);
    reply r;
    if (kind < 38 || orders.empty()) {
      const auto sh = pick(shops);
      const auto qty = 1 + static_cast<std::int64_t>(rng() % 5);
      if (rng() % 4 == 0) {
        const auto p = pick(partners);
        r = s.post("/v1/orders",
                   market::order_body_to(std::nullopt, sh.shop, sh.listing, qty,
                                         R"(,"villager_id":)" + std::to_string(p.villager)),
                   tokens[p.id]);
        if (r.status == 201) orders.push_back({r.json().at("id").as_int64(), p.id, sh.seller});
      } else {
        const auto b = pick(buyers);
        r = s.post("/v1/orders", market::order_body_to(std::nullopt, sh.shop, sh.listing, qty), tokens[b]);
        if (r.status == 201) orders.push_back({r.json().at("id").as_int64(), b, sh.seller});
      }
      // Most orders are paid at once, the others maybe later.
      if (r.status == 201 && rng() % 3) {
        const auto& o = orders.back();
        s.pay(o.id, tokens[o.placer]);
      }
    } else if (kind < 90) {
      const auto o = pick(orders);
      const auto path = "/v1/orders/" + std::to_string(o.id) + "/";
      if (kind < 64) {  // Alipay, confirmed when /pay is 202 (a partner's own orders: cash)
        r = s.post(path + "pay", R"({"method":"alipay"})", tokens[o.placer]);
        if (r.status == 202)
          r = s.notify(s.alipay_notification(r.json().at("payment").as_object(), "2026R" + std::to_string(op)));
      } else if (kind < 66) r = s.post(path + "pay", R"({"method":"cash_at_station"})", tokens[o.placer]);
      else if (kind < 72) r = s.post(path + "ship", "{}", tokens[o.seller]);
      else if (kind < 80) r = s.post(path + "deliver", "", tokens[o.placer]);
      else r = s.post(path + "cancel", "{}", tokens[rng() % 2 ? o.placer : o.seller]);
    } else if (kind < 95) {
      // Counties are (un)designated; orders keep the snapshot taken when they were placed.
      r = patch(s, "/v1/counties/" + std::to_string(pick(counties)),
                std::string(R"({"poverty_stricken":)") + (rng() % 2 ? "true" : "false") + "}", admin());
    } else {
      const auto sh = pick(shops);
      r = patch(s, "/v1/listings/" + std::to_string(sh.listing),
                std::string(R"({"status":")") + (rng() % 3 ? "active" : "archived") + "\"}", tokens[sh.seller]);
    }
    if (r.status >= 500) ++server_errors;
    if (op == 250) compare_some();
  }
  CHECK(server_errors == 0);
  CHECK(day_of(s.now()) - first_day > 365);
  // The workload did what it is meant to: sales in both kinds of county, on many days,
  // assisted buying, and payments reversed.
  auto count = [&](const std::string& where) { return s.number("SELECT count(*) FROM orders WHERE " + where); };
  const std::string sale = "status IN ('paid', 'shipped', 'delivered')";
  CHECK(count(sale + " AND poverty_relief = 1") > 10);
  CHECK(count(sale + " AND poverty_relief = 0") > 10);
  CHECK(count(sale + " AND villager_id IS NOT NULL") > 3);
  CHECK(count("status = 'cancelled' AND payment_method IS NOT NULL") > 3);
  CHECK(s.number("SELECT count(DISTINCT created_at / 86400) FROM orders WHERE " + sale) > 30);
  compare_some();
  s.advance_clock(200 * day_s);  // the window slides on with no new orders
  for (auto& [id, token] : tokens) token = fresh_token(s, id);
  compare_some();
}

TEST_CASE("anyone reads the county and poverty-relief reports", "[server][reports][authz]") {
  test_server s;
  market m(s, true);
  auto [buyer_id, buyer] = s.direct_user(role::buyer);
  act(s, place(s, buyer, m.shop, m.listing, 3), "pay", buyer);
  for (const std::string path : {"/v1/reports/counties", "/v1/reports/poverty-relief"}) {
    INFO(path);
    auto r = s.get(path);  // anonymous: they hold only totals
    CHECK(r.status == 200);
    const auto anonymous = r.body;
    for (const auto& tok : {buyer, m.farmer, m.partner, m.admin}) {
      r = s.get(path, tok);
      CHECK(r.status == 200);
      CHECK(r.body == anonymous);
      r = s.get(path + "?from=nonsense", tok);
      CHECK(r.status == 422);
    }
    r = s.get(path, m.admin);
    REQUIRE(r.status == 200);
    CHECK(r.header("content-type") == "application/json");
    struct bad {
      std::string query;
      std::vector<std::string> fields;
    };
    for (const auto& b :
         {bad{"?from=2026-02-30", {"from"}}, bad{"?to=2026-13-01", {"to"}},
          bad{"?from=2026-1-1&to=20261231", {"from", "to"}}, bad{"?from=2026-05-01&to=2026-05-01", {"to"}},
          bad{"?from=2026-05-02&to=2026-05-01", {"to"}}, bad{"?from=2027-01-01", {"from"}}}) {
      INFO(b.query);
      r = s.get(path + b.query, m.admin);
      CHECK(r.status == 422);
      CHECK(r.type() == "validation_failed");
      std::vector<std::string> fields;
      const auto problem = r.json();
      for (const auto& e : problem.at("errors").as_array()) fields.emplace_back(e.at("field").as_string());
      CHECK(fields == b.fields);
    }
  }
  // The shapes.
  auto r = s.get("/v1/reports/counties", m.admin);
  const auto doc = r.json().as_object();
  CHECK(keys_of(doc) == std::set<std::string>{"items"});
  const auto& item = doc.at("items").at(0).as_object();
  CHECK(keys_of(item) == std::set<std::string>{"active_shops", "county_id", "distinct_buyers", "gmv_fen", "name",
                                               "orders", "poverty_stricken", "taobao_villages"});
  CHECK(item.at("name").as_string() == "城口县");
  CHECK(item.at("poverty_stricken").as_bool());
  CHECK(item.at("gmv_fen").as_int64() == 3'000);
  CHECK(item.at("orders").as_int64() == 1);
  CHECK(item.at("distinct_buyers").as_int64() == 1);
  CHECK(item.at("active_shops").as_int64() == 2);
  CHECK(item.at("taobao_villages").as_int64() == 0);
  r = s.get("/v1/reports/poverty-relief?from=2026-11-23&to=2026-11-24", m.admin);
  REQUIRE(r.status == 200);
  const auto p = r.json().as_object();
  CHECK(keys_of(p) == std::set<std::string>{"counties", "distinct_buyers", "gmv_fen", "orders", "shops"});
  CHECK(p.at("gmv_fen").as_int64() == 3'000);
  CHECK(p.at("orders").as_int64() == 1);
  CHECK(p.at("distinct_buyers").as_int64() == 1);
  CHECK(p.at("shops").as_int64() == 1);
  CHECK(p.at("counties").as_array().size() == 1);
  // The day before and the day after hold nothing.
  for (const std::string q : {"?from=2026-11-22&to=2026-11-23", "?from=2026-11-24&to=2026-11-25"}) {
    r = s.get("/v1/reports/poverty-relief" + q, m.admin);
    CHECK(r.json().at("orders").as_int64() == 0);
    CHECK(r.json().at("counties").as_array().empty());
    CHECK(s.get("/v1/reports/counties" + q, m.admin).json().at("items").at(0).at("gmv_fen").as_int64() == 0);
  }
}

TEST_CASE("a partner reads only its own earnings", "[server][reports][authz]") {
  test_server s;
  market m(s);  // default fees: assisted buying 3 %, assisted selling 2 %
  auto [other_id, other] = s.direct_user(role::partner, m.village);
  auto [buyer_id, buyer] = s.direct_user(role::buyer);
  const auto mine = "/v1/partners/" + std::to_string(m.partner_id) + "/earnings";
  const auto theirs = "/v1/partners/" + std::to_string(other_id) + "/earnings";
  auto earnings = [&](const std::string& path, const std::string& token) {
    auto r = s.get(path, token);
    INFO(path << " " << r.body);
    REQUIRE(r.status == 200);
    const auto o = r.json().as_object();
    CHECK(keys_of(o) == std::set<std::string>{"assisted_buying_fen", "assisted_selling_fen", "orders"});
    return std::array<std::int64_t, 3>{o.at("assisted_buying_fen").as_int64(), o.at("assisted_selling_fen").as_int64(),
                                       o.at("orders").as_int64()};
  };
  using triple = std::array<std::int64_t, 3>;
  CHECK(earnings(mine, m.partner) == triple{0, 0, 0});

  SECTION("who may read") {
    auto r = s.get(mine);
    CHECK(r.status == 401);
    CHECK(r.type() == "unauthenticated");
    for (const auto& tok : {other, buyer, m.farmer}) {
      r = s.get(mine, tok);
      CHECK(r.status == 404);
      CHECK(r.type() == "not_found");
      r = s.get(mine + "?from=nonsense", tok);  // 404 comes before 422
      CHECK(r.status == 404);
      CHECK(r.type() == "not_found");
    }
    CHECK(earnings(mine, m.admin) == triple{0, 0, 0});
    CHECK(earnings(theirs, other) == triple{0, 0, 0});
    for (const std::string& bad :
         std::vector<std::string>{std::to_string(buyer_id), std::to_string(m.farmer_id), "999999", "0", "abc"}) {
      r = s.get("/v1/partners/" + bad + "/earnings", m.admin);  // not a partner
      CHECK(r.status == 404);
      CHECK(r.type() == "not_found");
    }
    r = s.get(mine + "?from=2026-02-30", m.partner);
    CHECK(r.status == 422);
    CHECK(r.type() == "validation_failed");
    r = s.get(theirs + "?to=2026-01-01&from=2026-01-01", m.admin);
    CHECK(r.status == 422);
    CHECK(r.type() == "validation_failed");
  }
  SECTION("fees of orders paid, shipped or delivered, by the day the order was placed") {
    const auto villager = R"(,"villager_id":)" + std::to_string(m.villager);
    // Assisted buying at a farmer's shop (3 % of 10,000 and of 2,000), assisted selling to a
    // buyer (2 % of 5,000). Buying for its villager at the shop it runs is trading with oneself.
    const auto bought = place(s, m.partner, m.shop, m.listing, 10, villager);
    const auto sold = place(s, buyer, m.partner_shop, m.partner_listing, 5);
    const auto bought2 = place(s, m.partner, m.shop, m.listing, 2, villager);
    auto self = s.post("/v1/orders",
                       market::order_body_to(std::nullopt, m.partner_shop, m.partner_listing, 2, villager), m.partner);
    CHECK(self.error_fields() == std::vector<std::string>{"shop_id"});
    CHECK(earnings(mine, m.partner) == triple{0, 0, 0});  // placed: nothing yet
    for (const auto o : {bought, bought2}) act(s, o, "pay", m.partner);
    act(s, sold, "pay", buyer);
    CHECK(earnings(mine, m.partner) == triple{360, 100, 3});
    CHECK(earnings(mine, m.admin) == triple{360, 100, 3});
    CHECK(earnings(theirs, other) == triple{0, 0, 0});
    act(s, sold, "ship", m.partner);
    act(s, sold, "deliver", buyer);
    CHECK(earnings(mine, m.partner) == triple{360, 100, 3});
    act(s, bought2, "cancel", m.partner);
    CHECK(earnings(mine, m.partner) == triple{300, 100, 2});
    CHECK(earnings(mine + "?from=2026-11-23&to=2026-11-24", m.partner) == triple{300, 100, 2});
    CHECK(earnings(mine + "?from=2026-11-24&to=2026-12-24", m.partner) == triple{0, 0, 0});
    CHECK(earnings(mine + "?to=2026-11-23", m.partner) == triple{0, 0, 0});
    // A day later the orders stay on the day they were placed.
    s.advance_clock(day_s);
    const auto sold2 = place(s, buyer, m.partner_shop, m.partner_listing, 1);
    act(s, sold2, "pay", buyer);
    CHECK(earnings(mine, m.partner) == triple{300, 120, 3});
    CHECK(earnings(mine + "?from=2026-11-24", m.partner) == triple{0, 20, 1});
    CHECK(earnings(mine + "?to=2026-11-24", m.partner) == triple{300, 100, 2});
    const auto ledger = m.ledger();
    INFO(boost::json::serialize(ledger));
    CHECK(ledger.at("balanced").as_bool());
  }
}
