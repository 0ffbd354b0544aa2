// Cash at the station: a partner holds the cash it takes until an admin records it handed in,
// a payout to the partner keeps back what it still holds, and the ledger check holds the
// station cash against the orders and the hand-ins.
#include <catch2/catch.hpp>

#include "db_snapshot.hpp"
#include "order_fixture.hpp"
#include "test_client.hpp"

using namespace cunji;
using namespace cunji::test;

namespace {
std::string order_path(std::int64_t id, const std::string& action) {
  return "/v1/orders/" + std::to_string(id) + "/" + action;
}
std::string cash_path(std::int64_t partner) { return "/v1/stations/" + std::to_string(partner) + "/cash"; }
std::string handin_path(std::int64_t partner) { return "/v1/stations/" + std::to_string(partner) + "/cash-handins"; }
std::string amount(std::int64_t fen) { return R"({"amount_fen":)" + std::to_string(fen) + "}"; }

// An order the partner places for its villager at the farmer's shop and takes 1,000 fen of
// cash for (1 box at 1,000 fen, picked up at the station: no delivery fee; the partner earns
// 30 fen of assisted-buying fee once delivered). Returns its id and pickup code.
std::pair<std::int64_t, std::string> cash_order(test_server& s, market& m) {
  auto r = s.post("/v1/orders", m.order_body(m.shop, m.listing, 1, R"(,"villager_id":)" + std::to_string(m.villager)),
                  m.partner);
  REQUIRE(r.status == 201);
  const auto id = r.json().at("id").as_int64();
  std::string code(r.json().at("pickup_code").as_string());
  r = s.post(order_path(id, "pay"), R"({"method":"cash_at_station"})", m.partner);
  REQUIRE(r.status == 200);
  return {id, code};
}

void deliver_at_station(test_server& s, market& m, std::int64_t id, const std::string& code) {
  REQUIRE(s.post(order_path(id, "ship"), "{}", m.farmer).status == 200);
  REQUIRE(s.post(order_path(id, "arrive"), "", m.partner).status == 200);
  REQUIRE(s.post(order_path(id, "hand-over"), R"({"pickup_code":")" + code + R"("})", m.partner).status == 200);
}

boost::json::object cash_of(test_server& s, std::int64_t partner, const std::string& token) {
  auto r = s.get(cash_path(partner), token);
  REQUIRE(r.status == 200);
  return r.json().as_object();
}
std::int64_t fen(const boost::json::object& o, const char* name) { return o.at(name).as_int64(); }
}  // namespace

TEST_CASE("a day of station cash: hand-ins, a cash refund, and a payout that keeps back what is held",
          "[server][station][money]") {
  test_server s;
  market m(s, false, 100, 1'000);
  const auto [first, first_code] = cash_order(s, m);
  const auto [second, second_code] = cash_order(s, m);
  const auto [third, third_code] = cash_order(s, m);
  (void)third_code;

  auto cash = cash_of(s, m.partner_id, m.partner);
  CHECK(fen(cash, "held_fen") == 3'000);
  CHECK(fen(cash, "collected_fen") == 3'000);
  CHECK(fen(cash, "handed_in_fen") == 0);

  auto r = s.post(handin_path(m.partner_id), R"({"amount_fen":1000,"reference":"收据 0001"})", m.admin);
  REQUIRE(r.status == 201);
  CHECK(r.json().at("amount_fen").as_int64() == 1'000);
  CHECK(r.json().at("partner_id").as_int64() == m.partner_id);
  CHECK(r.json().at("reference") == "收据 0001");
  CHECK(fen(cash_of(s, m.partner_id, m.partner), "held_fen") == 2'000);

  // The partner gives the villager the cash back: held goes down, counted as refunded.
  REQUIRE(s.post(order_path(third, "cancel"), R"({"reason":"买错了"})", m.partner).status == 200);
  cash = cash_of(s, m.partner_id, m.partner);
  CHECK(fen(cash, "held_fen") == 1'000);
  CHECK(fen(cash, "refunded_fen") == 1'000);

  deliver_at_station(s, m, first, first_code);
  deliver_at_station(s, m, second, second_code);
  r = s.get("/v1/balances/me", m.partner);
  REQUIRE(r.status == 200);
  CHECK(r.json().at("available_fen").as_int64() == 60);  // two assisted-buying fees of 30

  // 980 more handed in: 20 fen still held, so the payout keeps 20 of the 60 and pays 40.
  REQUIRE(s.post(handin_path(m.partner_id), amount(980), m.admin).status == 201);
  r = s.post("/v1/payouts", "", m.admin);
  REQUIRE(r.status == 201);
  CHECK(paid_to_partner(r.json(), m.partner_id) == 40);
  cash = cash_of(s, m.partner_id, m.admin);
  CHECK(fen(cash, "held_fen") == 0);
  CHECK(fen(cash, "collected_fen") == 3'000);
  CHECK(fen(cash, "handed_in_fen") == 2'000);  // 1,000 + 980 + the payout's 20
  CHECK(fen(cash, "refunded_fen") == 1'000);
  CHECK(fen(cash, "collected_fen") - fen(cash, "handed_in_fen") - fen(cash, "refunded_fen") == fen(cash, "held_fen"));
  const auto days = cash.at("days").as_array();
  REQUIRE(days.size() == 1);
  CHECK(days[0].at("collected_fen").as_int64() == 3'000);
  CHECK(days[0].at("date").as_string().size() == 10);
  r = s.get("/v1/balances/me", m.partner);
  CHECK(r.json().at("available_fen").as_int64() == 0);
  CHECK(r.json().at("paid_out_fen").as_int64() == 40);
  // The settlement is in the partner's statement, as fees it no longer is owed.
  r = s.get("/v1/statements/me", m.partner);
  REQUIRE(r.status == 200);
  bool settled = false;
  const auto statement = r.json().at("items").as_array();
  for (const auto& e : statement)
    settled = settled || (e.at("kind") == "settlement_available" && e.at("amount_fen").as_int64() == -20);
  CHECK(settled);
  CHECK(m.ledger().at("balanced").as_bool());
}

TEST_CASE("a partner holding more than it earned is paid nothing, and it stays held", "[server][station][money]") {
  test_server s;
  market m(s, false, 100, 1'000);
  const auto [id, code] = cash_order(s, m);
  deliver_at_station(s, m, id, code);
  auto r = s.post("/v1/payouts", "", m.admin);
  REQUIRE(r.status == 201);
  const auto payouts = r.json().at("payouts").as_array();
  for (const auto& p : payouts) CHECK(p.at("payee").at("type") == "shop");  // the partner is not listed
  const auto cash = cash_of(s, m.partner_id, m.partner);
  CHECK(fen(cash, "held_fen") == 970);  // 1,000 collected, its 30 fen of fees kept back
  CHECK(fen(cash, "handed_in_fen") == 30);
  CHECK(m.ledger().at("balanced").as_bool());
  // What is left can be handed in to the fen, and not one fen more.
  CHECK(s.post(handin_path(m.partner_id), amount(971), m.admin).status == 409);
  CHECK(s.post(handin_path(m.partner_id), amount(970), m.admin).status == 201);
  CHECK(fen(cash_of(s, m.partner_id, m.partner), "held_fen") == 0);
}

TEST_CASE("bad hand-ins are refused and change nothing", "[server][station][money]") {
  test_server s;
  market m(s, false, 100, 1'000);
  cash_order(s, m);
  const auto before = s.snapshot();
  struct attempt {
    std::string target, body, token;
    unsigned status;
    std::vector<std::string> fields;
  };
  const std::vector<attempt> attempts{
      {handin_path(m.partner_id), amount(0), m.admin, 422, {"amount_fen"}},
      {handin_path(m.partner_id), amount(-500), m.admin, 422, {"amount_fen"}},
      {handin_path(m.partner_id), R"({"amount_fen":"500"})", m.admin, 422, {"amount_fen"}},
      {handin_path(m.partner_id), R"({"amount_fen":10.5})", m.admin, 422, {"amount_fen"}},
      {handin_path(m.partner_id),
       R"({"amount_fen":500,"reference":")" + std::string(101, 'x') + R"("})",
       m.admin,
       422,
       {"reference"}},
      {handin_path(m.partner_id), R"({"amount_fen":500,"by":"me"})", m.admin, 422, {"by"}},
      {handin_path(m.partner_id), amount(1'001), m.admin, 409, {}},  // more than held
      {handin_path(m.farmer_id), amount(500), m.admin, 404, {}},     // not a partner
      {handin_path(m.partner_id), amount(500), m.partner, 403, {}},  // only admins record hand-ins
      {handin_path(m.partner_id), amount(500), m.farmer, 403, {}},
  };
  for (const auto& a : attempts) {
    INFO(a.target << " " << a.body);
    const auto r = s.post(a.target, a.body, a.token);
    CHECK(r.status == a.status);
    if (!a.fields.empty()) CHECK(r.error_fields() == a.fields);
  }
  CHECK(differences(before, s.snapshot()).empty());
}

TEST_CASE("a hand-in retried with its key is recorded once", "[server][station][money]") {
  test_server s;
  market m(s, false, 100, 1'000);
  cash_order(s, m);
  const header_list headers{
      {"Authorization", "Bearer " + m.admin}, {"Content-Type", "application/json"}, {"Idempotency-Key", "handin-7"}};
  for (int i = 0; i < 5; ++i) {
    const auto r = s.send(http::verb::post, handin_path(m.partner_id), amount(400), headers);
    CHECK(r.status == 201);
  }
  CHECK(fen(cash_of(s, m.partner_id, m.partner), "handed_in_fen") == 400);
}

TEST_CASE("station cash is the partner's and the admins' to read", "[server][station][money]") {
  test_server s;
  market m(s, false, 100, 1'000);
  cash_order(s, m);
  market other(s, false, 100, 1'000);
  CHECK(s.get(cash_path(m.partner_id), other.partner).status == 404);
  CHECK(s.get(cash_path(m.partner_id), m.farmer).status == 404);
  CHECK(s.get(cash_path(m.partner_id), s.new_user("buyer")).status == 404);
  CHECK(s.get(cash_path(m.partner_id)).status == 401);
  CHECK(s.get(cash_path(m.farmer_id), m.admin).status == 404);  // not a partner
  CHECK(s.get(cash_path(m.partner_id), m.admin).status == 200);
  const auto r = s.get(cash_path(m.partner_id) + "?from=2020-13-01", m.partner);
  CHECK(r.status == 422);
  CHECK(r.error_fields() == std::vector<std::string>{"from"});
  // A period without this day's cash: the totals of the period are zero, the holding is not.
  const auto old = s.get(cash_path(m.partner_id) + "?from=2001-01-01&to=2001-02-01", m.partner);
  REQUIRE(old.status == 200);
  CHECK(old.json().at("collected_fen").as_int64() == 0);
  CHECK(old.json().at("held_fen").as_int64() == 1'000);
  CHECK(old.json().at("days").as_array().empty());
}

TEST_CASE("the ledger check finds station cash that does not add up", "[server][station][money][sqlite]") {
  test_server s;
  market m(s, false, 100, 1'000);
  cash_order(s, m);
  REQUIRE(s.post(handin_path(m.partner_id), amount(300), m.admin).status == 201);
  REQUIRE(m.ledger().at("balanced").as_bool());
  auto exec = [&](const char* sql) {
    s.db().writer().submit_sync([&](storage::connection& c) -> result<unit> {
      c.exec(sql);
      return unit{};
    });
  };
  const std::pair<const char*, const char*> tampering[] = {
      {"UPDATE cash_handins SET amount_fen = amount_fen + 1", "UPDATE cash_handins SET amount_fen = amount_fen - 1"},
      {"INSERT INTO cash_handins (id, partner_id, amount_fen, created_at) "
       "SELECT 999, partner_id, 5, created_at FROM cash_handins",
       "DELETE FROM cash_handins WHERE id = 999"},
      {"UPDATE orders SET payment_method = 'alipay' WHERE payment_method = 'cash_at_station'",
       "UPDATE orders SET payment_method = 'cash_at_station' WHERE payment_method = 'alipay'"},
  };
  for (const auto& [tamper, undo] : tampering) {
    INFO(tamper);
    exec(tamper);
    const auto report = m.ledger();
    CHECK_FALSE(report.at("balanced").as_bool());
    bool named = false;
    for (const auto& mm : report.at("mismatches").as_array()) {
      const std::string_view text(mm.as_string());
      named = named || text.find("station cash") != text.npos || text.find("hand-in") != text.npos;
    }
    CHECK(named);
    exec(undo);
    REQUIRE(m.ledger().at("balanced").as_bool());
  }
  CHECK(m.ledger().at("balanced").as_bool());
}
