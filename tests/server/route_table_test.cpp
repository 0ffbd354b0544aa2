// Tests generated from the application's route table: every idempotent write sent again with
// its key through every other spelling of its path replays the first answer or is 404 (and
// nothing more is made), and every GET answers HEAD with its status and headers, no body.
#include <catch2/catch.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db_snapshot.hpp"
#include "order_fixture.hpp"
#include "server/app.hpp"
#include "support/images.hpp"

using namespace cunji;
using namespace cunji::test;

namespace {

// A first request that succeeds, for one idempotent route.
struct recipe {
  std::string path;  // canonical, ids filled in
  std::string body;
  std::string token;
  std::size_t orders_made = 0;  // by the first request
};

std::string id_of(const reply& r) { return std::to_string(r.json().at("id").as_int64()); }

// How to call each idempotent route. A route marked idempotent with no recipe here fails the
// test by name, so a new one cannot go untested.
std::optional<recipe> recipe_for(std::string_view tmpl, test_server& s, market& m, const std::string& buyer) {
  const auto order = m.order_body(m.shop, m.listing, 1);
  if (tmpl == "/v1/orders") return recipe{"/v1/orders", order, buyer, 1};
  if (tmpl == "/v1/orders/{id}/pay") {
    const auto placed = s.post("/v1/orders", order, buyer);
    REQUIRE(placed.status == 201);
    return recipe{"/v1/orders/" + id_of(placed) + "/pay", R"({"method":"alipay"})", buyer, 0};
  }
  if (tmpl == "/v1/stations/{partner_id}/cash-handins") {  // cash the partner took, to hand in
    const auto placed = s.post("/v1/orders", order, buyer);
    REQUIRE(placed.status == 201);
    REQUIRE(s.post("/v1/orders/" + id_of(placed) + "/pay", R"({"method":"cash_at_station"})", m.partner).status == 200);
    return recipe{"/v1/stations/" + std::to_string(m.partner_id) + "/cash-handins", R"({"amount_fen":100})", m.admin,
                  0};
  }
  if (tmpl == "/v1/orders/{id}/returns" || tmpl == "/v1/orders/{id}/report-lost") {  // a parcel shipped 8 days ago
    const auto placed = s.post("/v1/orders", market::order_body_to(std::nullopt, m.shop, m.listing, 1), buyer);
    REQUIRE(placed.status == 201);
    s.pay(placed.json().at("id").as_int64(), buyer);
    REQUIRE(s.post("/v1/orders/" + id_of(placed) + "/ship", "{}", m.farmer).status == 200);
    s.advance_clock(8 * 86'400);
    if (tmpl == "/v1/orders/{id}/report-lost")
      return recipe{"/v1/orders/" + id_of(placed) + "/report-lost", "{}", buyer, 0};
    REQUIRE(s.post("/v1/orders/" + id_of(placed) + "/deliver", "{}", buyer).status == 200);
    return recipe{"/v1/orders/" + id_of(placed) + "/returns", R"({"reason":"烂了一半"})", buyer, 0};
  }
  const auto purchase = R"({"lines":[{"listing_id":)" + std::to_string(m.listing) + R"(,"quantity":1},{"listing_id":)" +
                        std::to_string(m.partner_listing) +
                        R"(,"quantity":1}],"delivery":{"method":"station_pickup"}})";
  if (tmpl == "/v1/purchases") return recipe{"/v1/purchases", purchase, buyer, 2};
  if (tmpl == "/v1/purchases/{id}/pay") {
    const auto placed = s.post("/v1/purchases", purchase, buyer);
    REQUIRE(placed.status == 201);
    return recipe{"/v1/purchases/" + id_of(placed) + "/pay", R"({"method":"alipay"})", buyer, 0};
  }
  return std::nullopt;
}

// Other spellings of canonical `path`: a trailing slash, a `//` prefix, each inner `/` doubled,
// a leading zero on each id, a letter percent-escaped.
std::vector<std::string> spellings_of(const std::string& path) {
  std::vector<std::string> out{path + "/", "/" + path, path + "//"};
  for (std::size_t i = 1; i < path.size(); ++i)
    if (path[i] == '/') out.push_back(path.substr(0, i) + "/" + path.substr(i));
  for (std::size_t i = 1; i < path.size(); ++i)
    if (path[i - 1] == '/' && path[i] >= '1' && path[i] <= '9') out.push_back(path.substr(0, i) + "0" + path.substr(i));
  out.push_back("/%76" + path.substr(2));  // "v"
  return out;
}

header_list with_key(const std::string& token, const std::string& key) {
  return {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}, {"Idempotency-Key", key}};
}

}  // namespace

TEST_CASE("every idempotent write: other spellings of its path replay its answer or are 404",
          "[server][idempotency][routes]") {
  std::vector<std::string> idempotent;
  {
    test_server probe;
    probe.srv().app().routes().for_each([&](http::verb m, std::string_view tmpl, const server::route& r) {
      if (r.idempotent) idempotent.push_back(std::string(http::to_string(m)) + " " + std::string(tmpl));
    });
  }
  REQUIRE(idempotent.size() >= 2);
  for (const auto& route : idempotent) {
    DYNAMIC_SECTION(route) {
      test_server s;
      market m(s);
      const auto buyer = s.direct_user(role::buyer, m.village).second;
      const auto tmpl = std::string_view(route).substr(route.find(' ') + 1);
      const auto rec = recipe_for(tmpl, s, m, buyer);
      if (!rec) FAIL("no recipe for the idempotent route " << route << ": add one to recipe_for");
      const auto before = s.snapshot();
      const auto first = s.send(http::verb::post, rec->path, rec->body, with_key(rec->token, "same-key"));
      REQUIRE(first.status / 100 == 2);
      const auto after_first = s.snapshot();
      CHECK(after_first.at("orders").size() == before.at("orders").size() + rec->orders_made);

      const auto again = s.send(http::verb::post, rec->path, rec->body, with_key(rec->token, "same-key"));
      CHECK(again.header("idempotent-replayed") == "true");
      CHECK(again.status == first.status);
      CHECK(again.body == first.body);
      for (const auto& path : spellings_of(rec->path)) {
        INFO(path);
        const auto r = s.send(http::verb::post, path, rec->body, with_key(rec->token, "same-key"));
        if (r.status == 404) {
          CHECK(r.type() == "not_found");
          CHECK(r.header("idempotent-replayed").empty());
        } else {
          CHECK(r.header("idempotent-replayed") == "true");
          CHECK(r.status == first.status);
          CHECK(r.body == first.body);
        }
      }
      // Nothing was made or stored after the first answer.
      for (const auto& d : differences(after_first, s.snapshot())) FAIL_CHECK(d);
    }
  }
}

TEST_CASE("every GET answers HEAD with its status and headers and no body", "[server][http][routes]") {
  test_server s;
  market m(s);
  const auto buyer = s.direct_user(role::buyer, m.village).second;
  const auto placed = s.post("/v1/orders", m.order_body(m.shop, m.listing, 1), buyer);
  REQUIRE(placed.status == 201);
  s.pay(placed.json().at("id").as_int64(), buyer);  // payment 1
  const auto bought = s.post("/v1/purchases",       // purchase 1
                             R"({"lines":[{"listing_id":)" + std::to_string(m.listing) +
                                 R"(,"quantity":1}],"delivery":{"method":"station_pickup"}})",
                             buyer);
  REQUIRE(bought.status == 201);
  const auto photo = s.send(http::verb::post, "/v1/listings/" + std::to_string(m.listing) + "/photos",
                            images::jpeg(64, 48),
                            {{"Authorization", "Bearer " + m.farmer}, {"Content-Type", "image/jpeg"}});
  REQUIRE(photo.status == 201);
  const std::string photo_url(photo.json().at("small_url").as_string());
  {  // return 1: of an order delivered to an address
    const auto sent = s.post("/v1/orders", market::order_body_to(std::nullopt, m.shop, m.listing, 1), buyer);
    REQUIRE(sent.status == 201);
    const auto path = "/v1/orders/" + std::to_string(sent.json().at("id").as_int64());
    s.pay(sent.json().at("id").as_int64(), buyer);
    REQUIRE(s.post(path + "/ship", "{}", m.farmer).status == 200);
    REQUIRE(s.post(path + "/deliver", "{}", buyer).status == 200);
    REQUIRE(s.post(path + "/returns", R"({"reason":"坏了"})", buyer).status == 201);
  }
  std::vector<std::string> gets;
  s.srv().app().routes().for_each([&](http::verb method, std::string_view tmpl, const server::route&) {
    if (method == http::verb::get) gets.emplace_back(tmpl);
  });
  REQUIRE(gets.size() > 15);
  const std::vector<std::pair<std::string, std::string>> callers{
      {"admin", m.admin}, {"farmer", m.farmer}, {"partner", m.partner}, {"buyer", buyer}};
  std::size_t answered = 0;  // routes that answered 200 to someone: HEAD is compared with real answers
  for (const auto& tmpl : gets) {
    bool found = false;
    // Every id 1 (the first county, village, shop, listing, order...), a partner's its own.
    const auto id = tmpl.starts_with("/v1/partners/") || tmpl.starts_with("/v1/stations/")
                        ? std::to_string(m.partner_id)
                        : std::string("1");
    std::string path = tmpl == "/photos/{name}" ? photo_url : tmpl;  // a rendition's name
    for (std::size_t open; (open = path.find('{')) != std::string::npos;)
      path.replace(open, path.find('}', open) - open + 1, id);
    for (const auto& [who, token] : callers) {
      INFO(path << " as " << who);
      const header_list auth{{"Authorization", "Bearer " + token}};
      http_client c(s.port());
      const auto get = c.request(http::verb::get, path, "", auth);
      const auto head = c.request(http::verb::head, path, "", auth);
      CHECK(head.status == get.status);
      CHECK(head.body.empty());
      CHECK(head.header("content-type") == get.header("content-type"));
      CHECK(head.header("etag") == get.header("etag"));
      if (tmpl != "/metrics")  // its body counts the requests so far
        CHECK(head.header("content-length") == std::to_string(get.body.size()));
      found = found || get.status == 200;
      // No body followed the HEAD answer: the connection reads the next answer cleanly.
      const auto next = c.request(http::verb::get, "/healthz");
      CHECK(next.status == 200);
      CHECK(next.body == R"({"status":"ok"})");
    }
    if (!found) WARN("no 200 from " << path);
    answered += found;
  }
  CHECK(answered == gets.size());
}

TEST_CASE("paths are canonical: a trailing slash, an empty segment or a leading zero is 404", "[server][http]") {
  test_server s;
  market m(s);
  const auto listing = "/v1/listings/" + std::to_string(m.listing);
  REQUIRE(s.get(listing).status == 200);
  for (const auto& path : spellings_of(listing)) {
    INFO(path);
    const auto r = s.get(path);
    CHECK(r.status == 404);
    CHECK(r.type() == "not_found");
  }
  for (const char* path : {"/healthz/", "//healthz", "/v1/orders/", "/v1/listings/", "/v1/listings//",
                           "/v1/listings/02001", "/v1/orders/007/pay"}) {
    INFO(path);
    CHECK(s.send(http::verb::get, path, "", {}).status == 404);
    CHECK(s.send(http::verb::post, path, "{}", {{"Content-Type", "application/json"}}).status == 404);
  }
}

TEST_CASE("a malformed percent-escape or request is 400 malformed_request, never read as text", "[server][http]") {
  test_server s;
  for (const char* target : {"/v1/listings?q=%ZZ", "/v1/listings?q=%4", "/v1/listings?q=%C0%AF", "/v1/listings?q=%",
                             "/v1/listings/%C0%AF", "/v1/nowhere?x=%ZZ", "/v1/listings?limit=1%", "/%E8%8B"}) {
    INFO(target);
    const auto r = s.get(target);
    CHECK(r.status == 400);
    CHECK(r.type() == "malformed_request");
  }
  CHECK(s.get("/v1/listings?q=%E8%8B%B9%E6%9E%9C").status == 200);
  http_client c(s.port());
  const auto r = c.raw("HELLO\r\n\r\n");
  CHECK(r.status == 400);
  CHECK(r.type() == "malformed_request");
}
