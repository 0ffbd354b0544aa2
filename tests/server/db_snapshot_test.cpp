// The snapshots the "changes nothing" tests compare (db_snapshot.hpp) see every write, on either
// engine: otherwise those tests would pass whatever the server did.
#include <catch2/catch.hpp>

#include "order_fixture.hpp"

using namespace cunji;
using namespace cunji::test;

TEST_CASE("a snapshot sees a write, and only a write", "[server][snapshot]") {
  test_server s;
  market m(s, false, 100);
  const auto before = s.snapshot();
  REQUIRE(before.count("listings") == 1);
  CHECK(before.at("listings").size() == 2);  // the fixture's two
  CHECK(differences(before, s.snapshot()).empty());
  const auto r = s.post("/v1/shops/" + std::to_string(m.shop) + "/listings",
                        R"({"title":"秭归脐橙 5斤","category":"fruit","unit":"box","price_fen":3990,"stock":7})",
                        m.farmer);
  REQUIRE(r.status == 201);
  const auto changed = differences(before, s.snapshot(), 1000);
  const auto in_listings = std::count_if(changed.begin(), changed.end(),
                                         [](const std::string& d) { return d.rfind("listings: + ", 0) == 0; });
  CHECK(in_listings == 1);
  const auto has_title = std::any_of(changed.begin(), changed.end(),
                                     [](const std::string& d) { return d.find("秭归脐橙 5斤") != std::string::npos; });
  CHECK(has_title);
}
