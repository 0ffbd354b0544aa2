// The cache of rendered listing reads (server/response_cache.hpp) is exact: a read after an
// acknowledged write shows it (edits, orders, cancellations, shops closing, counties changing),
// also with readers and writers at once; drafts never reach other callers through it; and the
// reads it serves are the ones it was filled by.
#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <thread>
#include <vector>

#include "catalog_helpers.hpp"
#include "order_fixture.hpp"
#include "test_client.hpp"

using namespace cunji;
using namespace cunji::test;
using namespace cunji::test::catalog;

namespace {

std::string listing_at(std::int64_t id) { return "/v1/listings/" + std::to_string(id); }

// The item with `id` on the first page of `target`, or null.
json::value item_on(test_server& s, const std::string& target, std::int64_t id) {
  const auto r = s.get(target);
  REQUIRE(r.status == 200);
  const auto doc = r.json();
  for (const auto& item : doc.at("items").as_array())
    if (item.at("id").as_int64() == id) return item;
  return nullptr;
}

std::uint64_t cache_hits(test_server& s) { return s.srv().app().responses().counts().hits; }

}  // namespace

TEST_CASE("listing reads served from the cache show every acknowledged write", "[server][listings][cache]") {
  test_server s;
  market m(s);
  const auto id = m.listing;
  const std::vector<std::string> reads = {listing_at(id), "/v1/listings?limit=5", "/v1/listings?q=" + pct("脐橙"),
                                          "/v1/listings?category=fruit&sort=price_asc"};
  auto field_everywhere = [&](const std::string& name) {
    std::vector<json::value> out;
    for (const auto& target : reads) {
      if (target == reads[0]) {
        const auto r = s.get(target);
        REQUIRE(r.status == 200);
        out.push_back(r.json().at(name));
      } else {
        const auto item = item_on(s, target, id);
        out.push_back(item.is_null() ? json::value(nullptr) : item.at(name));
      }
    }
    return out;
  };
  // Fill the cache, and check that it serves: the same reads again are hits.
  for (int i = 0; i < 2; ++i) field_everywhere("stock");
  const auto hits = cache_hits(s);
  CHECK(field_everywhere("stock") == std::vector<json::value>(4, json::value(100)));
  CHECK(cache_hits(s) >= hits + 4);

  // An order takes stock.
  auto r = s.post("/v1/orders", m.order_body(m.shop, id, 3), s.new_user("buyer"));
  REQUIRE(r.status == 201);
  const auto order_id = id_of(r);
  CHECK(field_everywhere("stock") == std::vector<json::value>(4, json::value(97)));

  // Its cancellation gives it back.
  REQUIRE(s.post("/v1/orders/" + std::to_string(order_id) + "/cancel", R"({"reason":"不要了"})", m.farmer).status ==
          200);
  CHECK(field_everywhere("stock") == std::vector<json::value>(4, json::value(100)));

  // An edit of the price and of the title.
  REQUIRE(patch(s, listing_at(id), R"({"price_fen":4321})", m.farmer).status == 200);
  CHECK(field_everywhere("price_fen") == std::vector<json::value>(4, json::value(4321)));
  REQUIRE(patch(s, listing_at(id), R"({"title":"奉节脐橙 礼盒"})", m.farmer).status == 200);
  CHECK(field_everywhere("title") == std::vector<json::value>(4, json::value("奉节脐橙 礼盒")));
  CHECK(s.get(listing_at(id)).header("etag") == "\"" + std::to_string(id) + "-5\"");

  // The county becomes poverty-stricken.
  const auto county = s.get("/v1/villages/" + std::to_string(m.village)).json().at("county_id").as_int64();
  REQUIRE(patch(s, "/v1/counties/" + std::to_string(county), R"({"poverty_stricken":true})", m.admin).status == 200);
  CHECK(field_everywhere("poverty_relief") == std::vector<json::value>(4, json::value(true)));

  // The shop closes: its listing leaves every list, and stays readable by id.
  REQUIRE(patch(s, "/v1/shops/" + std::to_string(m.shop), R"({"status":"closed"})", m.farmer).status == 200);
  const auto closed = field_everywhere("id");
  CHECK(closed[0] == json::value(id));
  CHECK(closed[1].is_null());
  CHECK(closed[2].is_null());
  CHECK(closed[3].is_null());
  REQUIRE(patch(s, "/v1/shops/" + std::to_string(m.shop), R"({"status":"active"})", m.farmer).status == 200);
  CHECK(field_everywhere("id") == std::vector<json::value>(4, json::value(id)));
}

TEST_CASE("drafts never reach other callers through the cache", "[server][listings][cache]") {
  test_server s;
  market m(s);
  const auto id = m.listing;
  const auto stranger = s.new_user("buyer");
  // Read as active by everyone (cached) ...
  REQUIRE(s.get(listing_at(id)).status == 200);
  REQUIRE(s.get(listing_at(id), stranger).status == 200);
  REQUIRE(item_on(s, "/v1/listings", id).is_object());
  // ... then made a draft: only the shop's side sees it, whoever asked first.
  REQUIRE(patch(s, listing_at(id), R"({"status":"draft"})", m.farmer).status == 200);
  for (int round = 0; round < 2; ++round) {
    CHECK(s.get(listing_at(id), m.farmer).status == 200);
    CHECK(s.get(listing_at(id), m.farmer).json().at("status").as_string() == "draft");
    CHECK(s.get(listing_at(id)).status == 404);
    CHECK(s.get(listing_at(id), stranger).status == 404);
    CHECK(item_on(s, "/v1/listings", id).is_null());
    CHECK(item_on(s, "/v1/listings?q=" + pct("脐橙"), id).is_null());
  }
  // Strangers first this time, then the owner, then strangers again.
  const auto draft = m.new_listing(m.farmer, m.shop, 5, 500);
  REQUIRE(patch(s, listing_at(draft), R"({"status":"draft"})", m.farmer).status == 200);
  CHECK(s.get(listing_at(draft), stranger).status == 404);
  CHECK(s.get(listing_at(draft), m.farmer).status == 200);
  CHECK(s.get(listing_at(draft)).status == 404);
  CHECK(s.get(listing_at(draft), stranger).status == 404);
  // Published again: everyone sees it.
  REQUIRE(patch(s, listing_at(id), R"({"status":"active"})", m.farmer).status == 200);
  CHECK(s.get(listing_at(id), stranger).status == 200);
  CHECK(item_on(s, "/v1/listings", id).is_object());
}

TEST_CASE("concurrent writes and cached reads: no read after an acknowledged write shows older data",
          "[server][listings][cache]") {
  test_server s;
  market m(s);
  const auto id = m.listing;
  // One writer raises the price step by step and publishes each acknowledged price; readers
  // note the last acknowledged price before each read and require at least that price.
  std::atomic<std::int64_t> acked{1000};
  std::atomic<bool> done{false};
  std::atomic<int> stale{0}, reads{0}, failures{0};
  const std::vector<std::string> targets = {listing_at(id), "/v1/listings?limit=3", "/v1/listings?q=" + pct("脐橙"),
                                            "/v1/listings?shop_id=" + std::to_string(m.shop)};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&, t] {
      http_client c(s.port());
      std::size_t i = static_cast<std::size_t>(t);
      while (!done.load()) {
        const auto floor = acked.load();
        const auto& target = targets[i++ % targets.size()];
        const auto r = c.request(http::verb::get, target);
        if (r.status != 200) {
          ++failures;
          continue;
        }
        const auto doc = r.json();
        const json::value* item = &doc;
        if (target != targets[0]) {
          item = nullptr;
          for (const auto& it : doc.at("items").as_array())
            if (it.at("id").as_int64() == id) item = &it;
        }
        if (!item) {
          ++failures;
          continue;
        }
        if (item->at("price_fen").as_int64() < floor) ++stale;
        ++reads;
      }
    });
  }
  for (std::int64_t price = 1001; price <= 1150; ++price) {
    const auto r = patch(s, listing_at(id), R"({"price_fen":)" + std::to_string(price) + "}", m.farmer);
    REQUIRE(r.status == 200);
    acked.store(price);
    // Let the readers fill the cache under this price before the next write.
    const auto until = reads.load() + 8;
    while (reads.load() < until && failures.load() == 0) std::this_thread::yield();
  }
  done.store(true);
  for (auto& t : readers) t.join();
  CHECK(failures.load() == 0);
  CHECK(stale.load() == 0);
  CHECK(reads.load() >= 150 * 8);
  CHECK(cache_hits(s) > 0);
}

TEST_CASE("walking cached search pages by cursor while the catalog changes", "[server][listings][cache]") {
  test_server s;
  market m(s);
  std::map<std::int64_t, std::int64_t> stock{{m.listing, 100}};
  for (int i = 0; i < 24; ++i) stock[m.new_listing(m.farmer, m.shop, 50, 1000 + i * 10)] = 50;
  const auto target = "/v1/listings?q=" + pct("脐橙") + "&shop_id=" + std::to_string(m.shop) + "&limit=4";
  // The same walk twice, so the second one is served by the cache (pages); then a walk during
  // which an order takes stock of a listing on a page still ahead (the pages do not stay).
  const auto first = walk(s, target);
  REQUIRE(first.size() == stock.size());
  const auto hits = cache_hits(s);
  CHECK(walk(s, target) == first);
  CHECK(cache_hits(s) > hits);
  std::vector<std::int64_t> seen;
  std::optional<std::string> cursor;
  const auto buyer = s.new_user("buyer");
  do {
    const auto r = s.get(cursor ? target + "&cursor=" + pct(*cursor) : target);
    REQUIRE(r.status == 200);
    const auto doc = r.json();
    for (const auto& item : doc.at("items").as_array()) {
      const auto lid = item.at("id").as_int64();
      seen.push_back(lid);
      CHECK(item.at("stock").as_int64() == stock[lid]);
    }
    cursor = next_cursor_of(r);
    if (cursor) {
      const auto next = first.at(seen.size());
      REQUIRE(s.post("/v1/orders", m.order_body(m.shop, next, 2), buyer).status == 201);
      stock[next] -= 2;
    }
  } while (cursor);
  CHECK(seen == first);
}
