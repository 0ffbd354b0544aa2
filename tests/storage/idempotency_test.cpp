// Idempotency records (storage/sql/idempotency.cpp, migrations 0005 and 0006): exact lookups
// through the in-memory index, which is only a hint (stale ids, reused rowids and hash
// collisions never return another request's answer, and nothing stored is ever missing from
// it), the purge from the front of the append-only table, and the upgrade that carries the
// records of the table 0005 replaces.
#include "storage/sql/idempotency.hpp"

#include <catch2/catch.hpp>

#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/migrations.hpp"
#include "support/temp_dir.hpp"

namespace cunji::embedded {
const std::vector<std::pair<std::string_view, std::string_view>>& migrations();
}

using namespace cunji;
using namespace cunji::storage;

namespace {
storage::answer reply(int status, std::string body) { return storage::answer{status, std::move(body), false}; }
std::int64_t count_records(connection& c) {
  auto q = c.prepare("SELECT count(*) FROM idempotency_records");
  q.step();
  return q.i64(0);
}
}  // namespace

TEST_CASE("an answer is found only under its own account, endpoint and key", "[storage][idempotency]") {
  test::temp_dir dir;
  connection c(dir.file("i.db"), open_mode::read_write);
  migrate(c);
  answer_index index;
  idempotency_key s{7, "POST /v1/orders", "k-1"};
  s.digest.fill(0xab);
  store_answer(c, index, s, reply(201, "{\"id\":1}"), 1000);
  CHECK(index.size() == 1);
  const auto found = find_answer(c, index, s);
  REQUIRE(found);
  CHECK(found->status == 201);
  CHECK(found->body == "{\"id\":1}");
  CHECK(found->digest == s.digest);
  CHECK_FALSE(find_answer(c, index, {8, "POST /v1/orders", "k-1"}));
  CHECK_FALSE(find_answer(c, index, {7, "POST /v1/orders/1/pay", "k-1"}));
  CHECK_FALSE(find_answer(c, index, {7, "POST /v1/orders", "k-2"}));
  CHECK_FALSE(find_answer(c, index, {7, "POST /v1/orders", "K-1"}));
  CHECK_FALSE(find_answer(c, answer_index{}, s));  // the index is what finds it

  // A record whose hash collides with s's but whose key differs is never s's answer, and
  // does not hide s's either.
  c.run(
      "INSERT INTO idempotency_records (account_id, key_hash, endpoint, key, request_hash, status, body, created_at) "
      "VALUES (7, ?, 'POST /v1/orders', 'other', x'00', 409, 'theirs', 1000)",
      idempotency_key_hash(s.scope, s.key));
  index.add(7, idempotency_key_hash(s.scope, s.key), c.last_insert_rowid());
  const auto again = find_answer(c, index, s);
  REQUIRE(again);
  CHECK(again->body == "{\"id\":1}");
  CHECK_FALSE(find_answer(c, index, {7, "POST /v1/orders", "missing"}));

  // Endpoint and key are hashed apart: moving a character from one to the other changes it.
  CHECK(idempotency_key_hash("POST /v1/orders", "ab") != idempotency_key_hash("POST /v1/ordersa", "b"));
  // The SQL function is the same hash.
  auto q = c.prepare("SELECT cunji_key_hash('POST /v1/orders', 'k-1')");
  REQUIRE(q.step());
  CHECK(q.i64(0) == idempotency_key_hash("POST /v1/orders", "k-1"));
}

TEST_CASE("an id left in the index by a rolled-back insert finds nothing, also once its rowid is reused",
          "[storage][idempotency]") {
  test::temp_dir dir;
  connection c(dir.file("i.db"), open_mode::read_write);
  migrate(c);
  answer_index index;
  store_answer(c, index, {1, "POST /v1/orders", "kept"}, reply(201, "kept"), 1000);
  c.run("SAVEPOINT cmd");
  const idempotency_key gone{1, "POST /v1/orders", "rolled-back"};
  store_answer(c, index, gone, reply(201, "gone"), 1000);
  CHECK(find_answer(c, index, gone));  // inside its transaction it is there
  c.run("ROLLBACK TO cmd");
  c.run("RELEASE cmd");
  CHECK(index.size() == 2);  // the stale id stays, as a hint
  CHECK_FALSE(find_answer(c, index, gone));
  // The next record gets the same rowid, under another key.
  const idempotency_key next{1, "POST /v1/orders", "next"};
  store_answer(c, index, next, reply(201, "next"), 1000);
  CHECK_FALSE(find_answer(c, index, gone));
  REQUIRE(find_answer(c, index, next));
  CHECK(find_answer(c, index, next)->body == "next");
  REQUIRE(find_answer(c, index, {1, "POST /v1/orders", "kept"}));
}

TEST_CASE("callers using the same keys do not share candidates", "[storage][idempotency]") {
  test::temp_dir dir;
  connection c(dir.file("i.db"), open_mode::read_write);
  migrate(c);
  answer_index index;
  for (std::int64_t account = 1; account <= 300; ++account)
    for (const char* key : {"1", "2"}) store_answer(c, index, {account, "POST /v1/orders", key}, reply(201, key), 1000);
  const auto hash = idempotency_key_hash("POST /v1/orders", "1");
  CHECK(index.candidates(150, hash).size() == 1);
  CHECK(index.candidates(301, hash).empty());
  REQUIRE(find_answer(c, index, {150, "POST /v1/orders", "2"}));
  CHECK(find_answer(c, index, {150, "POST /v1/orders", "2"})->body == "2");
}

TEST_CASE("the index built at open finds every stored answer", "[storage][idempotency]") {
  test::temp_dir dir;
  connection c(dir.file("i.db"), open_mode::read_write);
  migrate(c);
  {
    answer_index first;
    for (int i = 0; i < 200; ++i)
      store_answer(c, first, {i % 7, "POST /v1/orders", "k-" + std::to_string(i)}, reply(201, std::to_string(i)), 1000);
  }
  answer_index loaded;
  load_answer_index(c, loaded);
  CHECK(loaded.size() == 200);
  for (int i = 0; i < 200; ++i) {
    const auto a = find_answer(c, loaded, {i % 7, "POST /v1/orders", "k-" + std::to_string(i)});
    REQUIRE(a);
    CHECK(a->body == std::to_string(i));
  }
}

TEST_CASE("the lookup reads records by id, and no index on the table is left to update",
          "[storage][idempotency][plan]") {
  test::temp_dir dir;
  connection c(dir.file("i.db"), open_mode::read_write);
  migrate(c);
  auto q = c.prepare(
      "EXPLAIN QUERY PLAN SELECT request_hash, status, body FROM idempotency_records "
      "WHERE id = ? AND account_id = ? AND endpoint = ? AND key = ?");
  std::string plan;
  while (q.step()) plan += q.str(3) + "\n";
  INFO(plan);
  CHECK(plan.find("USING INTEGER PRIMARY KEY (rowid=?)") != std::string::npos);
  auto indexes = c.prepare(
      "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'idempotency_records'");
  REQUIRE(indexes.step());
  CHECK(indexes.i64(0) == 0);
}

TEST_CASE("the purge deletes the expired run at the front and keeps every record younger than the TTL",
          "[storage][idempotency]") {
  test::temp_dir dir;
  connection c(dir.file("i.db"), open_mode::read_write);
  migrate(c);
  answer_index index;
  const unix_seconds now = 10 * idempotency_ttl_s;
  const auto old = now - idempotency_ttl_s - 1, fresh = now - idempotency_ttl_s + 1;
  for (int i = 0; i < 50; ++i)
    store_answer(c, index, {1, "POST /v1/orders", "old-" + std::to_string(i)}, reply(201, "o"), old);
  store_answer(c, index, {1, "POST /v1/orders", "edge"}, reply(201, "e"), now - idempotency_ttl_s);
  store_answer(c, index, {1, "POST /v1/orders", "fresh"}, reply(201, "f"), fresh);
  // Stored with a clock that had gone back: expired, but behind a fresh record.
  store_answer(c, index, {1, "POST /v1/orders", "late"}, reply(201, "l"), old);
  store_answer(c, index, {2, "POST /v1/orders", "fresh"}, reply(201, "f2"), now);

  purge_expired_answers(c, index, now);
  CHECK_FALSE(find_answer(c, index, {1, "POST /v1/orders", "old-0"}));
  CHECK_FALSE(find_answer(c, index, {1, "POST /v1/orders", "old-49"}));
  CHECK_FALSE(find_answer(c, index, {1, "POST /v1/orders", "edge"}));  // exactly the TTL old
  CHECK(find_answer(c, index, {1, "POST /v1/orders", "fresh"}));
  CHECK(find_answer(c, index, {1, "POST /v1/orders", "late"}));  // kept longer, never shorter
  CHECK(find_answer(c, index, {2, "POST /v1/orders", "fresh"}));
  CHECK(count_records(c) == 3);

  CHECK(index.size() == 54);             // forgotten at the next purge, once the deletion is committed
  purge_expired_answers(c, index, now);  // nothing more at the front
  CHECK(count_records(c) == 3);
  CHECK(index.size() == 3);
  purge_expired_answers(c, index, now + idempotency_ttl_s + 10);  // everything has expired
  CHECK(count_records(c) == 0);
  purge_expired_answers(c, index, now);  // an empty table
  CHECK(count_records(c) == 0);
  CHECK(index.size() == 0);
}

TEST_CASE("a purge whose transaction is rolled back leaves every record findable", "[storage][idempotency]") {
  test::temp_dir dir;
  connection c(dir.file("i.db"), open_mode::read_write);
  migrate(c);
  answer_index index;
  const unix_seconds now = 10 * idempotency_ttl_s;
  store_answer(c, index, {1, "POST /v1/orders", "a"}, reply(201, "a"), now - idempotency_ttl_s - 5);
  store_answer(c, index, {1, "POST /v1/orders", "b"}, reply(201, "b"), now);
  for (int round = 0; round < 2; ++round) {
    c.run("BEGIN");
    purge_expired_answers(c, index, now);
    c.run("ROLLBACK");
  }
  REQUIRE(find_answer(c, index, {1, "POST /v1/orders", "a"}));
  REQUIRE(find_answer(c, index, {1, "POST /v1/orders", "b"}));
  c.run("BEGIN");
  purge_expired_answers(c, index, now);
  c.run("COMMIT");
  CHECK_FALSE(find_answer(c, index, {1, "POST /v1/orders", "a"}));
  CHECK(find_answer(c, index, {1, "POST /v1/orders", "b"}));
  purge_expired_answers(c, index, now);
  CHECK(index.size() == 1);
}

TEST_CASE("upgrading through migrations 5 and 6 carries the stored answers over",
          "[storage][idempotency][migrations]") {
  test::temp_dir dir;
  connection c(dir.file("i.db"), open_mode::read_write);
  // The schema as it was at version 4, with answers stored the old way.
  c.exec(
      "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT");
  int applied = 0;
  for (int v = 1; v <= 4; ++v)
    for (const auto& [name, sql] : embedded::migrations())
      if (name.substr(0, 5) == "000" + std::to_string(v) + "_") {
        c.exec(sql);
        c.run("INSERT INTO schema_version VALUES (?, ?, 0)", v, name);
        ++applied;
      }
  REQUIRE(applied == 4);
  c.exec(
      "INSERT INTO idempotency_keys VALUES (3, 'POST /v1/orders', 'a', x'0100000000000000000000000000000000000000000000000000000000000000', 201, 'first', 100), "
      "(3, 'POST /v1/orders/9/pay', 'a', x'0200000000000000000000000000000000000000000000000000000000000000', 409, 'second', 50), "
      "(4, 'POST /v1/orders', 'a', x'0300000000000000000000000000000000000000000000000000000000000000', 422, 'third', 200)");
  CHECK(migrate(c) == latest_schema_version());
  CHECK(count_records(c) == 3);
  answer_index index;
  load_answer_index(c, index);
  const auto first = find_answer(c, index, {3, "POST /v1/orders", "a"});
  REQUIRE(first);
  CHECK(first->body == "first");
  CHECK(first->status == 201);
  CHECK(first->digest[0] == 1);
  REQUIRE(find_answer(c, index, {3, "POST /v1/orders/9/pay", "a"}));
  CHECK(find_answer(c, index, {3, "POST /v1/orders/9/pay", "a"})->body == "second");
  REQUIRE(find_answer(c, index, {4, "POST /v1/orders", "a"}));
  CHECK(find_answer(c, index, {4, "POST /v1/orders", "a"})->status == 422);
  // Oldest first, so the purge keeps working from the front.
  auto q = c.prepare(
      "SELECT group_concat(created_at, ',') FROM (SELECT created_at FROM idempotency_records ORDER BY id)");
  REQUIRE(q.step());
  CHECK(q.str(0) == "50,100,200");
}
