// photos/renditions.hpp: what an upload becomes, and what it may not be.
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <string>

#include "photos/renditions.hpp"
#include "support/images.hpp"

using namespace cunji;
using namespace cunji::test;

namespace {

bool contains(const std::string& hay, std::string_view needle) { return hay.find(needle) != std::string::npos; }

// The resident set of this process, in KiB (VmRSS of /proc/self/status).
long rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

void check_rendition(const photos::rendition& r, int long_side_max) {
  const auto [w, h] = images::size_of(r.bytes);
  CHECK(w == r.width);
  CHECK(h == r.height);
  CHECK(std::max(w, h) <= long_side_max);
  CHECK(photos::is_rendition_name(r.name));
  CHECK(r.bytes.substr(0, 3) == "\xFF\xD8\xFF");
}

}  // namespace

TEST_CASE("renditions lose every metadata block and fit their sizes", "[photos]") {
  const auto upload = images::jpeg(2000, 1500, true);
  // The fixture has them all, so their absence below means something.
  REQUIRE(contains(upload, "Exif"));
  REQUIRE(contains(upload, "http://ns.adobe.com/xap"));
  REQUIRE(contains(upload, "ICC_PROFILE"));
  REQUIRE(images::has_gps(upload));

  const auto made = photos::make_renditions(upload, photos::media_type::jpeg);
  REQUIRE(made.ok());
  for (const auto* r : {&made->small, &made->large}) {
    CHECK_FALSE(contains(r->bytes, "Exif"));
    CHECK_FALSE(contains(r->bytes, "http://ns.adobe.com/xap"));
    CHECK_FALSE(contains(r->bytes, "ICC_PROFILE"));
    CHECK_FALSE(images::has_gps(r->bytes));
  }
  check_rendition(made->small, 320);
  check_rendition(made->large, 1280);
  CHECK(made->small.width == 320);
  CHECK(made->small.height == 240);
  CHECK(made->large.width == 1280);
  CHECK(made->large.height == 960);
}

TEST_CASE("small uploads are never enlarged", "[photos]") {
  const auto made = photos::make_renditions(images::jpeg(200, 500), photos::media_type::jpeg);
  REQUIRE(made.ok());
  CHECK(made->large.width == 200);
  CHECK(made->large.height == 500);
  CHECK(made->small.width == 128);
  CHECK(made->small.height == 320);
  const auto tiny = photos::make_renditions(images::jpeg(40, 30), photos::media_type::jpeg);
  REQUIRE(tiny.ok());
  CHECK(tiny->small.width == 40);
  CHECK(tiny->large.width == 40);
  CHECK(tiny->small.name == tiny->large.name);  // the same bytes, one name
}

TEST_CASE("PNG with alpha, 16-bit PNG and WebP become JPEG renditions", "[photos]") {
  for (const auto& [bytes, type] : {std::pair{images::png(1600, 400), photos::media_type::png},
                                    std::pair{images::png(700, 700, true), photos::media_type::png},
                                    std::pair{images::webp(3000, 1000), photos::media_type::webp}}) {
    const auto made = photos::make_renditions(bytes, type);
    REQUIRE(made.ok());
    check_rendition(made->small, 320);
    check_rendition(made->large, 1280);
  }
}

TEST_CASE("identical uploads give identical names, and names are the bytes' SHA-256", "[photos]") {
  const auto upload = images::jpeg(900, 600);
  const auto a = photos::make_renditions(upload, photos::media_type::jpeg);
  const auto b = photos::make_renditions(upload, photos::media_type::jpeg);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->small.name == b->small.name);
  CHECK(a->large.name == b->large.name);
  CHECK(a->small.name != a->large.name);
  // SHA-256 of "" is e3b0...; a name is 64 hex digits of the bytes' hash and ".jpg".
  CHECK(photos::is_rendition_name("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855.jpg"));
  CHECK_FALSE(photos::is_rendition_name("../e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8.jpg"));
  CHECK_FALSE(photos::is_rendition_name("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855.jpg"));
  CHECK_FALSE(photos::is_rendition_name(".."));
}

TEST_CASE("a PNG declaring 50000 x 50000 pixels is refused from its header, quickly", "[photos]") {
  const auto bomb = images::png_bomb(50000, 50000);
  CHECK(bomb.size() < 1000);
  const auto before = rss_kib();
  const auto start = std::chrono::steady_clock::now();
  const auto made = photos::make_renditions(bomb, photos::media_type::png);
  const auto took = std::chrono::steady_clock::now() - start;
  const auto after = rss_kib();
  REQUIRE_FALSE(made.ok());
  CHECK(made.err().code == errc::validation_failed);
  REQUIRE(made.err().errors.size() == 1);
  CHECK(made.err().errors[0].field == "body");
  CHECK(made.err().errors[0].message == "has more than 40 megapixels");
  CHECK(took < std::chrono::seconds(2));
  // Decoding it would take 7.5 GB.
  CHECK(after - before < 200 * 1024);
}

TEST_CASE("a body that is not a whole image of its declared type is refused", "[photos]") {
  const auto whole = images::jpeg(800, 600);
  const auto refused = [](const std::string& bytes, photos::media_type t) {
    const auto made = photos::make_renditions(bytes, t);
    if (made.ok()) return false;
    return made.err().code == errc::validation_failed && made.err().errors.size() == 1 &&
           made.err().errors[0].field == "body";
  };
  CHECK(refused(whole.substr(0, whole.size() / 2), photos::media_type::jpeg));  // truncated
  CHECK(refused("just some text, not an image", photos::media_type::jpeg));
  CHECK(refused("", photos::media_type::jpeg));
  CHECK(refused(whole, photos::media_type::png));                     // a JPEG declared as PNG
  CHECK(refused(images::png_bomb(64, 64), photos::media_type::png));  // rows missing
  CHECK(refused(std::string("\xFF\xD8\xFF\xE0", 4) + std::string(100, '\0'), photos::media_type::jpeg));
  CHECK(refused(std::string("RIFF\x10\0\0\0WEBPVP8 ", 16), photos::media_type::webp));
  CHECK_FALSE(refused(whole, photos::media_type::jpeg));
}

TEST_CASE("media types", "[photos]") {
  CHECK(photos::parse_media_type("image/jpeg") == photos::media_type::jpeg);
  CHECK(photos::parse_media_type("Image/PNG; charset=binary") == photos::media_type::png);
  CHECK(photos::parse_media_type("image/webp") == photos::media_type::webp);
  CHECK_FALSE(photos::parse_media_type("image/gif"));
  CHECK_FALSE(photos::parse_media_type("application/json"));
  CHECK_FALSE(photos::parse_media_type(""));
}
