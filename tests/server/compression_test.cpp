// gzip answers (server/compression.hpp, server/finish.hpp): the Accept-Encoding parser, which
// answers are compressed and which not, entity tags and If-None-Match of both representations,
// and cached answers that are never compressed again.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <string>

#include "catalog_helpers.hpp"
#include "order_fixture.hpp"
#include "server/compression.hpp"
#include "support/images.hpp"
#include "test_client.hpp"

using namespace cunji;
using namespace cunji::test;
using server::parse_accept_encoding;

namespace {

bool prefers_gzip(std::string_view accept_encoding) { return parse_accept_encoding(accept_encoding).prefer_gzip(); }

const header_list gzip_please{{"Accept-Encoding", "gzip, deflate, br"}};

reply get_with(test_server& s, const std::string& target, const header_list& h) {
  return s.send(http::verb::get, target, "", h);
}

bool is_gzip_member(const std::string& bytes) {
  return bytes.size() > 18 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

// Listings whose page is well over gzip_min_bytes: a long description each.
std::int64_t add_wordy_listings(test_server& s, market& m, int n) {
  std::int64_t last = 0;
  for (int i = 0; i < n; ++i) {
    const auto body = R"({"title":"奉节脐橙 )" + std::to_string(i) +
                      R"( 斤","category":"fruit","unit":"box","price_fen":3900,"stock":50,"description":")" +
                      catalog::repeat("果园直发，现摘现发，酸甜多汁。", 20) + R"("})";
    const auto r = s.post("/v1/shops/" + std::to_string(m.shop) + "/listings", body, m.farmer);
    REQUIRE(r.status == 201);
    last = r.json().at("id").as_int64();
  }
  return last;
}

std::uint64_t compressions(test_server& s) { return s.srv().app().stats().compressions(); }

}  // namespace

TEST_CASE("Accept-Encoding: q-values, *, identity, case and white space", "[server][gzip]") {
  CHECK(prefers_gzip("gzip"));
  CHECK(prefers_gzip("GZip"));
  CHECK(prefers_gzip("x-gzip"));
  CHECK(prefers_gzip(" deflate ,\tgzip ; q=0.9 , br"));
  CHECK(prefers_gzip("br;q=1.0, gzip;q=0.8"));
  CHECK(prefers_gzip("gzip;Q=1"));
  CHECK(prefers_gzip("gzip;q=1.000"));
  CHECK(prefers_gzip("*"));
  CHECK(prefers_gzip("identity;q=0.5, *"));
  CHECK(prefers_gzip("gzip;q=0.5, identity;q=0.5"));  // a tie: the smaller one

  CHECK_FALSE(prefers_gzip(""));
  CHECK_FALSE(prefers_gzip("identity"));
  CHECK_FALSE(prefers_gzip("deflate, br"));
  CHECK_FALSE(prefers_gzip("gzip;q=0"));
  CHECK_FALSE(prefers_gzip("gzip ; q=0.000"));
  CHECK_FALSE(prefers_gzip("GZIP;Q=0"));
  CHECK_FALSE(prefers_gzip("*, gzip;q=0"));  // named beats *
  CHECK_FALSE(prefers_gzip("*;q=0"));
  CHECK_FALSE(prefers_gzip("gzip;q=0.5, identity"));  // identity is wanted more
  CHECK_FALSE(prefers_gzip("gzip;q=0, gzip"));        // the first mention counts
  CHECK_FALSE(prefers_gzip("gzipx, xgzip"));

  // A malformed q-value drops its element.
  CHECK_FALSE(prefers_gzip("gzip;q=1.5"));
  CHECK_FALSE(prefers_gzip("gzip;q=0.0001"));
  CHECK_FALSE(prefers_gzip("gzip;q=high"));
  CHECK_FALSE(prefers_gzip("gzip;q="));
  CHECK_FALSE(prefers_gzip("gzip;q=.5"));
  CHECK(prefers_gzip("gzip;q=2, x-gzip"));

  const auto a = parse_accept_encoding("gzip;q=0.25, identity;q=0.125");
  CHECK(a.gzip == 250);
  CHECK(a.identity == 125);
  CHECK(parse_accept_encoding("br").identity > 0);  // identity unless refused ...
  CHECK(prefers_gzip("gzip;q=0.001"));              // ... but unnamed, the least wanted

  // Several header lines count as one list; no header at all: identity.
  server::request req{http::verb::get, "/", 11};
  CHECK_FALSE(server::accepted_by(req).prefer_gzip());
  req.insert(http::field::accept_encoding, "deflate");
  req.insert(http::field::accept_encoding, "gzip");
  CHECK(server::accepted_by(req).prefer_gzip());
}

TEST_CASE("compressible types, gzip entity tags, If-None-Match matching", "[server][gzip]") {
  for (const char* t : {"application/json", "Application/JSON", "application/problem+json", "text/html; charset=utf-8",
                        "text/plain; version=0.0.4; charset=utf-8"})
    CHECK(server::is_compressible_type(t));
  for (const char* t : {"image/jpeg", "image/webp", "image/png", "image/svg+xml", "application/octet-stream", ""})
    CHECK_FALSE(server::is_compressible_type(t));

  CHECK(server::gzip_etag("\"12-3\"") == "\"12-3-gzip\"");
  CHECK(server::gzip_etag("W/\"x\"") == "W/\"x-gzip\"");

  CHECK(server::none_match_fails("\"12-3\"", "\"12-3\""));
  CHECK(server::none_match_fails("\"1-1\", W/\"12-3\"", "\"12-3\""));  // weak comparison
  CHECK(server::none_match_fails(" * ", "\"12-3\""));
  CHECK_FALSE(server::none_match_fails("\"12-3\"", "\"12-3-gzip\""));
  CHECK_FALSE(server::none_match_fails("\"12-4\"", "\"12-3\""));
  CHECK_FALSE(server::none_match_fails("12-3", "\"12-3\""));  // not a quoted tag
  CHECK_FALSE(server::none_match_fails("", "\"12-3\""));

  const std::string text = catalog::repeat(R"({"id":1,"title":"奉节脐橙"},)", 200);
  const auto packed = server::gzip(text);
  CHECK(is_gzip_member(packed));
  CHECK(packed.size() < text.size() / 5);
  CHECK(gunzip(packed) == text);
}

TEST_CASE("a large search page with Accept-Encoding: gzip inflates to the identity body", "[server][gzip]") {
  test_server s;
  market m(s);
  add_wordy_listings(s, m, 12);
  const std::string target = "/v1/listings?limit=50&q=" + catalog::pct("脐橙");
  const auto plain = s.get(target);
  REQUIRE(plain.status == 200);
  REQUIRE(plain.body.size() > 10'000);
  CHECK(plain.header("content-encoding").empty());
  CHECK(plain.header("vary") == "Accept-Encoding");  // also uncompressed: caches keep them apart

  const auto zipped = get_with(s, target, gzip_please);
  REQUIRE(zipped.status == 200);
  CHECK(zipped.header("content-encoding") == "gzip");
  CHECK(zipped.header("vary") == "Accept-Encoding");
  CHECK(zipped.header("content-type") == "application/json");
  CHECK(is_gzip_member(zipped.wire));
  CHECK(zipped.header("content-length") == std::to_string(zipped.wire.size()));
  CHECK(zipped.wire.size() < plain.body.size() / 4);
  CHECK(zipped.decode_error.empty());
  CHECK(zipped.body == plain.body);

  // Refused or not preferred: identity, still with Vary.
  for (const char* ae : {"gzip;q=0", "identity, gzip;q=0.5", "br", "*;q=0, identity"}) {
    INFO(ae);
    const auto r = get_with(s, target, {{"Accept-Encoding", ae}});
    REQUIRE(r.status == 200);
    CHECK(r.header("content-encoding").empty());
    CHECK(r.header("vary") == "Accept-Encoding");
    CHECK(r.wire == plain.body);
  }
}

TEST_CASE("small bodies and images are not compressed", "[server][gzip]") {
  test_server s;
  market m(s);
  const auto health = get_with(s, "/healthz", gzip_please);
  CHECK(health.status == 200);
  CHECK(health.header("content-encoding").empty());
  CHECK(health.header("vary") == "Accept-Encoding");
  const auto listing = get_with(s, "/v1/listings/" + std::to_string(m.listing), gzip_please);
  REQUIRE(listing.status == 200);
  REQUIRE(listing.body.size() < server::gzip_min_bytes);
  CHECK(listing.header("content-encoding").empty());
  CHECK(listing.header("etag") ==
        "\"" + std::to_string(m.listing) + "-" + std::to_string(listing.json().at("version").as_int64()) + "\"");
  const auto missing = get_with(s, "/v1/listings/999999", gzip_please);  // a small problem
  CHECK(missing.status == 404);
  CHECK(missing.header("content-encoding").empty());

  const auto up = s.send(http::verb::post, "/v1/listings/" + std::to_string(m.listing) + "/photos",
                         images::jpeg(1600, 1200, true),
                         {{"Content-Type", "image/jpeg"}, {"Authorization", "Bearer " + m.farmer}});
  REQUIRE(up.status == 201);
  const auto photo = get_with(s, std::string(up.json().at("large_url").as_string()), gzip_please);
  REQUIRE(photo.status == 200);
  REQUIRE(photo.wire.size() > server::gzip_min_bytes);
  CHECK(photo.header("content-type") == "image/jpeg");
  CHECK(photo.header("content-encoding").empty());
  CHECK(photo.header("vary").empty());
}

TEST_CASE("the gzip answer has its own ETag, and If-None-Match works for both", "[server][gzip]") {
  test_server s;
  market m(s);
  const auto id = add_wordy_listings(s, m, 1);
  const auto target = "/v1/listings/" + std::to_string(id);
  const auto plain = s.get(target);
  REQUIRE(plain.status == 200);
  REQUIRE(plain.body.size() >= server::gzip_min_bytes);
  const auto tag = plain.header("etag");
  const auto version = std::to_string(plain.json().at("version").as_int64());
  CHECK(tag == "\"" + std::to_string(id) + "-" + version + "\"");
  const auto zipped = get_with(s, target, gzip_please);
  REQUIRE(zipped.header("content-encoding") == "gzip");
  const auto gzip_tag = zipped.header("etag");
  CHECK(gzip_tag == "\"" + std::to_string(id) + "-" + version + "-gzip\"");
  CHECK(zipped.body == plain.body);

  auto conditional = [&](const std::string& inm, bool gzip) {
    header_list h{{"If-None-Match", inm}};
    if (gzip) h.emplace_back("Accept-Encoding", "gzip");
    return get_with(s, target, h);
  };
  // The tag of the representation the request would get: 304, with that tag and Vary.
  const auto not_modified = conditional(gzip_tag, true);
  CHECK(not_modified.status == 304);
  CHECK(not_modified.wire.empty());
  CHECK(not_modified.header("etag") == gzip_tag);
  CHECK(not_modified.header("vary") == "Accept-Encoding");
  CHECK(not_modified.header("content-encoding").empty());
  CHECK(conditional(tag, false).status == 304);
  CHECK(conditional("\"1-1\", W/" + gzip_tag, true).status == 304);
  CHECK(conditional("*", true).status == 304);
  // The other representation's tag: the full answer.
  const auto other = conditional(tag, true);
  CHECK(other.status == 200);
  CHECK(other.header("etag") == gzip_tag);
  CHECK(other.body == plain.body);
  CHECK(conditional(gzip_tag, false).status == 200);

  // HEAD of a cached answer: GET's headers, Content-Length of the gzip body included.
  const auto head = s.send(http::verb::head, target, "", gzip_please);
  CHECK(head.status == 200);
  CHECK(head.header("content-encoding") == "gzip");
  CHECK(head.header("etag") == gzip_tag);
  CHECK(head.header("content-length") == std::to_string(zipped.wire.size()));

  // A gzip tag names the same version for If-Match.
  const auto patched = catalog::patch(s, target, R"({"stock":7})", m.farmer, {{"If-Match", gzip_tag}});
  CHECK(patched.status == 200);
  CHECK(conditional(gzip_tag, true).status == 200);  // a new version
}

TEST_CASE("a cached answer is served gzip-compressed without compressing again", "[server][gzip][cache]") {
  test_server s;
  market m(s);
  add_wordy_listings(s, m, 5);
  const std::string target = "/v1/listings?limit=10";
  const auto before = compressions(s);
  const auto first = get_with(s, target, gzip_please);  // a miss: rendered, compressed, stored
  REQUIRE(first.header("content-encoding") == "gzip");
  CHECK(compressions(s) == before + 1);
  const auto hits = s.srv().app().responses().counts().hits;
  for (int i = 0; i < 3; ++i) {
    const auto again = get_with(s, target, gzip_please);
    CHECK(again.header("content-encoding") == "gzip");
    CHECK(again.wire == first.wire);
  }
  const auto plain = s.get(target);
  CHECK(plain.header("content-encoding").empty());
  CHECK(plain.body == first.body);
  CHECK(s.srv().app().responses().counts().hits == hits + 4);
  CHECK(compressions(s) == before + 1);

  // An answer that is not cached is compressed each time (here /metrics, text/plain).
  const auto metrics = get_with(s, "/metrics", gzip_please);
  REQUIRE(metrics.status == 200);
  CHECK(metrics.header("content-encoding") == "gzip");
  CHECK(metrics.body.find("cunji_http_gzip_compressions_total") != std::string::npos);
  CHECK(compressions(s) == before + 2);
  // Its HEAD names the coding but is not compressed, so it has no Content-Length.
  const auto head = s.send(http::verb::head, "/metrics", "", gzip_please);
  CHECK(head.status == 200);
  CHECK(head.header("content-encoding") == "gzip");
  CHECK(head.header("content-length").empty());
  CHECK(compressions(s) == before + 2);
}

TEST_CASE("a cached answer gets its gzip bytes from the first client that asks", "[server][gzip][cache]") {
  test_server s;
  market m(s);
  add_wordy_listings(s, m, 5);
  const std::string target = "/v1/listings?limit=10";
  const auto before = compressions(s);
  const auto plain = s.get(target);  // a miss by an identity client: stored without gzip bytes
  REQUIRE(plain.status == 200);
  CHECK(plain.header("content-encoding").empty());
  CHECK(compressions(s) == before);
  CHECK(s.get(target).body == plain.body);  // a hit, still nothing compressed
  CHECK(compressions(s) == before);
  const auto zipped = get_with(s, target, gzip_please);  // a hit: compressed once and stored again
  REQUIRE(zipped.header("content-encoding") == "gzip");
  CHECK(zipped.body == plain.body);
  CHECK(compressions(s) == before + 1);
  const auto again = get_with(s, target, gzip_please);
  CHECK(again.wire == zipped.wire);
  CHECK(compressions(s) == before + 1);
  CHECK(s.get(target).body == plain.body);
}

TEST_CASE("the OpenAPI document is compressed once", "[server][gzip]") {
  test_server s;
  const auto plain = s.get("/openapi.json");
  REQUIRE(plain.status == 200);
  const auto first = get_with(s, "/openapi.json", gzip_please);
  const auto after_first = compressions(s);  // 1, or 0 when an earlier test compressed it
  const auto second = get_with(s, "/openapi.json", gzip_please);
  CHECK(compressions(s) == after_first);
  CHECK(first.header("content-encoding") == "gzip");
  CHECK(first.body == plain.body);
  CHECK(second.wire == first.wire);
  CHECK(first.wire.size() < plain.body.size() / 5);
}
