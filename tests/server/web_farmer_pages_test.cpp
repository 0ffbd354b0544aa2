// The farmers' pages over HTTP: my shops (opening one), a new listing with a photo (a
// multipart form, once per form key), price and stock, shipping with a tracking number, the
// balance and statement; CSRF, who may, 422 re-renders, and the size of every page.
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "catalog_helpers.hpp"
#include "support/images.hpp"
#include "web_browser.hpp"

using namespace cunji;
using namespace cunji::test;

namespace {

constexpr std::size_t page_limit = 14'600;
const std::string boundary = "----cunjiFarmForm7";

auto insecure() {
  return [](server::server_config& c) { c.insecure_cookies = true; };
}

struct farmer {
  std::string phone, token;
};

// Registers a farmer of `village` over the API and signs `b` in through the sign-in page.
farmer sign_in_farmer(test_server& s, browser& b, std::int64_t village) {
  static int n = 0;
  farmer f{"+86135" + std::to_string(10000000 + n++), ""};
  auto r = s.post("/v1/accounts", R"({"role":"farmer","name":"李大山","phone":")" + f.phone +
                                      R"(","password":"password1","village_id":)" + std::to_string(village) + "}");
  REQUIRE(r.status == 201);
  f.token = s.login(f.phone, "password1");
  const auto page = b.get("/signin");
  r = b.submit(page.body, "/signin", "phone=" + server::web::url_encode(f.phone) + "&password=password1&next=%2F");
  REQUIRE(r.status == 303);
  return f;
}

std::int64_t api_shop(test_server& s, const std::string& token) {
  const auto r = s.post("/v1/shops", R"({"name":"李家果园"})", token);
  REQUIRE(r.status == 201);
  return r.json().at("id").as_int64();
}

std::string part(const std::string& name, const std::string& value) {
  return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
}

// The new-listing form as a browser sends it: the hidden fields of `page`, `fields`, the photo.
std::string listing_body(const std::string& page, const std::vector<std::pair<std::string, std::string>>& fields,
                         const std::string& photo, bool with_csrf = true) {
  std::string body;
  if (with_csrf) body += part("_csrf", browser::field(page, "_csrf", page.find("enctype")));
  body += part("key", browser::field(page, "key", page.find("enctype")));
  for (const auto& [k, v] : fields) body += part(k, v);
  body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"" +
          (photo.empty() ? "" : "IMG_0001.jpg") + "\"\r\nContent-Type: image/jpeg\r\n\r\n" + photo + "\r\n";
  return body + "--" + boundary + "--\r\n";
}

reply post_multipart(browser& b, const std::string& target, const std::string& body) {
  header_list h = b.extra;
  if (!b.cookies.empty()) h.emplace_back("Cookie", b.cookie_header());
  h.emplace_back("Content-Type", "multipart/form-data; boundary=" + boundary);
  auto r = b.s.send(http::verb::post, target, body, h);
  b.keep(r, r.set_cookies);
  return r;
}

const std::vector<std::pair<std::string, std::string>> good_fields{
    {"title", "奉节脐橙 10斤"}, {"category", "fruit"}, {"unit", "jin"}, {"price", "12.50"}, {"stock", "30"}};

std::vector<std::pair<std::string, std::string>> with(std::string name, std::string value) {
  auto f = good_fields;
  for (auto& [k, v] : f)
    if (k == name) v = value;
  return f;
}

boost::json::array shop_listings(test_server& s, std::int64_t shop) {
  const auto r = s.get("/v1/listings?shop_id=" + std::to_string(shop));
  REQUIRE(r.status == 200);
  return r.json().at("items").as_array();
}

}  // namespace

TEST_CASE("a farmer opens a shop, then lists produce with a camera photo, once per form", "[server][web][farmer]") {
  test_server s(insecure());
  browser b(s);
  sign_in_farmer(s, b, s.make_village());
  auto page = b.get("/my/shops");
  REQUIRE(page.status == 200);
  CHECK(page.body.find("href=\"/my/shops\"") != std::string::npos);  // the nav names the page
  auto r = b.submit(page.body, "/my/shops", "name=%E6%9D%8E%E5%AE%B6%E6%9E%9C%E5%9B%AD&description=");
  REQUIRE(r.status == 303);
  const auto shop_path = r.header("location");
  REQUIRE(shop_path.starts_with("/my/shops/"));
  const auto shop = std::stoll(shop_path.substr(10));
  page = b.get("/my/shops");
  CHECK(page.body.find("href=\"" + shop_path + "\"") != std::string::npos);
  CHECK(page.body.find("action=\"/my/shops\"") == std::string::npos);  // one shop: no second form

  const auto form = b.get(shop_path + "/listings/new");
  REQUIRE(form.status == 200);
  CHECK(form.body.find("enctype=\"multipart/form-data\"") != std::string::npos);
  CHECK(form.body.find("type=\"file\" accept=\"image/*\" capture") != std::string::npos);
  const auto body = listing_body(form.body, good_fields, images::jpeg(800, 600));
  r = post_multipart(b, shop_path + "/listings", body);
  REQUIRE(r.status == 303);
  CHECK(r.header("location").starts_with(shop_path + "?created="));
  // The double tap: the same form again creates nothing more and answers the same.
  const auto again = post_multipart(b, shop_path + "/listings", body);
  CHECK(again.status == 303);
  CHECK(again.header("location") == r.header("location"));
  const auto items = shop_listings(s, shop);
  REQUIRE(items.size() == 1);
  const auto& l = items[0].as_object();
  CHECK(l.at("price_fen").as_int64() == 1250);
  CHECK(l.at("stock").as_int64() == 30);
  CHECK(l.at("unit").as_string() == "jin");
  REQUIRE(l.at("photos").as_array().size() == 1);
  CHECK(l.at("photos").as_array()[0].at("width").as_int64() == 800);
  page = b.get(r.header("location"));
  CHECK(page.body.find("商品已上架") != std::string::npos);
  CHECK(page.body.find("奉节脐橙 10斤") != std::string::npos);
  // Without a photo too; a new form has a new key.
  const auto form2 = b.get(shop_path + "/listings/new");
  CHECK(browser::field(form2.body, "key") != browser::field(form.body, "key"));
  CHECK(post_multipart(b, shop_path + "/listings", listing_body(form2.body, with("title", "土鸡蛋"), "")).status ==
        303);
  CHECK(shop_listings(s, shop).size() == 2);
}

TEST_CASE("a bad listing form is 422 naming the field, and creates nothing", "[server][web][farmer]") {
  test_server s(insecure());
  browser b(s);
  const auto f = sign_in_farmer(s, b, s.make_village());
  const auto shop = api_shop(s, f.token);
  const auto path = "/my/shops/" + std::to_string(shop) + "/listings";
  const auto form = b.get(path + "/new");
  auto r = post_multipart(b, path, listing_body(form.body, with("price", "12.345"), ""));
  CHECK(r.status == 422);
  CHECK(r.body.find("<p class=\"err\">请输入 0.01 到 1000000 之间的价格</p>") != std::string::npos);
  CHECK(r.body.find("value=\"奉节脐橙 10斤\"") != std::string::npos);  // what was typed stays
  r = post_multipart(b, path, listing_body(form.body, with("stock", "-1"), ""));
  CHECK(r.status == 422);
  CHECK(r.body.find("<p class=\"err\">请输入 0 到 10000000 之间的整数</p>") != std::string::npos);
  r = post_multipart(b, path, listing_body(form.body, with("title", " "), ""));
  CHECK(r.status == 422);
  CHECK(r.body.find("<p class=\"err\">必填</p>") != std::string::npos);
  r = post_multipart(b, path, listing_body(form.body, with("category", "gold"), ""));
  CHECK(r.status == 422);
  r = post_multipart(b, path, listing_body(form.body, good_fields, "not an image at all"));
  CHECK(r.status == 422);
  CHECK(r.body.find("<p class=\"err\">请上传 JPEG、PNG 或 WebP 照片</p>") != std::string::npos);
  CHECK(shop_listings(s, shop).empty());
  // A body that is not multipart as it says: 400; a photo beyond the limit: 413.
  CHECK(post_multipart(b, path, "--" + boundary + "\r\nno header\r\n\r\nx").status == 400);
  const auto huge = listing_body(form.body, good_fields, std::string(8 * 1024 * 1024 + 1, 'x'));
  CHECK(post_multipart(b, path, huge).status == 413);
}

TEST_CASE("farmer forms need the CSRF token, and others' shops are refused", "[server][web][farmer][csrf]") {
  test_server s(insecure());
  const auto village = s.make_village();
  browser b(s), other(s), buyer(s), anon(s);
  const auto f = sign_in_farmer(s, b, village);
  sign_in_farmer(s, other, village);
  const auto shop = api_shop(s, f.token);
  const auto shop_path = "/my/shops/" + std::to_string(shop);
  const auto form = b.get(shop_path + "/listings/new");
  // Missing, then another visitor's token.
  CHECK(post_multipart(b, shop_path + "/listings", listing_body(form.body, good_fields, "", false)).status == 403);
  const auto others_form = other.get("/my/shops");
  auto forged = listing_body(form.body, good_fields, "", false);
  forged = part("_csrf", browser::field(others_form.body, "_csrf")) + forged;
  CHECK(post_multipart(b, shop_path + "/listings", forged).status == 403);
  CHECK(shop_listings(s, shop).empty());
  // Another farmer may not see or change this shop, its listings or its orders.
  CHECK(other.get(shop_path).status == 403);
  CHECK(other.get(shop_path + "/listings/new").status == 403);
  CHECK(post_multipart(other, shop_path + "/listings", listing_body(others_form.body, good_fields, "")).status == 403);
  REQUIRE(post_multipart(b, shop_path + "/listings", listing_body(form.body, good_fields, "")).status == 303);
  const auto listing = shop_listings(s, shop)[0].at("id").as_int64();
  const auto edit_path = "/my/listings/" + std::to_string(listing);
  CHECK(other.get(edit_path).status == 403);
  CHECK(other.submit(others_form.body, "/my/shops", "name=x").status != 403);  // its own form works
  CHECK(other
            .post(edit_path,
                  "_csrf=" + server::web::url_encode(browser::field(others_form.body, "_csrf")) + "&price=1&stock=1")
            .status == 403);
  CHECK(b.post(edit_path, "price=1&stock=1").status == 403);  // no token
  CHECK(other.get("/my/shops/999999").status == 404);
  // A buyer has no shops and no balance; a visitor is sent to sign in.
  const auto page = buyer.get("/register");
  REQUIRE(buyer.submit(page.body, "/register", "name=%E7%8E%8B&phone=%2B8613899990000&password=password1").status ==
          303);
  CHECK(buyer.get("/my/shops").status == 403);
  CHECK(buyer.get("/my/sales").status == 403);
  CHECK(buyer.get("/my/balance").status == 403);
  CHECK(buyer.get(shop_path).status == 403);
  const auto r = anon.get(shop_path);
  CHECK(r.status == 303);
  CHECK(r.header("location") == "/signin?next=" + server::web::url_encode(shop_path));
  CHECK(shop_listings(s, shop).at(0).at("price_fen").as_int64() == 1250);
}

TEST_CASE("a farmer changes a listing's price and stock", "[server][web][farmer]") {
  test_server s(insecure());
  browser b(s);
  const auto f = sign_in_farmer(s, b, s.make_village());
  const auto shop = api_shop(s, f.token);
  auto r = s.post("/v1/shops/" + std::to_string(shop) + "/listings",
                  R"({"title":"腊肉","category":"meat","unit":"kg","price_fen":8800,"stock":5})", f.token);
  REQUIRE(r.status == 201);
  const auto id = std::to_string(r.json().at("id").as_int64());
  const auto shop_page = b.get("/my/shops/" + std::to_string(shop));
  CHECK(shop_page.body.find("href=\"/my/listings/" + id + "\"") != std::string::npos);
  const auto page = b.get("/my/listings/" + id);
  REQUIRE(page.status == 200);
  CHECK(browser::field(page.body, "price") == "88.00");
  CHECK(browser::field(page.body, "stock") == "5");
  r = b.submit(page.body, "/my/listings/" + id, "price=90&stock=abc");
  CHECK(r.status == 422);
  CHECK(r.body.find("<p class=\"err\">请输入 0 到 10000000 之间的整数</p>") != std::string::npos);
  r = b.submit(page.body, "/my/listings/" + id, "price=0&stock=1");
  CHECK(r.status == 422);
  r = b.submit(page.body, "/my/listings/" + id, "price=90.5&stock=12");
  REQUIRE(r.status == 303);
  CHECK(r.header("location") == "/my/shops/" + std::to_string(shop) + "?saved=1");
  const auto l = s.get("/v1/listings/" + id).json();
  CHECK(l.at("price_fen").as_int64() == 9050);
  CHECK(l.at("stock").as_int64() == 12);
}

TEST_CASE("a farmer ships a paid order with a tracking number and sees the money", "[server][web][farmer]") {
  test_server s(insecure());
  const auto village = s.make_village();
  browser b(s);
  const auto f = sign_in_farmer(s, b, village);
  const auto shop = api_shop(s, f.token);
  auto r = s.post("/v1/shops/" + std::to_string(shop) + "/listings",
                  R"({"title":")" + catalog::repeat("奉", 120) +
                      R"(","category":"fruit","unit":"box","price_fen":5000,"stock":10})",
                  f.token);
  REQUIRE(r.status == 201);
  const auto listing = r.json().at("id").as_int64();
  const auto buyer = s.new_user("buyer");
  r = s.post("/v1/orders",
             R"({"shop_id":)" + std::to_string(shop) + R"(,"items":[{"listing_id":)" + std::to_string(listing) +
                 R"(,"quantity":2}],"delivery":{"method":"address","address":"北京市朝阳区1号"}})",
             buyer);
  REQUIRE(r.status == 201);
  const auto order = std::to_string(r.json().at("id").as_int64());
  CHECK(b.get("/my/sales").body.find("/my/sales/" + order) == std::string::npos);  // not paid yet
  s.pay(std::stoll(order), buyer);
  auto sales = b.get("/my/sales");
  REQUIRE(sales.status == 200);
  CHECK(sales.body.find("href=\"/my/sales/" + order + "\"") != std::string::npos);
  const auto page = b.get("/my/sales/" + order);
  REQUIRE(page.status == 200);
  CHECK(page.body.find("北京市朝阳区1号") != std::string::npos);
  r = b.submit(page.body, "/my/sales/" + order + "/ship", "tracking=" + catalog::repeat("9", 101));
  CHECK(r.status == 422);
  CHECK(r.body.find("<p class=\"err\">太长了</p>") != std::string::npos);
  // The 422 page's form has a new key (the first one stays with its 422).
  const auto fixed = r.body;
  CHECK(browser::field(fixed, "key", fixed.find("/ship\"")) !=
        browser::field(page.body, "key", page.body.find("/ship\"")));
  r = b.submit(fixed, "/my/sales/" + order + "/ship", "tracking=SF1234567890");
  REQUIRE(r.status == 303);
  CHECK(r.header("location") == "/my/sales?shipped=" + order);
  // The same form again: the stored answer, not a 409.
  CHECK(b.submit(fixed, "/my/sales/" + order + "/ship", "tracking=SF1234567890").status == 303);
  const auto o = s.get("/v1/orders/" + order, buyer).json();
  CHECK(o.at("status").as_string() == "shipped");
  CHECK(o.at("tracking").as_string() == "SF1234567890");
  sales = b.get(r.header("location"));
  CHECK(sales.body.find("已发货") != std::string::npos);
  CHECK(sales.body.find("/my/sales/" + order + "\"") == std::string::npos);
  // Another farmer may not ship it; the buyer sees it on its own pages only.
  browser other(s);
  sign_in_farmer(s, other, village);
  CHECK(other.get("/my/sales/" + order).status == 404);
  const auto balance = b.get("/my/balance");
  REQUIRE(balance.status == 200);
  const auto api = s.get("/v1/balances/me", f.token).json();
  const auto pending = api.at("pending_fen").as_int64();
  CHECK(pending > 0);
  char want[32];
  std::snprintf(want, sizeof want, "¥%lld.%02lld", static_cast<long long>(pending / 100),
                static_cast<long long>(pending % 100));
  CHECK(balance.body.find(std::string("<td>待结算</td><td class=\"price\">") + want) != std::string::npos);
  CHECK(balance.body.find("买家付款") != std::string::npos);
  CHECK(balance.body.find("href=\"/my/sales/" + order + "\"") != std::string::npos);
  for (const auto& target : std::vector<std::string>{
           "/my/shops", "/my/shops/" + std::to_string(shop), "/my/shops/" + std::to_string(shop) + "/listings/new",
           "/my/listings/" + std::to_string(listing), "/my/sales", "/my/sales/" + order, std::string("/my/balance"),
           std::string("/my/balance?lang=en")}) {
    INFO(target);
    const auto got = b.get(target);
    CHECK(got.status == 200);
    CHECK(got.body.size() <= page_limit);
  }
}
