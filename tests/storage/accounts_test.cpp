#include "storage/sql/accounts.hpp"

#include <catch2/catch.hpp>

#include "storage/sql/regions.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/migrations.hpp"

using namespace cunji;
using namespace cunji::storage;

namespace {
connection fresh() {
  connection c(":memory:", open_mode::read_write);
  migrate(c);
  return c;
}
token_hash hash_of(unsigned char b) {
  token_hash h{};
  h.fill(b);
  return h;
}
}  // namespace

TEST_CASE("accounts: phone is unique, villages must exist", "[storage][accounts]") {
  auto c = fresh();
  const auto county = insert_county(c, "吉木乃县", "新疆维吾尔自治区", true, 100);
  const auto village = insert_village(c, county.id, "托斯特乡村", 100);
  REQUIRE(village.ok());

  registration farmer{role::farmer, "阿依古丽", "13900000001", "password1", village->id};
  auto a = insert_account(c, farmer, "hash", 200);
  REQUIRE(a.ok());
  CHECK(a->role == role::farmer);
  CHECK(a->village_id == village->id);
  CHECK(a->created_at == 200);

  auto dup = insert_account(c, farmer, "hash", 201);
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.err().code == errc::conflict);

  registration lost{role::farmer, "x", "13900000002", "password1", 999};
  auto bad = insert_account(c, lost, "hash", 202);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.err().code == errc::validation_failed);
  CHECK(bad.err().errors.at(0).field == "village_id");

  auto found = find_account(c, a->id);
  REQUIRE(found);
  CHECK(found->phone == "13900000001");
  auto creds = find_credentials(c, "13900000001");
  REQUIRE(creds);
  CHECK(creds->password_hash == "hash");
  CHECK_FALSE(find_credentials(c, "13900000009"));
}

TEST_CASE("sessions expire and can be deleted", "[storage][accounts]") {
  auto c = fresh();
  auto a = insert_account(c, {role::buyer, "b", "13900000001", "password1", std::nullopt}, "h", 0);
  REQUIRE(a.ok());
  insert_session(c, hash_of(1), a->id, 1000, 2000);
  insert_session(c, hash_of(2), a->id, 1000, 5000);
  CHECK(account_by_session(c, hash_of(1), 1999));
  CHECK_FALSE(account_by_session(c, hash_of(1), 2000));  // expired at expires_at
  CHECK_FALSE(account_by_session(c, hash_of(3), 1000));  // unknown
  CHECK(delete_session(c, hash_of(2)));
  CHECK_FALSE(account_by_session(c, hash_of(2), 1000));
  CHECK_FALSE(delete_session(c, hash_of(2)));
}

TEST_CASE("login failures come back newest first within the window", "[storage][accounts]") {
  auto c = fresh();
  for (int t : {100, 300, 200, 50}) record_login_failure(c, "13900000001", t);
  record_login_failure(c, "13900000002", 250);
  CHECK(recent_login_failures(c, "13900000001", 60, 10) == std::vector<unix_seconds>{300, 200, 100});
  CHECK(recent_login_failures(c, "13900000001", 0, 2) == std::vector<unix_seconds>{300, 200});
}
