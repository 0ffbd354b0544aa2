#include "tools/seed_demo.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/sqlite/connection.hpp"
#include "support/temp_dir.hpp"
#include "tools/demo_market.hpp"

using namespace cunji;

namespace {

// Every seeded row but its timestamps and password hash, one line per row.
constexpr std::string_view seeded_rows[]{
    "SELECT printf('%d|%s|%s|%d', id, name, province, poverty_stricken) FROM counties ORDER BY id",
    "SELECT printf('%d|%d|%s|%d', id, county_id, name, active_shops) FROM villages ORDER BY id",
    "SELECT printf('%d|%s|%s|%s|%s', id, role, name, phone, ifnull(village_id, 'NULL')) FROM accounts ORDER BY id",
    "SELECT printf('%d|%d|%s|%s|%d', id, village_id, name, ifnull(phone, 'NULL'), registered_by) FROM villagers "
    "ORDER BY id",
    "SELECT printf('%d|%d|%d|%s|%s|%s|%s|%s|%s|%d', id, village_id, county_id, name, description, status, "
    "ifnull(owner_account_id, 'NULL'), ifnull(villager_id, 'NULL'), ifnull(partner_id, 'NULL'), active_listings) "
    "FROM shops ORDER BY id",
    "SELECT printf('%d|%d|%d|%d|%s|%s|%s|%s|%d|%d|%s|%d|%d', id, shop_id, village_id, county_id, title, description, "
    "category, unit, price_fen, stock, status, visible, version) FROM listings ORDER BY id",
};

// FNV-1a over the rows: a fingerprint of the whole demo data.
std::uint64_t fingerprint(storage::connection& c, int& rows) {
  std::uint64_t h = 0xcbf29ce484222325u;
  rows = 0;
  for (const auto sql : seeded_rows) {
    auto q = c.prepare(sql);
    while (q.step()) {
      for (const unsigned char b : std::string(q.text(0)) + "\n") h = (h ^ b) * 0x100000001b3u;
      ++rows;
    }
  }
  return h;
}

}  // namespace

TEST_CASE("seed-demo writes the same demo market every time", "[tools][seed_demo]") {
  test::temp_dir dir;
  const auto summary = tools::seed_demo(dir.file("demo.db"));
  CHECK(summary ==
        "seeded 18 counties, 41 villages, 41 partners, 159 farmers, 106 villagers, 200 shops, 2000 listings "
        "(98 drafts); demo accounts +8617000000001..+8617000000200 (partners first); demo password: cunji-demo-2026");
  storage::connection c(dir.file("demo.db"), storage::open_mode::read_only);
  int rows = 0;
  // The fingerprint of the rows the demo data made before it moved out of the code into
  // tools/demo_market.json, with phones in their one stored form (13900000000, not +86...); a
  // deliberate change of the data or of the seed changes it.
  CHECK(fingerprint(c, rows) == 0x4433b0b119051417u);
  CHECK(rows == 2565);
  CHECK_THROWS_WITH(tools::seed_demo(dir.file("demo.db")), Catch::Contains("already has counties"));
}

TEST_CASE("the embedded demo market has what the seed draws from", "[tools][demo_market]") {
  const auto& m = tools::embedded_demo_market();
  CHECK(m.counties.size() == 18);
  CHECK(m.common_produce.size() == 16);
  CHECK(m.english_listings.size() == 15);
  CHECK(m.counties.front().name == "吉木乃县");
  CHECK(m.counties.front().people == tools::name_style::kazakh);
  CHECK(m.counties.front().produce.front().weight == 6);
  CHECK(m.counties.front().produce.front().packs.front().label == "25kg");
  CHECK(m.adjectives_for("handicraft").front() == "手工");
  CHECK(m.adjectives_for("other") == m.adjectives_for("no such category"));
}

namespace {

constexpr std::string_view minimal = R"({
  "packs": {"p": [["5斤装", "box", 2500, 6900]]},
  "adjectives": {"other": ["农家"]},
  "common_produce": [{"name": "土豆", "category": "vegetable", "blurb": "b", "packs": "p"}],
  "english_listings": [{"county": "甲县", "title": "T", "description": "D", "category": "fruit", "unit": "box",
                        "price_fen": [100, 200]}],
  "counties": [{"name": "甲县", "province": "乙省", "poverty": true, "villages": ["丙村"],
                "produce": [{"name": "橙", "category": "fruit", "blurb": "b", "packs": "p", "weight": 2}]}],
  "names": {"han_surnames": ["王"], "han_given": ["明"], "kazakh_given": ["别克"], "kazakh_family": ["阿曼"],
            "mongol": ["苏和"]},
  "farmer_shop_names": ["{0}家农场"]
})";

// `minimal` with the first `from` replaced by `to`; the error detail of parsing that.
std::string refused(std::string_view from, std::string_view to) {
  std::string json(minimal);
  const auto at = json.find(from);
  REQUIRE(at != std::string::npos);
  json.replace(at, from.size(), to);
  const auto r = tools::parse_demo_market(json);
  REQUIRE_FALSE(r);
  return r.err().detail;
}

}  // namespace

TEST_CASE("a malformed demo market is refused with where and why", "[tools][demo_market]") {
  const auto ok = tools::parse_demo_market(minimal);
  REQUIRE(ok);
  CHECK(ok->counties.at(0).people == tools::name_style::han);
  CHECK(ok->counties.at(0).produce.at(0).weight == 2);
  CHECK(ok->english_listings.at(0).price.max_fen == 200);

  CHECK_THAT(refused("{", "["), Catch::Contains("not JSON"));
  CHECK(refused(R"("packs": "p")", R"("packs": "q")") == "demo market: common_produce[0]: no such pack set");
  CHECK(refused(R"("category": "vegetable")", R"("category": "veg")") ==
        "demo market: common_produce[0]: unknown category veg");
  CHECK(refused(R"("box", 2500)", R"("crate", 2500)") == "demo market: packs.p: unknown unit crate");
  CHECK(refused("2500, 6900", "6900, 2500") == "demo market: packs.p: bad price range");
  CHECK(refused(R"("weight": 2)", R"("wieght": 2)") == "demo market: counties[0].produce[0]: unknown key wieght");
  CHECK(refused(R"("villages": ["丙村"])", R"("villages": [])") ==
        "demo market: counties[0].villages: not a non-empty array");
  CHECK(refused(R"("county": "甲县")", R"("county": "丁县")") == "demo market: english_listings[0]: no such county");
  CHECK(refused(R"("mongol": ["苏和"])", R"("mongol": [1])") == "demo market: names.mongol: not a string");
  CHECK(refused(R"({"other": ["农家"]})", R"({"fruit": ["新鲜"]})") == "demo market: adjectives: no other");
  CHECK(refused(R"("poverty": true, )", "") == "demo market: counties[0]: no poverty");
}
