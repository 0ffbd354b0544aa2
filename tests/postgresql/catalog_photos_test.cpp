// Listing photos on the PostgreSQL engine, through the storage seam (storage/catalog.hpp): at
// most six, removed with the files no other photo names, bytes stored exactly.
#include <algorithm>
#include <catch2/catch.hpp>
#include <random>

#include "postgresql/catalog_fixture.hpp"

using namespace cunji;
using namespace cunji::storage;
using cunji::test::pg_catalog_fixture;

namespace {

// Bytes of every value (NUL, backslash, quotes, non-UTF-8) and `n` more at random.
std::string bytes_of(std::size_t n, unsigned seed) {
  std::string out;
  for (int b = 0; b < 256; ++b) out += static_cast<char>(b);
  std::mt19937 gen(seed);
  std::uniform_int_distribution<int> byte(0, 255);
  for (std::size_t i = 0; i < n; ++i) out += static_cast<char>(byte(gen));
  return out;
}

photo_upload upload(std::int64_t listing_id, const account& caller, int i, unix_seconds now) {
  photo_upload u;
  u.listing_id = listing_id;
  u.caller = caller;
  u.small = {"small-" + std::to_string(i) + ".jpg", bytes_of(100, static_cast<unsigned>(i))};
  u.large = {"large-" + std::to_string(i) + ".jpg", bytes_of(300'000, static_cast<unsigned>(1000 + i))};
  u.width = 1200;
  u.height = 900 + i;
  u.now = now;
  return u;
}

listing_creation pears(std::int64_t shop_id, const account& caller) {
  listing_creation l;
  l.shop_id = shop_id;
  l.caller = caller;
  l.fields.title = "砀山梨";
  l.fields.category = "fruit";
  l.fields.unit = "kg";
  l.fields.price_fen = 800;
  l.fields.stock = 10;
  l.now = 1000;
  return l;
}

// 201, 409 or 500 (another error): an upload's status.
task<int> upload_status(catalog_store& cat, photo_upload u) {
  const auto p = co_await cat.add_photo(std::move(u));
  if (p.ok()) co_return 201;
  co_return p.err().code == errc::conflict ? 409 : 500;
}

}  // namespace

TEST_CASE("PostgreSQL catalog photos: six at most, in upload order, each bump the version") {
  pg_catalog_fixture f;
  auto& cat = f.catalog();
  const auto farmer = f.make_account(role::farmer, f.village_a);
  const auto other_farmer = f.make_account(role::farmer, f.village_a);
  const auto s = f.run(cat.open_shop({farmer, "梨园", "", std::nullopt, 10})).value();
  const auto l = f.run(cat.create_listing(pears(s.id, farmer))).value();

  CHECK(f.run(cat.check_photo_upload(l.id, other_farmer)).err().code == errc::forbidden);
  CHECK(f.run(cat.check_photo_upload(999'999, farmer)).err().code == errc::not_found);
  CHECK(f.run(cat.add_photo(upload(l.id, other_farmer, 0, 1100))).err().code == errc::forbidden);
  std::vector<std::int64_t> ids;
  for (int i = 1; i <= 6; ++i) {
    const auto target = f.run(cat.check_photo_upload(l.id, farmer));
    REQUIRE(target.ok());
    CHECK(target->photos.size() == static_cast<std::size_t>(i - 1));
    const auto p = f.run(cat.add_photo(upload(l.id, farmer, i, 1100 + i)));
    REQUIRE(p.ok());
    CHECK(p->small_name == "small-" + std::to_string(i) + ".jpg");
    CHECK(p->large_name == "large-" + std::to_string(i) + ".jpg");
    CHECK(p->width == 1200);
    CHECK(p->height == 900 + i);
    ids.push_back(p->id);
  }
  const auto full = f.run(cat.check_photo_upload(l.id, farmer));
  REQUIRE_FALSE(full.ok());
  CHECK(full.err().code == errc::conflict);
  CHECK(f.run(cat.add_photo(upload(l.id, farmer, 7, 1200))).err().code == errc::conflict);
  CHECK(f.scalar("SELECT count(*) FROM photo_files") == 12);

  const auto seen = f.run(cat.find_listing(l.id, std::nullopt));
  REQUIRE(seen.ok());
  CHECK(seen->version == 7);
  CHECK(seen->updated_at == 1106);
  REQUIRE(seen->photos.size() == 6);
  for (std::size_t i = 0; i < 6; ++i) CHECK(seen->photos[i].id == ids[i]);

  // Deleting one makes room; the next goes last.
  const auto less = f.run(cat.remove_photo(l.id, ids[1], farmer, 1300));
  REQUIRE(less.ok());
  CHECK(less->version == 8);
  CHECK(less->updated_at == 1300);
  REQUIRE(less->photos.size() == 5);
  CHECK(less->photos[1].id == ids[2]);
  const auto again = f.run(cat.add_photo(upload(l.id, farmer, 2, 1400)));
  REQUIRE(again.ok());
  const auto now = f.run(cat.find_listing(l.id, farmer));
  REQUIRE(now->photos.size() == 6);
  CHECK(now->photos.back().id == again->id);
}

TEST_CASE("PostgreSQL catalog photos: uploads at once to one listing stop at six") {
  pg_catalog_fixture f;
  auto& cat = f.catalog();
  const auto farmer = f.make_account(role::farmer, f.village_a);
  const auto s = f.run(cat.open_shop({farmer, "梨园", "", std::nullopt, 10})).value();
  const auto l = f.run(cat.create_listing(pears(s.id, farmer))).value();
  for (int i = 1; i <= 3; ++i) REQUIRE(f.run(cat.add_photo(upload(l.id, farmer, i, 1100))).ok());
  std::vector<task<int>> uploads;
  for (int i = 4; i <= 7; ++i) uploads.push_back(upload_status(cat, upload(l.id, farmer, i, 1200)));
  const auto statuses = f.run_together(std::move(uploads));
  CHECK(std::count(statuses.begin(), statuses.end(), 201) == 3);
  CHECK(std::count(statuses.begin(), statuses.end(), 409) == 1);
  const auto seen = f.run(cat.find_listing(l.id, farmer));
  REQUIRE(seen->photos.size() == 6);
  CHECK(seen->version == 7);
  CHECK(f.scalar("SELECT count(DISTINCT position) FROM listing_photos") == 6);
}

TEST_CASE("PostgreSQL catalog photos: bytes round-trip, files shared and dropped with their last photo") {
  pg_catalog_fixture f;
  auto& cat = f.catalog();
  const auto farmer = f.make_account(role::farmer, f.village_a);
  const auto other_farmer = f.make_account(role::farmer, f.village_a);
  const auto s = f.run(cat.open_shop({farmer, "梨园", "", std::nullopt, 10})).value();
  const auto l1 = f.run(cat.create_listing(pears(s.id, farmer))).value();
  const auto l2 = f.run(cat.create_listing(pears(s.id, farmer))).value();

  const auto u = upload(l1.id, farmer, 1, 1100);
  const auto p1 = f.run(cat.add_photo(u)).value();
  CHECK(f.run(cat.photo_bytes(u.small.name)) == u.small.bytes);
  CHECK(f.run(cat.photo_bytes(u.large.name)) == u.large.bytes);
  CHECK_FALSE(f.run(cat.photo_bytes("missing.jpg")));

  // The same files on another listing are stored once; the first bytes stay.
  auto same = upload(l2.id, farmer, 1, 1200);
  same.small.bytes = "other bytes";
  const auto p2 = f.run(cat.add_photo(same)).value();
  CHECK(f.scalar("SELECT count(*) FROM photo_files") == 2);
  CHECK(f.run(cat.photo_bytes(u.small.name)) == u.small.bytes);

  // Not the listing's photo, not the caller's listing, no such photo.
  CHECK(f.run(cat.remove_photo(l1.id, p2.id, farmer, 1300)).err().code == errc::not_found);
  CHECK(f.run(cat.remove_photo(l1.id, p1.id, other_farmer, 1300)).err().code == errc::forbidden);
  CHECK(f.run(cat.remove_photo(999'999, p1.id, farmer, 1300)).err().code == errc::not_found);
  CHECK(f.run(cat.remove_photo(l1.id, 999'999, farmer, 1300)).err().code == errc::not_found);
  CHECK(f.run(cat.find_listing(l1.id, std::nullopt))->version == 2);

  REQUIRE(f.run(cat.remove_photo(l1.id, p1.id, farmer, 1300)).ok());
  CHECK(f.run(cat.photo_bytes(u.large.name)) == u.large.bytes);  // p2 names it still
  const auto bare = f.run(cat.remove_photo(l2.id, p2.id, farmer, 1400));
  REQUIRE(bare.ok());
  CHECK(bare->photos.empty());
  CHECK(bare->version == 3);
  CHECK_FALSE(f.run(cat.photo_bytes(u.small.name)));
  CHECK_FALSE(f.run(cat.photo_bytes(u.large.name)));
  CHECK(f.scalar("SELECT count(*) FROM photo_files") == 0);
}

TEST_CASE("PostgreSQL catalog photos: a listing created with its first photo, browse attaches photos") {
  pg_catalog_fixture f;
  auto& cat = f.catalog();
  const auto farmer = f.make_account(role::farmer, f.village_a);
  const auto s = f.run(cat.open_shop({farmer, "梨园", "", std::nullopt, 10})).value();
  auto with_photo = pears(s.id, farmer);
  with_photo.photo = upload(0, account{}, 1, 0);  // listing, caller and time are the listing's
  const auto made = f.run(cat.create_listing(with_photo));
  REQUIRE(made.ok());
  CHECK(made->version == 2);
  CHECK(made->updated_at == 1000);
  REQUIRE(made->photos.size() == 1);
  CHECK(made->photos[0].large_name == "large-1.jpg");
  CHECK(f.scalar("SELECT created_at FROM listing_photos") == 1000);
  CHECK(f.run(cat.photo_bytes("large-1.jpg")) == with_photo.photo->large.bytes);

  // Browsing is the search area's (storage/postgresql/sql/listing_search.hpp): here only that
  // the use case calls it and gives each listing it finds its photos.
  listing_query q;
  q.limit = 10;
  const auto found = f.run(cat.browse(q));
  for (const auto& l : found.items)
    if (l.id == made->id) CHECK(l.photos.size() == 1);
}
