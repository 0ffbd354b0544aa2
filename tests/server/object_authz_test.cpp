// Object-level authorization, generated from the route list: every operation whose path takes an
// id (the server's route table and server/openapi.json, both) is called with the ids of a
// victim's objects, and with ids that name nothing, by every outsider (authz_world.hpp). A route
// without a fixture below fails the test, so a new one cannot go untested.
//
// The API (docs/http.md): without a token where one is needed, 401; an object the caller may not see (or none),
// 404, never 403; a visible object the caller may not change, 403. The only successes allowed
// are the public reads of published data listed in `public_reads`, and their bodies may hold
// only the fields the API lists. No answer may hold the victim's private texts, and the database
// must be the same, table by table, after every attack.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

#include "authz_world.hpp"
#include "db_snapshot.hpp"
#include "openapi_contract.hpp"
#include "server/router.hpp"
#include "support/images.hpp"
#include "support/json_schema.hpp"
#include "test_client.hpp"

using namespace cunji;
using namespace cunji::test;
using namespace cunji::test::authz;
namespace json = boost::json;

namespace {

// How to call an id-taking operation.
struct fixture {
  std::string param;                           // the path parameter it fills
  std::string second;                          // the second parameter (object_ref::sub), if any
  std::vector<object_ref> victim_world::*ids;  // the victim's objects of that kind
  std::string body;                            // a plausible valid body, for writes
  header_list headers;                         // more headers a real client would send
  bool admin_only = false;                     // the route is admin-only: any other caller is 403 first
};

const std::map<std::string, fixture>& fixtures() {
  static const std::map<std::string, fixture> f{
      {"GET /v1/counties/{id}", {"id", "", &victim_world::counties, "", {}}},
      {"PATCH /v1/counties/{id}",
       {"id", "", &victim_world::counties, R"({"name":"改名县","poverty_stricken":true})", {}, true}},
      {"GET /v1/villages/{id}", {"id", "", &victim_world::villages, "", {}}},
      {"GET /v1/shops/{id}", {"id", "", &victim_world::shops, "", {}}},
      {"PATCH /v1/shops/{id}", {"id", "", &victim_world::shops, R"({"name":"被接管的店","status":"closed"})", {}}},
      {"POST /v1/shops/{id}/listings",
       {"id",
        "",
        &victim_world::shops,
        R"({"title":"假货","category":"fruit","unit":"kg","price_fen":1,"stock":100,"status":"active"})",
        {}}},
      {"GET /v1/listings/{id}", {"id", "", &victim_world::listings, "", {}}},
      {"PATCH /v1/listings/{id}",
       {"id", "", &victim_world::listings, R"({"title":"降价","price_fen":1,"stock":9999,"status":"active"})", {}}},
      {"GET /v1/orders/{id}", {"id", "", &victim_world::orders, "", {}}},
      {"POST /v1/orders/{id}/pay",
       {"id", "", &victim_world::orders, R"({"method":"cash_at_station"})", {{"Idempotency-Key", "attack"}}}},
      {"POST /v1/orders/{id}/arrive", {"id", "", &victim_world::orders, "", {}}},
      {"POST /v1/orders/{id}/hand-over", {"id", "", &victim_world::orders, R"({"pickup_code":"000000"})", {}}},
      {"GET /v1/payments/{id}", {"id", "", &victim_world::payments, "", {}}},
      {"GET /v1/purchases/{id}", {"id", "", &victim_world::purchases, "", {}}},
      {"POST /v1/purchases/{id}/pay",
       {"id", "", &victim_world::purchases, R"({"method":"cash_at_station"})", {{"Idempotency-Key", "attack"}}}},
      {"POST /v1/orders/{id}/ship", {"id", "", &victim_world::orders, R"({"tracking":"ATTACKER"})", {}}},
      {"POST /v1/orders/{id}/deliver", {"id", "", &victim_world::orders, "{}", {}}},
      {"POST /v1/orders/{id}/cancel", {"id", "", &victim_world::orders, R"({"reason":"ATTACKER"})", {}}},
      {"POST /v1/orders/{id}/returns",
       {"id", "", &victim_world::orders, R"({"reason":"ATTACKER"})", {{"Idempotency-Key", "attack"}}}},
      {"POST /v1/orders/{id}/report-lost",
       {"id", "", &victim_world::orders, R"({"reason":"ATTACKER"})", {{"Idempotency-Key", "attack"}}}},
      {"GET /v1/returns/{id}", {"id", "", &victim_world::returns, "", {}}},
      {"POST /v1/returns/{id}/accept", {"id", "", &victim_world::returns, R"({"restock":true})", {}}},
      {"POST /v1/returns/{id}/reject", {"id", "", &victim_world::returns, R"({"reason":"ATTACKER"})", {}}},
      {"GET /v1/partners/{id}/earnings", {"id", "", &victim_world::partners, "", {}}},
      {"GET /v1/reports/counties/{id}/monthly", {"id", "", &victim_world::counties, "", {}}},
      {"GET /v1/reports/villages/{id}/monthly", {"id", "", &victim_world::villages, "", {}}},
      {"POST /v1/listings/{id}/photos",
       {"id", "", &victim_world::listings, images::jpeg(32, 24), {{"Content-Type", "image/jpeg"}}}},
      {"DELETE /v1/listings/{id}/photos/{photo_id}", {"id", "photo_id", &victim_world::photos, "", {}}},
      {"GET /photos/{name}", {"name", "", &victim_world::photo_names, "", {}}},
      {"GET /v1/stations/{partner_id}/cash", {"partner_id", "", &victim_world::partners, "", {}}},
      {"POST /v1/stations/{partner_id}/cash-handins",
       {"partner_id", "", &victim_world::partners, R"({"amount_fen":1,"reference":"ATTACKER"})", {}, true}},
  };
  return f;
}

// The API lets anyone read these (counties, villages, shops also when closed, listings that are
// not drafts, monthly sales totals), with these fields and no others; and photo renditions by name (an image: no
// fields).
const std::map<std::string, std::set<std::string>>& public_reads() {
  static const std::map<std::string, std::set<std::string>> p{
      {"GET /v1/counties/{id}", {"id", "name", "province", "poverty_stricken", "created_at"}},
      {"GET /v1/villages/{id}",
       {"id", "county_id", "name", "active_shops", "gmv_365d_fen", "taobao_village", "created_at"}},
      {"GET /v1/shops/{id}",
       {"id", "village_id", "county_id", "name", "description", "status", "owner_account_id", "villager_id",
        "partner_id", "created_at"}},
      {"GET /v1/listings/{id}",
       {"id", "shop_id", "village_id", "county_id", "poverty_relief", "title", "description", "category", "unit",
        "price_fen", "stock", "status", "version", "created_at", "updated_at", "photos"}},
      {"GET /photos/{name}", {}},
      {"GET /v1/reports/counties/{id}/monthly", {"county_id", "months"}},
      {"GET /v1/reports/villages/{id}/monthly", {"village_id", "months"}},
  };
  return p;
}

// The field of a public read that names the object read.
std::string id_field_of(const std::string& key) {
  if (key == "GET /v1/reports/counties/{id}/monthly") return "county_id";
  if (key == "GET /v1/reports/villages/{id}/monthly") return "village_id";
  return "id";
}

enum class auth { none, optional, required };

struct operation {
  http::verb method;
  std::string tmpl;
  auth security = auth::required;
  bool documented = false;
  const json::value* body_schema = nullptr;  // the documented JSON request body, if any
  bool image_body = false;                   // the documented body is an image (image/jpeg)
};

std::string key_of(http::verb m, const std::string& tmpl) { return std::string(http::to_string(m)) + " " + tmpl; }

// Every operation of the route table and of the document, by "METHOD template".
std::map<std::string, operation> all_operations(test_server& s) {
  std::map<std::string, operation> out;
  s.srv().app().routes().for_each([&](http::verb m, std::string_view tmpl, const auto&) {
    out[key_of(m, std::string(tmpl))] = {m, std::string(tmpl)};
  });
  for (const auto& [path, item] : contract::document().at("paths").as_object()) {
    for (const auto& [name, op] : item.as_object()) {
      std::string upper(name);
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      const auto m = http::string_to_verb(upper);
      if (m == http::verb::unknown) continue;
      auto& o = out[key_of(m, std::string(path))];
      o.method = m;
      o.tmpl = std::string(path);
      o.documented = true;
      // OpenAPI: `security: []` is public; a `{}` among the alternatives makes the token optional.
      const auto& sec = op.at("security").as_array();
      bool anonymous_ok = sec.empty();
      for (const auto& alt : sec) anonymous_ok = anonymous_ok || alt.as_object().empty();
      o.security = sec.empty() ? auth::none : anonymous_ok ? auth::optional : auth::required;
      std::error_code ec;
      o.body_schema = op.find_pointer("/requestBody/content/application~1json/schema", ec);
      o.image_body = op.find_pointer("/requestBody/content/image~1jpeg", ec) != nullptr;
    }
  }
  return out;
}

std::vector<std::string> params_of(const std::string& tmpl) {
  std::vector<std::string> out;
  for (auto open = tmpl.find('{'); open != std::string::npos; open = tmpl.find('{', open + 1))
    out.push_back(tmpl.substr(open + 1, tmpl.find('}', open) - open - 1));
  return out;
}

std::string fill(const std::string& tmpl, const std::string& param, const std::string& value) {
  auto out = tmpl;
  out.replace(out.find("{" + param + "}"), param.size() + 2, value);
  return out;
}

std::string fill(const std::string& tmpl, const fixture& f, const object_ref& ref) {
  const auto out = fill(tmpl, f.param, ref.id);
  return f.second.empty() ? out : fill(out, f.second, ref.sub);
}

// What the API says `who` gets from `op` on `ref`.
unsigned expected_status(const std::string& key, const operation& op, const fixture& f, const object_ref& ref,
                         const caller& who) {
  const bool anonymous = who.token.empty();
  // No route has such a path: before any token.
  if (server::is_id_param(f.param) && !server::is_canonical_id(ref.id)) return 404;
  if (!f.second.empty() && !server::is_canonical_id(ref.sub)) return 404;
  if (anonymous && op.security == auth::required) return 401;
  if (f.admin_only && !anonymous) return 403;  // no outsider is an admin; the role says it all, ids stay unprobed
  if (ref.hidden) return 404;
  if (public_reads().count(key)) return 200;
  return anonymous ? 401 : 403;
}

std::string slug_of(unsigned status) {
  return status == 401 ? "unauthenticated" : status == 403 ? "forbidden" : status == 404 ? "not_found" : "";
}

reply call(test_server& s, const operation& op, const std::string& target, const fixture* f, const std::string& token) {
  header_list h;
  if (!token.empty()) h.emplace_back("Authorization", "Bearer " + token);
  std::string body;
  if (f && op.method != http::verb::get) {
    body = f->body;
    bool typed = false;
    for (const auto& e : f->headers) typed = typed || e.first == "Content-Type";
    if (!typed) h.emplace_back("Content-Type", "application/json");
    for (const auto& e : f->headers) h.push_back(e);
  }
  return s.send(op.method, target, body, h);
}

void check_no_secret(const victim_world& w, const caller& who, const reply& r) {
  for (const auto& sec : w.secrets) {
    if (sec.village_partners_see && who.village_partner) continue;
    INFO("the answer holds " << sec.label);
    CHECK(r.body.find(sec.text) == std::string::npos);
  }
}

void print_count(const char* what, std::size_t n) {
  if (std::getenv("CUNJI_TEST_STATS")) std::fprintf(stderr, "authz: %zu %s\n", n, what);
}

}  // namespace

TEST_CASE("no outsider reads or changes another's objects by id", "[server][authz]") {
  test_server s;
  const auto w = build_world(s);
  const auto ops = all_operations(s);

  // The fixtures cover every id-taking operation, and name real objects.
  std::size_t id_routes = 0;
  for (const auto& [key, op] : ops) {
    INFO(key);
    CHECK(op.documented);
    const auto params = params_of(op.tmpl);
    if (params.empty()) continue;
    ++id_routes;
    const auto it = fixtures().find(key);
    if (it == fixtures().end()) {
      FAIL_CHECK("no authorization fixture for " << key << ": add one to object_authz_test.cpp");
      continue;
    }
    auto expected_params = std::vector<std::string>{it->second.param};
    if (!it->second.second.empty()) expected_params.push_back(it->second.second);
    CHECK(params == expected_params);
    // A write's body is valid by the document, so that no check can stop at a 400 or 422.
    CHECK(it->second.body.empty() == !(op.body_schema || op.image_body));
    if (op.body_schema) {
      const json_schema v(contract::document());
      for (const auto& e : v.validate(*op.body_schema, json::parse(it->second.body)))
        FAIL_CHECK("the fixture's body is invalid at " << e.pointer << ": " << e.message);
    }
    if (op.method != http::verb::get) continue;
    for (const auto& ref : w.*(it->second.ids)) {
      if (ref.owner.empty()) continue;
      INFO(ref.label << " read by its owner");
      CHECK(call(s, op, fill(op.tmpl, it->second, ref), nullptr, ref.owner).status == 200);
    }
  }
  CHECK(id_routes == fixtures().size());

  const auto before = s.snapshot();
  std::size_t calls = 0;
  for (const auto& [key, op] : ops) {
    const auto it = fixtures().find(key);
    if (it == fixtures().end() || !op.documented) continue;
    const auto& f = it->second;
    for (const auto& ref : w.*(f.ids)) {
      const auto target = fill(op.tmpl, f, ref);
      for (const auto& who : w.outsiders) {
        const auto r = call(s, op, target, &f, who.token);
        ++calls;
        const auto expected = expected_status(key, op, f, ref, who);
        INFO(who.label << ": " << key << " on " << ref.label << " (" << target << ") -> " << r.status << " " << r.body);
        CHECK(r.status == expected);
        if (expected != 200) CHECK(r.type() == slug_of(expected));
        check_no_secret(w, who, r);
        if (r.status == 200 && public_reads().count(key) && !public_reads().at(key).empty()) {
          const auto body = r.json();
          CHECK(std::to_string(body.at(id_field_of(key)).as_int64()) == ref.id);
          for (const auto& k : catalog::keys_of(body)) {
            INFO("field " << k);
            CHECK(public_reads().at(key).count(k) == 1);
          }
        }
      }
    }
  }
  print_count("id-taking operation x id x caller requests", calls);

  // The only change allowed: answers to the outsiders' own Idempotency-Keys (the API stores 4xx
  // answers too), under their own account ids.
  std::string changed;
  // A record line is "idempotency_records: + id|account_id|..." (SQLite) or
  // "idempotency_records: + (id,account_id,..." (PostgreSQL).
  const std::string record = "idempotency_records: + ";
  for (const auto& line : differences(before, s.snapshot(), 100000)) {
    std::string_view account;
    if (line.rfind(record, 0) == 0) {
      auto row = std::string_view(line).substr(record.size());
      if (row.starts_with('(')) row.remove_prefix(1);
      const auto sep = row.find_first_of("|,");
      if (sep != std::string_view::npos) account = row.substr(sep + 1, row.find_first_of("|,", sep + 1) - sep - 1);
    }
    bool own_key = false;
    for (const auto& who : w.outsiders) own_key = own_key || (who.id && account == std::to_string(who.id));
    if (!own_key) changed += line + "\n";
  }
  if (!changed.empty()) FAIL_CHECK("the attacks changed the database:\n" << changed.substr(0, 4000));
}

TEST_CASE("no outsider finds another's private data in lists, searches or its own views", "[server][authz]") {
  test_server s;
  const auto w = build_world(s);
  // Every GET without path parameters, plus the filters and searches that aim at the victim.
  std::vector<std::string> targets;
  for (const auto& [key, op] : all_operations(s))
    if (op.method == http::verb::get && params_of(op.tmpl).empty()) targets.push_back(op.tmpl);
  const auto shop = std::to_string(w.shop);
  for (const auto& extra : std::vector<std::string>{"/v1/orders?as=seller", "/v1/orders?as=buyer&status=paid",
                                                    "/v1/listings?shop_id=" + shop, "/v1/listings?q=VICTIM",
                                                    "/v1/listings?q=victim", "/v1/listings?q=" + catalog::pct("新品"),
                                                    "/v1/shops?limit=100", "/v1/villagers?limit=100",
                                                    "/v1/villagers?q=VICTIM", "/v1/stations/me/parcels?limit=100"})
    targets.push_back(extra);
  CHECK(targets.size() > 15);

  const auto before = s.snapshot();
  std::size_t calls = 0;
  for (const auto& target : targets) {
    for (const auto& who : w.outsiders) {
      const auto r = s.get(target, who.token);
      ++calls;
      INFO(who.label << ": GET " << target << " -> " << r.status << " " << r.body.substr(0, 2000));
      CHECK(r.status < 500);
      check_no_secret(w, who, r);
    }
  }
  print_count("list and search requests", calls);
  CHECK(differences(before, s.snapshot()).empty());
}
