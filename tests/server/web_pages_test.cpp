// The web pages over HTTP: headers, cookies, CSRF, sessions, escaping, the cart and checkout,
// 422 re-renders, paying, and the size of every page.
#include <sodium.h>

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include "catalog_helpers.hpp"
#include "order_fixture.hpp"
#include "server/crypto.hpp"
#include "server/router.hpp"
#include "web_browser.hpp"

using namespace cunji;
using namespace cunji::test;

namespace {

constexpr std::size_t page_limit = 14'600;

auto insecure(std::chrono::seconds idle = std::chrono::seconds(7200),
              std::chrono::seconds absolute = std::chrono::seconds(7 * 86400)) {
  return [idle, absolute](server::server_config& c) {
    c.insecure_cookies = true;
    c.page_idle = idle;
    c.page_absolute = absolute;
  };
}

int next_phone = 0;
struct buyer_account {
  std::string phone, password = "password1";
};

// Registers a buyer through the register page; the browser is then signed in.
buyer_account register_buyer(browser& b) {
  buyer_account a{"+86138" + std::to_string(10000000 + next_phone++)};
  const auto page = b.get("/register");
  REQUIRE(page.status == 200);
  const auto r = b.submit(
      page.body, "/register",
      "name=%E7%8E%8B%E5%B0%8F%E4%BA%8C&phone=" + server::web::url_encode(a.phone) + "&password=" + a.password);
  REQUIRE(r.status == 303);
  REQUIRE(b.cookies.contains("sid"));
  return a;
}

std::string api_login(test_server& s, const buyer_account& a) { return s.login(a.phone, a.password); }

std::size_t count_orders(test_server& s, const std::string& token) {
  const auto r = s.get("/v1/orders", token);
  REQUIRE(r.status == 200);
  return r.json().at("items").as_array().size();
}

std::string base64(const std::array<unsigned char, 32>& d) {
  char out[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
  sodium_bin2base64(out, sizeof out, d.data(), d.size(), sodium_base64_VARIANT_ORIGINAL);
  return out;
}

}  // namespace

TEST_CASE("pages are HTML in Chinese first, with the security headers", "[server][web]") {
  test_server s(insecure());
  browser b(s);
  const auto r = b.get("/");
  REQUIRE(r.status == 200);
  CHECK(r.header("content-type") == "text/html; charset=utf-8");
  CHECK(r.header("x-content-type-options") == "nosniff");
  CHECK(r.header("referrer-policy") == "same-origin");
  CHECK(r.header("cache-control") == "no-store");
  CHECK(r.body.find("<html lang=\"zh-CN\">") != std::string::npos);
  CHECK(r.body.find("<script") == std::string::npos);
  // The CSP names the hash of the one inline <style>.
  const auto open = r.body.find("<style>"), close = r.body.find("</style>");
  REQUIRE(open != std::string::npos);
  CHECK(r.body.find("<style", open + 1) == std::string::npos);
  const auto hash = base64(server::sha256(r.body.substr(open + 7, close - open - 7)));
  CHECK(r.header("content-security-policy") ==
        "default-src 'none'; style-src 'sha256-" + hash +
            "'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  // English by ?lang=en, then by its cookie.
  const auto en = b.get("/?lang=en");
  CHECK(en.body.find("<html lang=\"en\">") != std::string::npos);
  CHECK(b.cookies["lang"] == "en");
  CHECK(b.get("/search").body.find("<html lang=\"en\">") != std::string::npos);
  // Pages outside the API contract; the API and the other paths keep answering as before.
  CHECK(s.get("/healthz").status == 200);
  CHECK(s.get("/openapi.json").status == 200);
  CHECK(s.get("/v1/nope").header("content-type") == "application/problem+json");
  const auto missing = b.get("/listings/999");
  CHECK(missing.status == 404);
  CHECK(missing.header("content-type") == "text/html; charset=utf-8");
  CHECK(b.get("/signout").status == 405);
}

TEST_CASE("page cookies: __Host- and Secure by default, plain with --insecure-cookies", "[server][web]") {
  SECTION("default") {
    test_server s;
    browser b(s);
    const auto r = b.get("/signin");
    REQUIRE(r.set_cookies.size() == 1);
    const auto& c = r.set_cookies[0];
    CHECK(c.starts_with("__Host-anon="));
    CHECK(c.find("; Path=/") != std::string::npos);
    CHECK(c.find("; HttpOnly") != std::string::npos);
    CHECK(c.find("; SameSite=Lax") != std::string::npos);
    CHECK(c.find("; Secure") != std::string::npos);
    CHECK(c.find("Domain") == std::string::npos);
    CHECK(b.get("/signin").set_cookies.empty());  // the anonymous id is kept
  }
  SECTION("insecure") {
    test_server s(insecure());
    browser b(s);
    const auto r = b.get("/signin");
    REQUIRE(r.set_cookies.size() == 1);
    CHECK(r.set_cookies[0].starts_with("anon="));
    CHECK(r.set_cookies[0].find("Secure") == std::string::npos);
    register_buyer(b);
    CHECK(b.cookies["sid"].size() == 43);
  }
}

TEST_CASE("page POSTs need the form's CSRF token and a same-site origin", "[server][web][csrf]") {
  test_server s(insecure());
  browser b(s);
  const auto page1 = b.get("/signin");
  const auto page2 = b.get("/signin");
  const auto t1 = browser::field(page1.body, "_csrf"), t2 = browser::field(page2.body, "_csrf");
  CHECK(t1 != t2);  // masked afresh per response
  const std::string creds = "&phone=%2B8613800000000&password=wrongpass";
  // Both maskings pass the check (the wrong password is then a 422, not a 403).
  CHECK(b.post("/signin", "_csrf=" + t1 + creds).status == 422);
  CHECK(b.post("/signin", "_csrf=" + t2 + creds).status == 422);
  CHECK(b.post("/signin", creds.substr(1)).status == 403);
  auto wrong = t1;
  wrong[60] = wrong[60] == 'A' ? 'B' : 'A';  // one bit of the masked token changed
  CHECK(b.post("/signin", "_csrf=" + wrong + creds).status == 403);
  browser other(s);
  other.get("/signin");
  CHECK(other.post("/signin", "_csrf=" + t1 + creds).status == 403);  // another visitor's token
  SECTION("cross-site by Sec-Fetch-Site") {
    b.extra = {{"Sec-Fetch-Site", "cross-site"}};
    const auto r = b.post("/signin", "_csrf=" + t1 + creds);
    CHECK(r.status == 403);
    CHECK(r.header("content-type") == "text/html; charset=utf-8");
    b.extra = {{"Sec-Fetch-Site", "same-site"}};
    CHECK(b.post("/signin", "_csrf=" + t1 + creds).status == 403);
    b.extra = {{"Sec-Fetch-Site", "same-origin"}};
    CHECK(b.post("/signin", "_csrf=" + t1 + creds).status == 422);
  }
  SECTION("cross-site by Origin or Referer when Sec-Fetch-Site is absent") {
    b.extra = {{"Origin", "https://evil.example"}};
    CHECK(b.post("/signin", "_csrf=" + t1 + creds).status == 403);
    b.extra = {{"Origin", "http://127.0.0.1"}};
    CHECK(b.post("/signin", "_csrf=" + t1 + creds).status == 422);
    b.extra = {{"Referer", "https://evil.example/x"}};
    CHECK(b.post("/signin", "_csrf=" + t1 + creds).status == 403);
    b.extra = {{"Referer", "http://127.0.0.1/signin"}};
    CHECK(b.post("/signin", "_csrf=" + t1 + creds).status == 422);
  }
}

TEST_CASE("ten wrong passwords lock the sign-in page, with Retry-After", "[server][web]") {
  test_server s(insecure());
  browser b(s);
  const auto page = b.get("/signin");
  const std::string creds = "phone=%2B8613800000000&password=wrongpass";
  for (int i = 0; i < 10; ++i) REQUIRE(b.submit(page.body, "/signin", creds).status == 422);
  const auto r = b.submit(page.body, "/signin", creds);
  CHECK(r.status == 429);
  CHECK(r.header("retry-after") == "900");
  CHECK(r.body.find("失败次数太多，请稍后再试。") != std::string::npos);
}

TEST_CASE("page sessions: renewed at sign-in, idle and absolute expiry, sign-out", "[server][web]") {
  test_server s(insecure(std::chrono::seconds(600), std::chrono::seconds(3600)));
  browser b(s);
  const auto acct = register_buyer(b);
  CHECK(b.get("/orders").status == 200);
  const auto first = b.cookies["sid"];
  // Signing in again issues a new session and ends the old one.
  const auto page = b.get("/signin?next=/orders");
  CHECK(page.status == 303);  // already signed in
  browser again = b;
  const auto form = again.get("/register");  // its header holds a form with the session's token
  auto r = again.post("/signin", "_csrf=" + server::web::url_encode(browser::field(form.body, "_csrf")) +
                                     "&phone=" + server::web::url_encode(acct.phone) + "&password=password1");
  REQUIRE(r.status == 303);
  const auto second = again.cookies["sid"];
  CHECK(second != first);
  CHECK(b.get("/orders").status == 303);  // the old session is gone
  CHECK(again.get("/orders").status == 200);
  SECTION("idle expiry") {
    s.advance_clock(601);
    r = again.get("/orders");
    CHECK(r.status == 303);
    CHECK(r.header("location") == "/signin?next=%2Forders");
  }
  SECTION("absolute expiry, even when used") {
    for (int i = 0; i < 11; ++i) {
      s.advance_clock(300);
      REQUIRE(again.get("/orders").status == 200);
    }
    s.advance_clock(300);  // 3600 s after sign-in
    CHECK(again.get("/orders").status == 303);
  }
  SECTION("sign-out deletes the session") {
    const auto orders = again.get("/orders");
    const auto saved = again.cookies["sid"];
    r = again.submit(orders.body, "/signout", "");
    CHECK(r.status == 303);
    CHECK_FALSE(again.cookies.contains("sid"));
    again.cookies["sid"] = saved;
    CHECK(again.get("/orders").status == 303);
  }
}

TEST_CASE("/v1 is bearer-only: it ignores the page cookie and refuses its token", "[server][web]") {
  test_server s(insecure());
  browser b(s);
  const auto acct = register_buyer(b);
  const auto sid = b.cookies["sid"];
  CHECK(s.send(http::verb::get, "/v1/me", "", {{"Cookie", "sid=" + sid}}).status == 401);
  CHECK(s.get("/v1/me", sid).status == 401);
  // ... and a bearer token opens no page.
  const auto token = api_login(s, acct);
  CHECK(s.get("/v1/me", token).status == 200);
  browser with_token(s);
  with_token.cookies["sid"] = token;
  CHECK(with_token.get("/orders").status == 303);
}

TEST_CASE("a listing titled <script> renders as text", "[server][web]") {
  test_server s(insecure());
  market m(s);
  auto r = s.post("/v1/shops/" + std::to_string(m.shop) + "/listings",
                  R"({"title":"<script>alert(1)</script>","category":"fruit","unit":"box","price_fen":1250,"stock":5})",
                  m.farmer);
  REQUIRE(r.status == 201);
  const auto id = r.json().at("id").as_int64();
  browser b(s);
  for (const auto& target : {"/listings/" + std::to_string(id), std::string("/"), "/shops/" + std::to_string(m.shop),
                             std::string("/search")}) {
    INFO(target);
    const auto page = b.get(target);
    REQUIRE(page.status == 200);
    CHECK(page.body.find("<script") == std::string::npos);
    CHECK(page.body.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  }
}

namespace {
// The page's own part, between the layout's <main> and </main>.
std::string main_part(const std::string& page) {
  const auto open = page.find("<main>"), close = page.find("</main>");
  REQUIRE(open != std::string::npos);
  REQUIRE(close != std::string::npos);
  return page.substr(open, close - open);
}
}  // namespace

// The home and search bodies are rendered once per catalog change and kept (page_app::render_public).
TEST_CASE("home and search pages show a catalog change at once and are the same for everyone", "[server][web]") {
  test_server s(insecure());
  market m(s);
  browser anon(s), member(s);
  register_buyer(member);
  const std::string search = "/search?q=" + server::web::url_encode("雪梨");
  CHECK(anon.get("/").body.find("砀山雪梨") == std::string::npos);
  CHECK(anon.get(search).body.find("砀山雪梨") == std::string::npos);
  CHECK(anon.get(search).body.find("砀山雪梨") == std::string::npos);  // kept, then served again
  const auto created = s.post("/v1/shops/" + std::to_string(m.shop) + "/listings",
                              R"({"title":"砀山雪梨","category":"fruit","unit":"jin","price_fen":880,"stock":7})",
                              m.farmer);
  REQUIRE(created.status == 201);
  const auto pear = created.json().at("id").as_int64();
  for (const auto& target : {std::string("/"), search}) {
    INFO(target);
    const auto a = anon.get(target), b = member.get(target);
    REQUIRE(a.status == 200);
    REQUIRE(b.status == 200);
    CHECK(a.body.find("砀山雪梨") != std::string::npos);
    // The same body for a visitor and a member: nothing of either is kept in it.
    CHECK(main_part(a.body) == main_part(b.body));
    CHECK(main_part(b.body).find("_csrf") == std::string::npos);
    CHECK(main_part(b.body).find("王小二") == std::string::npos);
    CHECK(b.body.find("王小二") != std::string::npos);  // the layout names the member
  }
  // Sold out: gone from the home page's in-stock lists at once.
  REQUIRE(s.send(http::verb::patch, "/v1/listings/" + std::to_string(pear), R"({"stock":0})",
                 {{"Authorization", "Bearer " + m.farmer}, {"Content-Type", "application/json"}})
              .status == 200);
  CHECK(anon.get("/").body.find("砀山雪梨") == std::string::npos);
  // Each language has its own.
  CHECK(anon.get("/?lang=en").body.find("<html lang=\"en\">") != std::string::npos);
  CHECK(anon.get("/?lang=zh").body.find("<html lang=\"zh-CN\">") != std::string::npos);
}

TEST_CASE("cart to checkout: one purchase, even when the form is sent twice", "[server][web]") {
  test_server s(insecure());
  market m(s);
  browser b(s);
  const auto acct = register_buyer(b);
  const auto listing = b.get("/listings/" + std::to_string(m.listing));
  REQUIRE(listing.status == 200);
  CHECK(listing.body.find("¥10.00/箱") != std::string::npos);
  REQUIRE(b.submit(listing.body, "/cart/add", "listing_id=" + std::to_string(m.listing) + "&quantity=2").status == 303);
  const auto partner_listing = b.get("/listings/" + std::to_string(m.partner_listing));
  REQUIRE(b.submit(partner_listing.body, "/cart/add", "listing_id=" + std::to_string(m.partner_listing) + "&quantity=1")
              .status == 303);
  const auto cart = b.get("/cart");
  REQUIRE(cart.status == 200);
  CHECK(cart.body.find("¥30.00") != std::string::npos);  // 2 x 10 + 1 x 10
  const auto before = b.cookies;
  const std::string fields = "delivery=address&address=%E5%8C%97%E4%BA%AC%E5%B8%821%E5%8F%B7";
  const auto first = b.submit(cart.body, "/cart/checkout", fields);
  REQUIRE(first.status == 303);
  CHECK(first.header("location").starts_with("/orders?purchase="));
  CHECK_FALSE(b.cookies.contains("cart"));
  b.cookies = before;  // the double tap: sent before the first answer arrived
  const auto second = b.submit(cart.body, "/cart/checkout", fields);
  CHECK(second.status == 303);
  CHECK(second.header("location") == first.header("location"));
  const auto token = api_login(s, acct);
  CHECK(count_orders(s, token) == 2);  // one purchase: an order per shop
  CHECK(m.stock_of(m.listing) == 98);
  const auto orders = b.get("/orders");
  CHECK(orders.body.find("待付款") != std::string::npos);
}

TEST_CASE("a form with bad fields is 422, re-rendered with field messages", "[server][web]") {
  test_server s(insecure());
  market m(s);
  browser b(s);
  auto page = b.get("/register");
  auto r = b.submit(page.body, "/register", "name=%E7%8E%8B&phone=12&password=short");
  CHECK(r.status == 422);
  CHECK(r.body.find("密码至少 8 位") != std::string::npos);
  CHECK(r.body.find("value=\"12\"") != std::string::npos);  // what was typed stays
  CHECK_FALSE(b.cookies.contains("sid"));
  const auto acct = register_buyer(b);
  const auto listing = b.get("/listings/" + std::to_string(m.listing));
  r = b.submit(listing.body, "/cart/add", "listing_id=" + std::to_string(m.listing) + "&quantity=0");
  CHECK(r.status == 422);
  CHECK(r.body.find("请输入 1 到 10000 之间的整数") != std::string::npos);
  REQUIRE(b.submit(listing.body, "/cart/add", "listing_id=" + std::to_string(m.listing) + "&quantity=1").status == 303);
  const auto cart = b.get("/cart");
  r = b.submit(cart.body, "/cart/checkout", "delivery=address&address=");
  CHECK(r.status == 422);
  CHECK(r.body.find("class=\"err\">必填") != std::string::npos);
  CHECK(count_orders(s, api_login(s, acct)) == 0);
}

TEST_CASE("paying with Alipay: 303 to the signed wap pay URL, awaiting payment until notified", "[server][web]") {
  test_server s([](server::server_config& c) {
    insecure()(c);
    c.public_origin = "https://m.cunji.example.cn";
  });
  market m(s);
  browser b(s);
  register_buyer(b);
  const auto listing = b.get("/listings/" + std::to_string(m.listing));
  REQUIRE(b.submit(listing.body, "/cart/add", "listing_id=" + std::to_string(m.listing) + "&quantity=1").status == 303);
  const auto cart = b.get("/cart");
  REQUIRE(b.submit(cart.body, "/cart/checkout", "delivery=address&address=%E5%8C%97%E4%BA%AC").status == 303);
  const auto orders = b.get("/orders");
  const auto at = orders.body.find("href=\"/orders/");
  REQUIRE(at != std::string::npos);
  const auto order_path = orders.body.substr(at + 6, orders.body.find('"', at + 6) - at - 6);
  auto page = b.get(order_path);
  CHECK(page.body.find("等待付款") != std::string::npos);
  CHECK(page.header("content-security-policy").find("form-action 'self' https://openapi.alipay.com;") !=
        std::string::npos);
  const auto r = b.submit(page.body, order_path + "/pay", "");
  REQUIRE(r.status == 303);
  const auto url = r.header("location");
  CHECK(url.starts_with("https://openapi.alipay.com/gateway.do?"));
  CHECK(url.find("alipay.trade.wap.pay") != std::string::npos);
  CHECK(url.find("sign=") != std::string::npos);
  CHECK(b.submit(page.body, order_path + "/pay", "").header("location") == url);  // a second tap
  std::string biz, back;
  for (const auto& [k, v] : server::parse_query(url)) {
    if (k == "biz_content") biz = v;
    if (k == "return_url") back = v;
  }
  CHECK(back == "https://m.cunji.example.cn" + order_path);  // Alipay sends the buyer back there
  const auto doc = boost::json::parse(biz).as_object();
  boost::json::object payment;
  payment["out_trade_no"] = doc.at("out_trade_no");
  payment["amount_fen"] = 1000 + 800;  // the listing and delivery to an address
  const auto amount = std::string(doc.at("total_amount").as_string());
  payment["amount_fen"] = static_cast<std::int64_t>(std::stod(amount) * 100 + 0.5);
  CHECK(s.notify(s.alipay_notification(payment, "2026000000001")).body == "success");
  page = b.get(order_path);
  CHECK(page.body.find("已付款") != std::string::npos);
  CHECK(page.body.find("/pay\"") == std::string::npos);
}

TEST_CASE("every page stays within 14,600 bytes", "[server][web]") {
  test_server s(insecure());
  market m(s, true);
  const std::string long_title = catalog::repeat("奉", 120);
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 24; ++i) {
    auto r = s.post("/v1/shops/" + std::to_string(m.shop) + "/listings",
                    R"({"title":")" + long_title + R"(","description":")" + catalog::repeat("好", 600) +
                        R"(","category":"fruit","unit":"box","price_fen":123456,"stock":1000000})",
                    m.farmer);
    REQUIRE(r.status == 201);
    ids.push_back(r.json().at("id").as_int64());
  }
  browser b(s);
  register_buyer(b);
  for (std::size_t i = 0; i < 20; ++i) {
    const auto listing = b.get("/listings/" + std::to_string(ids[i]));
    REQUIRE(b.submit(listing.body, "/cart/add", "listing_id=" + std::to_string(ids[i]) + "&quantity=9999").status ==
            303);
  }
  const auto cart = b.get("/cart");
  REQUIRE(b.submit(cart.body, "/cart/checkout", "delivery=address&address=" + catalog::pct(catalog::repeat("路", 200)))
              .status == 303);
  const auto orders = b.get("/orders");
  const auto at = orders.body.find("href=\"/orders/");
  const auto order_path = orders.body.substr(at + 6, orders.body.find('"', at + 6) - at - 6);
  for (std::size_t i = 0; i < 20; ++i) {
    const auto listing = b.get("/listings/" + std::to_string(ids[i]));
    b.submit(listing.body, "/cart/add", "listing_id=" + std::to_string(ids[i]) + "&quantity=9999");
  }
  for (const std::string& target :
       std::vector<std::string>{"/", "/search", "/search?q=%E5%A5%89", "/search?poverty_relief=1&sort=price_asc",
                                "/listings/" + std::to_string(ids[0]), "/shops/" + std::to_string(m.shop), "/cart",
                                "/signin", "/register", "/orders", order_path, "/nope/page", "/listings/99999"}) {
    INFO(target);
    const auto r = b.get(target);
    CHECK(r.status != 500);
    CHECK(r.body.size() <= page_limit);
  }
}
