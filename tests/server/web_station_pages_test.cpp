// The partners' station console pages over HTTP: who may use them, CSRF, ordering for a
// villager once per form key, taking cash, the parcels' arrival and hand-over (wrong codes, the
// lock), the day's cash, and the size of every page.
#include <catch2/catch.hpp>

#include "catalog_helpers.hpp"
#include "order_fixture.hpp"
#include "server/router.hpp"
#include "web_browser.hpp"

using namespace cunji;
using namespace cunji::test;

namespace {

constexpr std::size_t page_limit = 14'600;

void insecure(server::server_config& c) { c.insecure_cookies = true; }

std::string pct(const std::string& s) { return server::web::url_encode(s); }

// Signs `b` in through the sign-in page.
void sign_in(browser& b, const std::string& phone, const std::string& password) {
  const auto page = b.get("/signin");
  REQUIRE(b.submit(page.body, "/signin", "phone=" + pct(phone) + "&password=" + password).status == 303);
}

// The market of order_fixture.hpp, and a partner of its village (made by the admin, with a
// password) signed in to the pages.
struct station {
  explicit station(test_server& server) : s(server), m(server), b(server) {
    const auto r = s.post("/v1/partners",
                          R"({"name":"刘站长","phone":")" + phone + R"(","password":"password1","village_id":)" +
                              std::to_string(m.village) + "}",
                          m.admin);
    REQUIRE(r.status == 201);
    id = r.json().at("id").as_int64();
    sign_in(b, phone, "password1");
    token = s.login(phone, "password1");
  }

  // Registers a villager through the page; returns the path of its order page.
  std::string register_villager(const std::string& name_pct = "%E5%BC%A0%E5%A4%A7%E7%88%B7") {
    const auto page = b.get("/station/villagers/new");
    REQUIRE(page.status == 200);
    const auto r = b.submit(page.body, "/station/villagers", "name=" + name_pct + "&phone=13900001111");
    REQUIRE(r.status == 303);
    return r.header("location");
  }

  void add_to_cart(std::int64_t listing, int quantity = 1) {
    const auto page = b.get("/listings/" + std::to_string(listing));
    REQUIRE(b.submit(page.body, "/cart/add",
                     "listing_id=" + std::to_string(listing) + "&quantity=" + std::to_string(quantity))
                .status == 303);
  }

  // Orders the cart for the villager of `order_path`; returns the purchase's page.
  std::string order(const std::string& order_path) {
    const auto villager = order_path.substr(0, order_path.rfind('/'));
    const auto page = b.get(order_path);
    REQUIRE(page.status == 200);
    const auto r = b.submit(page.body, villager + "/checkout", "");
    REQUIRE(r.status == 303);
    return r.header("location");
  }

  void take_cash(const std::string& purchase_path) {
    const auto page = b.get(purchase_path);
    REQUIRE(b.submit(page.body, purchase_path + "/cash", "").status == 303);
  }

  // The orders of a purchase page's purchase, through the API.
  std::vector<std::int64_t> orders_of(const std::string& purchase_path) {
    const auto r = s.get("/v1/purchases/" + purchase_path.substr(purchase_path.rfind('/') + 1), token);
    REQUIRE(r.status == 200);
    std::vector<std::int64_t> out;
    const auto doc = r.json();
    for (const auto& o : doc.at("orders").as_array()) out.push_back(o.at("id").as_int64());
    return out;
  }

  // One order for a new villager, paid in cash, shipped by the farmer: a parcel on its way.
  std::int64_t shipped_parcel() {
    add_to_cart(m.listing);
    const auto purchase = order(register_villager());
    take_cash(purchase);
    const auto order_id = orders_of(purchase).front();
    REQUIRE(s.post("/v1/orders/" + std::to_string(order_id) + "/ship", "{}", m.farmer).status == 200);
    return order_id;
  }

  // Marks the parcel arrived through the list page's form.
  void arrive(std::int64_t order_id) {
    const auto list = b.get("/station/parcels");
    REQUIRE(list.status == 200);
    REQUIRE(b.submit(list.body, "/station/parcels/" + std::to_string(order_id) + "/arrive", "").status == 303);
  }

  // The parcel's code, as the admin reads it (the partner's pages never show it).
  std::string code_of(std::int64_t order_id) {
    const auto r = s.get("/v1/orders/" + std::to_string(order_id), m.admin);
    REQUIRE(r.status == 200);
    return std::string(r.json().at("pickup_code").as_string());
  }

  test_server& s;
  market m;
  browser b;
  std::string phone = "+8613600000001";
  std::string token;
  std::int64_t id = 0;
};

std::string wrong_code(const std::string& code) { return code == "000000" ? "111111" : "000000"; }

}  // namespace

TEST_CASE("station pages: anonymous visitors sign in, other roles are refused", "[server][web][station]") {
  test_server s(insecure);
  station st(s);
  const auto order_path = st.register_villager();
  browser anon(s);
  const auto r = anon.get("/station/parcels");
  CHECK(r.status == 303);
  CHECK(r.header("location") == "/signin?next=%2Fstation%2Fparcels");
  browser buyer(s);
  const auto reg = buyer.get("/register");
  REQUIRE(buyer.submit(reg.body, "/register", "name=%E7%8E%8B&phone=%2B8613800000009&password=password1").status ==
          303);
  for (const auto& target : std::vector<std::string>{"/station", "/station/villagers/new", std::string(order_path),
                                                     "/station/parcels", "/station/parcels/print", "/station/cash",
                                                     "/station/purchases/1", "/station/parcels/1"}) {
    INFO(target);
    CHECK(buyer.get(target).status == 403);
    CHECK(st.b.get(target).status != 403);
  }
  // The buyer's own CSRF token passes the check, yet the pages refuse it.
  const auto token = browser::field(buyer.get("/").body, "_csrf");
  CHECK(buyer.post("/station/villagers", "_csrf=" + pct(token) + "&name=x").status == 403);
  CHECK(buyer.post("/station/parcels/1/hand-over", "_csrf=" + pct(token) + "&pickup_code=123456").status == 403);
  CHECK(buyer.get("/").body.find("href=\"/station\"") == std::string::npos);
  CHECK(st.b.get("/").body.find("href=\"/station\"") != std::string::npos);  // the partner's nav
}

TEST_CASE("station forms need the CSRF token", "[server][web][station][csrf]") {
  test_server s(insecure);
  station st(s);
  const auto page = st.b.get("/station/villagers/new");
  auto token = browser::field(page.body, "_csrf");
  CHECK(st.b.post("/station/villagers", "name=%E6%9D%8E").status == 403);
  token[50] = token[50] == 'A' ? 'B' : 'A';
  CHECK(st.b.post("/station/villagers", "_csrf=" + pct(token) + "&name=%E6%9D%8E").status == 403);
  CHECK(st.b.get("/station?q=%E6%9D%8E").body.find("/order\"") == std::string::npos);  // none registered
  st.add_to_cart(st.m.listing);
  const auto order_path = st.register_villager();
  const auto villager = order_path.substr(0, order_path.rfind('/'));
  CHECK(st.b.post(villager + "/checkout", "key=k1").status == 403);
  const auto purchase = st.order(order_path);
  CHECK(st.b.post(purchase + "/cash", "key=k2").status == 403);
  CHECK(st.b.get(purchase).body.find("/cash\"") != std::string::npos);  // still to be paid
  CHECK(st.b.post("/station/parcels/1/hand-over", "pickup_code=123456").status == 403);
}

TEST_CASE("ordering for a villager: one purchase per form key, paid once in cash", "[server][web][station]") {
  test_server s(insecure);
  station st(s);
  const auto order_path = st.register_villager();
  CHECK(st.b.get("/station?q=139000").body.find(order_path) != std::string::npos);     // found by phone
  CHECK(st.b.get("/station?q=%E5%BC%A0").body.find(order_path) != std::string::npos);  // by name
  st.add_to_cart(st.m.listing, 2);
  const auto villager = order_path.substr(0, order_path.rfind('/'));
  const auto page = st.b.get(order_path);
  REQUIRE(page.status == 200);
  CHECK(page.body.find("张大爷") != std::string::npos);
  const auto cookies = st.b.cookies;
  const auto first = st.b.submit(page.body, villager + "/checkout", "");
  REQUIRE(first.status == 303);
  CHECK(first.header("location").starts_with("/station/purchases/"));
  CHECK_FALSE(st.b.cookies.contains("cart"));
  st.b.cookies = cookies;  // the double tap
  const auto second = st.b.submit(page.body, villager + "/checkout", "");
  CHECK(second.status == 303);
  CHECK(second.header("location") == first.header("location"));
  auto r = s.get("/v1/orders", st.token);
  REQUIRE(r.json().at("items").as_array().size() == 1);
  CHECK(r.json().at("items").as_array()[0].at("villager_id").is_int64());
  CHECK(st.m.stock_of(st.m.listing) == 98);
  const auto purchase = first.header("location");
  const auto before = st.b.get(purchase);
  CHECK(before.body.find("¥20.00") != std::string::npos);
  const auto code = st.code_of(st.orders_of(purchase).front());
  CHECK(before.body.find(code) == std::string::npos);
  const auto paid = st.b.submit(before.body, purchase + "/cash", "");
  REQUIRE(paid.status == 303);
  CHECK(st.b.submit(before.body, purchase + "/cash", "").header("location") == paid.header("location"));
  const auto after = st.b.get(paid.header("location"));
  CHECK(after.body.find("已付款") != std::string::npos);
  CHECK(after.body.find("/cash\"") == std::string::npos);
  r = s.get("/v1/stations/" + std::to_string(st.id) + "/cash", st.token);
  CHECK(r.json().at("collected_fen").as_int64() == 2000);
  const auto cash = st.b.get("/station/cash");
  CHECK(cash.body.find("¥20.00") != std::string::npos);
}

TEST_CASE("a villager form with bad fields is 422 with field messages", "[server][web][station]") {
  test_server s(insecure);
  station st(s);
  const auto page = st.b.get("/station/villagers/new");
  auto r = st.b.submit(page.body, "/station/villagers", "name=+&phone=12");
  CHECK(r.status == 422);
  CHECK(r.body.find("value=\"12\"") != std::string::npos);
  CHECK(r.body.find("class=\"err\">格式不对") != std::string::npos);
  r = st.b.get("/station?q=" + catalog::pct(catalog::repeat("长", 41)));
  CHECK(r.status == 422);
}

TEST_CASE("parcels: arrive, a wrong code is refused, the right one hands over", "[server][web][station]") {
  test_server s(insecure);
  station st(s);
  const auto id = st.shipped_parcel();
  const auto path = "/station/parcels/" + std::to_string(id);
  auto list = st.b.get("/station/parcels");
  CHECK(list.body.find("张大爷") != std::string::npos);
  CHECK(list.body.find(path + "/arrive") != std::string::npos);
  CHECK(st.b.get(path).status == 303);  // not at the station yet
  st.arrive(id);
  const auto code = st.code_of(id);
  const auto page = st.b.get(path);
  REQUIRE(page.status == 200);
  CHECK(page.body.find(code) == std::string::npos);
  auto r = st.b.submit(page.body, path + "/hand-over", "pickup_code=" + wrong_code(code));
  CHECK(r.status == 422);
  CHECK(r.body.find("取件码不对") != std::string::npos);
  CHECK(r.body.find(wrong_code(code)) == std::string::npos);
  r = st.b.submit(page.body, path + "/hand-over", "pickup_code=12ab");
  CHECK(r.status == 422);
  CHECK(r.body.find("请输入 6 位数字") != std::string::npos);
  r = st.b.submit(page.body, path + "/hand-over", "pickup_code=" + code);
  REQUIRE(r.status == 303);
  CHECK(st.b.get(r.header("location")).body.find("包裹已交付") != std::string::npos);
  CHECK(s.get("/v1/orders/" + std::to_string(id), st.m.admin).json().at("status").as_string() == "delivered");
}

TEST_CASE("five wrong codes lock the parcel, with the wait", "[server][web][station]") {
  test_server s(insecure);
  station st(s);
  const auto id = st.shipped_parcel();
  st.arrive(id);
  const auto path = "/station/parcels/" + std::to_string(id);
  const auto code = st.code_of(id);
  const auto page = st.b.get(path);
  for (int i = 0; i < 5; ++i)
    REQUIRE(st.b.submit(page.body, path + "/hand-over", "pickup_code=" + wrong_code(code)).status == 422);
  auto r = st.b.submit(page.body, path + "/hand-over", "pickup_code=" + code);
  CHECK(r.status == 429);
  CHECK(r.header("retry-after") == "900");  // as the API's 429 says it
  CHECK(r.body.find("取件码错误太多次。请等 15 分钟后再试。") != std::string::npos);
  CHECK(s.get("/v1/orders/" + std::to_string(id), st.m.admin).json().at("status").as_string() == "at_station");
  s.advance_clock(16 * 60);
  CHECK(st.b.submit(page.body, path + "/hand-over", "pickup_code=" + code).status == 303);
}

TEST_CASE("the printable parcels list and every station page stay within 14,600 bytes", "[server][web][station]") {
  test_server s(insecure);
  station st(s);
  const std::string long_name = catalog::pct(catalog::repeat("奉", 50));
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 45; ++i) {
    st.add_to_cart(st.m.listing);
    const auto purchase = st.order(st.register_villager(long_name));
    st.take_cash(purchase);
    ids.push_back(st.orders_of(purchase).front());
    REQUIRE(s.post("/v1/orders/" + std::to_string(ids.back()) + "/ship", "{}", st.m.farmer).status == 200);
  }
  st.arrive(ids.front());
  const auto print = st.b.get("/station/parcels/print");
  REQUIRE(print.status == 200);
  CHECK(print.body.find("@media print") != std::string::npos);
  CHECK(print.body.find("<form") == print.body.rfind("<form"));  // the nav's sign-out only
  CHECK(print.body.find("rel=\"next\"") != std::string::npos);
  for (int i = 0; i < 20; ++i) st.add_to_cart(st.m.new_listing(st.m.farmer, st.m.shop, 100, 123456));
  const auto order_path = st.register_villager(long_name);
  for (const std::string& target : std::vector<std::string>{
           "/station", "/station?q=%E5%A5%89", "/station/villagers/new", order_path, "/station/parcels",
           "/station/parcels/print", "/station/parcels/" + std::to_string(ids.front()), "/station/cash"}) {
    INFO(target);
    const auto r = st.b.get(target);
    CHECK(r.status == 200);
    CHECK(r.body.size() <= page_limit);
  }
}
