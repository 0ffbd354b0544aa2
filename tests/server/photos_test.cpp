// Listing photos over HTTP: uploads (who, what, how many, how large), deletions, the renditions'
// URLs, and the listing reads that show them.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "catalog_helpers.hpp"
#include "db_snapshot.hpp"
#include "order_fixture.hpp"
#include "storage/sql/catalog.hpp"
#include "storage/sqlite/backup.hpp"
#include "storage/sqlite/connection.hpp"
#include "support/images.hpp"
#include "test_client.hpp"

using namespace cunji;
using namespace cunji::test;
namespace json = boost::json;

namespace {

std::string photos_of(std::int64_t listing) { return "/v1/listings/" + std::to_string(listing) + "/photos"; }

reply upload(test_server& s, std::int64_t listing, const std::string& bytes, const std::string& token,
             const std::string& type = "image/jpeg") {
  header_list h{{"Content-Type", type}};
  if (!token.empty()) h.emplace_back("Authorization", "Bearer " + token);
  return s.send(http::verb::post, photos_of(listing), bytes, h);
}

json::array listing_photos(test_server& s, std::int64_t listing, const std::string& token = "") {
  const auto r = s.get("/v1/listings/" + std::to_string(listing), token);
  REQUIRE(r.status == 200);
  return r.json().at("photos").as_array();
}

std::string name_of(const json::value& url) {
  const std::string u(url.as_string());
  REQUIRE(u.rfind("/photos/", 0) == 0);
  return u.substr(8);
}

// The resident set of this process (the server runs in it), in KiB.
long rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

const std::string& sample() {
  static const std::string jpeg = images::jpeg(1600, 1200, true);
  return jpeg;
}

}  // namespace

TEST_CASE("an owner's upload becomes two renditions the listing shows at once", "[server][photos]") {
  test_server s;
  market m(s);
  const auto before = s.get("/v1/listings/" + std::to_string(m.listing));  // fills the read cache
  REQUIRE(before.status == 200);
  CHECK(before.json().at("photos").as_array().empty());
  const auto version = before.json().at("version").as_int64();

  const auto r = upload(s, m.listing, sample(), m.farmer);
  INFO(r.body);
  REQUIRE(r.status == 201);
  const auto photo = r.json().as_object();
  CHECK(photo.at("width").as_int64() == 1280);
  CHECK(photo.at("height").as_int64() == 960);

  const auto after = s.get("/v1/listings/" + std::to_string(m.listing));
  REQUIRE(after.status == 200);
  const auto shown = after.json().at("photos").as_array();
  REQUIRE(shown.size() == 1);
  CHECK(shown[0].as_object() == photo);
  CHECK(after.json().at("version").as_int64() == version + 1);

  // The list and search items too.
  for (const auto& target : std::vector<std::string>{"/v1/listings", "/v1/listings?q=" + catalog::pct("脐橙")}) {
    const auto page = s.get(target);
    REQUIRE(page.status == 200);
    bool found = false;
    const auto doc = page.json();
    for (const auto& item : doc.at("items").as_array())
      if (item.at("id").as_int64() == m.listing) {
        found = true;
        CHECK(item.at("photos").as_array() == shown);
      }
    CHECK(found);
  }

  // The renditions: JPEG bytes, immutable, without the upload's metadata.
  for (const auto* key : {"small_url", "large_url"}) {
    const auto url = std::string(photo.at(key).as_string());
    const auto got = s.get(url);
    REQUIRE(got.status == 200);
    CHECK(got.header("content-type") == "image/jpeg");
    CHECK(got.header("cache-control") == "public, max-age=31536000, immutable");
    CHECK(got.body.substr(0, 3) == "\xFF\xD8\xFF");
    CHECK(got.body.find("Exif") == std::string::npos);
    CHECK(got.body.find("ICC_PROFILE") == std::string::npos);
    const auto [w, h] = images::size_of(got.body);
    CHECK(std::max(w, h) == (std::string(key) == "small_url" ? 320 : 1280));
    const auto head = s.send(http::verb::head, url, "", {});
    CHECK(head.status == 200);
    CHECK(head.header("content-length") == std::to_string(got.body.size()));
  }
}

TEST_CASE("the partner running a shop uploads, and archiving keeps the photos", "[server][photos]") {
  test_server s;
  market m(s);
  REQUIRE(upload(s, m.partner_listing, images::png(500, 300), m.partner, "image/png").status == 201);
  REQUIRE(upload(s, m.partner_listing, images::webp(300, 500), m.partner, "image/webp").status == 201);
  const auto r = catalog::patch(s, "/v1/listings/" + std::to_string(m.partner_listing), R"({"status":"archived"})",
                                m.partner);
  REQUIRE(r.status == 200);
  CHECK(r.json().at("photos").as_array().size() == 2);
  const auto shown = listing_photos(s, m.partner_listing);
  REQUIRE(shown.size() == 2);
  CHECK(shown[0].at("width").as_int64() == 500);  // upload order
  CHECK(shown[1].at("width").as_int64() == 300);
}

TEST_CASE("a listing has at most 6 photos", "[server][photos]") {
  test_server s;
  market m(s);
  for (int i = 0; i < 6; ++i) {
    const auto r = upload(s, m.listing, images::jpeg(100 + i, 100), m.farmer);
    REQUIRE(r.status == 201);
  }
  const auto seventh = upload(s, m.listing, images::jpeg(300, 300), m.farmer);
  CHECK(seventh.status == 409);
  CHECK(seventh.type() == "conflict");
  const auto shown = listing_photos(s, m.listing);
  REQUIRE(shown.size() == 6);
  for (std::size_t i = 0; i < 6; ++i) CHECK(shown[i].at("width").as_int64() == static_cast<std::int64_t>(100 + i));
  // Deleting one makes room again.
  const auto del = s.del(photos_of(m.listing) + "/" + std::to_string(shown[2].at("id").as_int64()), m.farmer);
  CHECK(del.status == 204);
  CHECK(upload(s, m.listing, images::jpeg(300, 300), m.farmer).status == 201);
  const auto now = listing_photos(s, m.listing);
  REQUIRE(now.size() == 6);
  CHECK(now[2].at("width").as_int64() == 103);
  CHECK(now[5].at("width").as_int64() == 300);
  // Pages show them in the same order: a browse, a search by relevance, a search by price (each
  // reads its photos its own way: storage/search/listing_search.cpp).
  const auto q = catalog::pct("脐橙");
  for (const auto& target :
       {std::string("/v1/listings?category=fruit"), "/v1/listings?q=" + q, "/v1/listings?sort=price_asc&q=" + q}) {
    INFO(target);
    const auto page = s.get(target);
    REQUIRE(page.status == 200);
    const auto doc = page.json();
    int found = 0;
    for (const auto& item : doc.at("items").as_array())
      if (item.at("id").as_int64() == m.listing) {
        ++found;
        CHECK(item.at("photos").as_array() == now);
      }
    CHECK(found == 1);
  }
}

TEST_CASE("bodies that are not acceptable images", "[server][photos]") {
  test_server s;
  market m(s);
  const auto whole = images::jpeg(800, 600);
  const auto before = s.snapshot();

  const auto truncated = upload(s, m.listing, whole.substr(0, whole.size() / 2), m.farmer);
  CHECK(truncated.status == 422);
  CHECK(truncated.error_fields() == std::vector<std::string>{"body"});
  const auto text = upload(s, m.listing, "this is not a JPEG at all", m.farmer);
  CHECK(text.status == 422);
  CHECK(text.error_fields() == std::vector<std::string>{"body"});
  const auto bomb = upload(s, m.listing, images::png_bomb(50000, 50000), m.farmer, "image/png");
  CHECK(bomb.status == 422);
  CHECK(bomb.error_fields() == std::vector<std::string>{"body"});
  const auto gif = upload(s, m.listing, "GIF89a....", m.farmer, "image/gif");
  CHECK(gif.status == 415);
  CHECK(gif.type() == "unsupported_media_type");
  CHECK(upload(s, m.listing, whole, m.farmer, "application/json").status == 415);

  // 8 MiB is this route's limit; a declared length over it is refused before the body is read.
  const auto huge = upload(s, m.listing, std::string(8 * 1024 * 1024 + 1, 'x'), m.farmer);
  CHECK(huge.status == 413);
  CHECK(huge.type() == "payload_too_large");
  CHECK(huge.body.find("larger than 8388608 bytes") != std::string::npos);
  // Other routes keep the server's 1 MiB.
  const auto big_json = catalog::patch(s, "/v1/listings/" + std::to_string(m.listing),
                                       R"({"description":")" + std::string(2 * 1024 * 1024, 'a') + R"("})", m.farmer);
  CHECK(big_json.status == 413);
  CHECK(big_json.body.find("larger than 1048576 bytes") != std::string::npos);
  // Also when it declares more than the largest limit of any route.
  const auto huge_json = catalog::patch(s, "/v1/listings/" + std::to_string(m.listing),
                                        R"({"description":")" + std::string(9 * 1024 * 1024, 'a') + R"("})", m.farmer);
  CHECK(huge_json.status == 413);
  CHECK(huge_json.body.find("larger than 1048576 bytes") != std::string::npos);
  CHECK(differences(before, s.snapshot()).empty());

  // A JPEG of more than 1 MiB is fine here.
  const auto big = images::large_jpeg(3 * 1024 * 1024);
  REQUIRE(big.size() < 8 * 1024 * 1024);
  const auto ok = upload(s, m.listing, big, m.farmer);
  INFO(ok.body);
  CHECK(ok.status == 201);
}

TEST_CASE("only the shop's managers upload or delete photos, and others change nothing", "[server][photos]") {
  test_server s;
  market m(s);
  const auto r = upload(s, m.listing, sample(), m.farmer);
  REQUIRE(r.status == 201);
  const auto photo_id = r.json().at("id").as_int64();
  const auto target = photos_of(m.listing) + "/" + std::to_string(photo_id);
  const auto other_farmer = s.direct_user(role::farmer, m.village).second;
  const auto buyer = s.direct_user(role::buyer).second;

  const auto before = s.snapshot();
  for (const auto& token : {other_farmer, buyer, m.partner}) {  // m.partner runs another shop
    const auto del = s.del(target, token);
    CHECK(del.status == 403);
    const auto up = upload(s, m.listing, sample(), token);
    CHECK(up.status == 403);
  }
  CHECK(s.del(target, "").status == 401);
  CHECK(upload(s, m.listing, sample(), "").status == 401);
  // Another listing's photo id through this listing, and ids that name nothing.
  const auto theirs = upload(s, m.partner_listing, images::jpeg(64, 64), m.partner);
  REQUIRE(theirs.status == 201);
  const auto after_theirs = s.snapshot();
  CHECK(s.del(photos_of(m.listing) + "/" + std::to_string(theirs.json().at("id").as_int64()), m.farmer).status == 404);
  CHECK(s.del(photos_of(m.listing) + "/987654", m.farmer).status == 404);
  CHECK(s.del(photos_of(987654) + "/" + std::to_string(photo_id), m.farmer).status == 404);
  CHECK(upload(s, 987654, sample(), m.farmer).status == 404);
  CHECK(differences(after_theirs, s.snapshot()).empty());
  // Nothing but the partner's own upload changed.
  for (const auto& line : differences(before, after_theirs, 100)) {
    INFO(line);
    CHECK((line.rfind("listing_photos: +", 0) == 0 || line.rfind("photo_files: +", 0) == 0 ||
           line.rfind("listings: ", 0) == 0));
  }
  CHECK(listing_photos(s, m.listing).size() == 1);

  // A draft's photos: 404 to those who may not see it.
  REQUIRE(catalog::patch(s, "/v1/listings/" + std::to_string(m.listing), R"({"status":"draft"})", m.farmer).status ==
          200);
  CHECK(s.del(target, other_farmer).status == 404);
  CHECK(upload(s, m.listing, sample(), buyer).status == 404);
  CHECK(s.del(target, m.farmer).status == 204);
  CHECK(listing_photos(s, m.listing, m.farmer).empty());
}

TEST_CASE("rendition names: unknown, malformed and deleted ones are 404", "[server][photos]") {
  test_server s;
  market m(s);
  const std::string unknown = "0000000000000000000000000000000000000000000000000000000000000000.jpg";
  CHECK(s.get("/photos/" + unknown).status == 404);
  for (const auto* bad : {"/photos/..", "/photos/../x.db", "/photos/..%2F..%2Fetc%2Fpasswd", "/photos/a/b",
                          "/photos/%2E%2E", "/photos/x.jpg"}) {
    INFO(bad);
    CHECK(s.get(bad).status == 404);
  }
  const auto r = upload(s, m.listing, sample(), m.farmer);
  REQUIRE(r.status == 201);
  const auto large = std::string(r.json().at("large_url").as_string());
  CHECK(s.get(large).status == 200);
  REQUIRE(s.del(photos_of(m.listing) + "/" + std::to_string(r.json().at("id").as_int64()), m.farmer).status == 204);
  CHECK(s.get(large).status == 404);  // no photo names it any more: gone
}

TEST_CASE("identical uploads share their renditions", "[server][photos]") {
  test_server s;
  market m(s);
  const auto a = upload(s, m.listing, sample(), m.farmer);
  const auto b = upload(s, m.partner_listing, sample(), m.partner);
  REQUIRE(a.status == 201);
  REQUIRE(b.status == 201);
  CHECK(a.json().at("small_url") == b.json().at("small_url"));
  CHECK(a.json().at("large_url") == b.json().at("large_url"));
  CHECK(a.json().at("id") != b.json().at("id"));
  CHECK(s.number("SELECT count(*) FROM photo_files") == 2);
  // Deleting one photo keeps the files the other still names.
  REQUIRE(s.del(photos_of(m.listing) + "/" + std::to_string(a.json().at("id").as_int64()), m.farmer).status == 204);
  CHECK(s.get(std::string(b.json().at("large_url").as_string())).status == 200);
  CHECK(s.get(std::string(b.json().at("small_url").as_string())).status == 200);
}

TEST_CASE("a backup carries the photos", "[server][photos][sqlite]") {
  test_server s;
  market m(s);
  const auto r = upload(s, m.listing, sample(), m.farmer);
  REQUIRE(r.status == 201);
  const auto served = s.get(std::string(r.json().at("large_url").as_string()));
  REQUIRE(served.status == 200);
  const auto to = s.db().path() + ".backup";
  storage::backup(s.db().path(), to);
  storage::connection c(to, storage::open_mode::read_only);
  const auto bytes = storage::find_photo_bytes(c, name_of(r.json().at("large_url")));
  REQUIRE(bytes);
  CHECK(*bytes == served.body);
  const auto photos = storage::find_listing_photos(c, m.listing);
  REQUIRE(photos.size() == 1);
  CHECK(photos[0].id == r.json().at("id").as_int64());
  CHECK(storage::find_photo_bytes(c, photos[0].small_name));
}

TEST_CASE("uploads beyond the image pool's places are 503, and 20 at once stay bounded", "[server][photos]") {
  SECTION("no place: 503 overloaded with Retry-After, nothing stored") {
    test_server s([](server::server_config& c) { c.photo_jobs_max = 0; });
    market m(s);
    const auto before = s.snapshot();
    const auto r = upload(s, m.listing, sample(), m.farmer);
    CHECK(r.status == 503);
    CHECK(r.type() == "overloaded");
    CHECK(r.header("retry-after") == "1");
    CHECK(differences(before, s.snapshot()).empty());
  }
  SECTION("20 concurrent uploads of a 12-megapixel photo") {
    test_server s;
    market m(s);
    std::vector<std::int64_t> listings;
    for (int i = 0; i < 20; ++i) listings.push_back(m.new_listing(m.farmer, m.shop, 10, 100));
    const auto big = images::jpeg(4000, 3000, false, 95);
    const auto before = rss_kib();
    std::vector<unsigned> statuses(listings.size());
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < listings.size(); ++i)
      threads.emplace_back([&, i] { statuses[i] = upload(s, listings[i], big, m.farmer).status; });
    for (auto& t : threads) t.join();
    const auto after = rss_kib();
    std::size_t made = 0;
    for (const auto st : statuses) {
      CHECK((st == 201 || st == 503));
      made += st == 201;
    }
    CHECK(made >= 2);
    // At most 2 decode at once, 8 admitted: nowhere near 20 x 36 MB of decoded pixels.
    CHECK(after - before < 300 * 1024);
  }
}
