#include "support/json_schema.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using cunji::test::json_schema;
using cunji::test::schema_error;
namespace json = boost::json;

namespace {

const json::value root = json::parse(R"({
  "components": {"schemas": {
    "Id": {"type": "integer", "format": "int64", "minimum": 1},
    "Time": {"type": "string", "format": "date-time", "pattern": "Z$"},
    "Kind": {"type": "string", "enum": ["a", "b"]},
    "Pay": {"type": "object", "required": ["method"], "additionalProperties": false,
            "properties": {"method": {"const": "cash"}}},
    "Thing": {
      "type": "object",
      "required": ["id", "at", "kind", "tags", "pay"],
      "additionalProperties": false,
      "properties": {
        "id": {"$ref": "#/components/schemas/Id"},
        "at": {"$ref": "#/components/schemas/Time", "description": "when"},
        "kind": {"$ref": "#/components/schemas/Kind"},
        "name": {"type": ["string", "null"], "minLength": 1, "maxLength": 3},
        "tags": {"type": "array", "maxItems": 2, "items": {"type": "string"}},
        "pay": {"oneOf": [{"$ref": "#/components/schemas/Pay"}, {"type": "null"}]},
        "bps": {"type": "object", "maxProperties": 1, "propertyNames": {"$ref": "#/components/schemas/Kind"},
                "additionalProperties": {"type": "integer", "maximum": 10000}}
      },
      "if": {"required": ["kind"], "properties": {"kind": {"const": "b"}}},
      "then": {"required": ["name"]}
    }
  }}
})");

std::vector<schema_error> errors_of(const char* instance) {
  const json_schema v(root);
  return v.validate(v.resolve("#/components/schemas/Thing"), json::parse(instance));
}

std::vector<std::string> pointers_of(const std::vector<schema_error>& errs) {
  std::vector<std::string> out;
  for (const auto& e : errs) out.push_back(e.pointer);
  return out;
}

}  // namespace

TEST_CASE("a conforming instance has no errors", "[server][contract][schema]") {
  CHECK(errors_of(R"({"id": 3, "at": "2026-11-23T14:00:00Z", "kind": "a", "tags": [], "pay": null})").empty());
  CHECK(errors_of(R"({"id": 3, "at": "2026-11-23T14:00:00Z", "kind": "b", "name": "苹果园", "tags": ["x"],
                      "pay": {"method": "cash"}, "bps": {"a": 10000}})")
            .empty());
}

TEST_CASE("each broken rule is reported at its JSON pointer", "[server][contract][schema]") {
  SECTION("types, $ref targets and minimum") {
    auto e = errors_of(R"({"id": 0, "at": "2026-11-23 14:00", "kind": "c", "tags": [1], "pay": null, "name": null})");
    CHECK(pointers_of(e) == std::vector<std::string>{"/id", "/at", "/at", "/kind", "/tags/0"});
  }
  SECTION("required and undocumented properties") {
    auto e = errors_of(R"({"id": 1, "at": "2026-11-23T14:00:00Z", "kind": "a", "tags": [], "secret": 1})");
    REQUIRE(e.size() == 2);
    CHECK(e[0].pointer.empty());
    CHECK(e[0].message.find("\"pay\"") != std::string::npos);
    CHECK(e[1].pointer == "/secret");
  }
  SECTION("oneOf, if/then, lengths in characters, items and properties counts") {
    auto e = errors_of(R"({"id": 1, "at": "2026-11-23T14:00:00Z", "kind": "b", "tags": ["a", "b", "c"],
                           "pay": {"method": "card"}, "bps": {"a": 1, "zz": 10001}})");
    CHECK(pointers_of(e) == std::vector<std::string>{"/tags", "/pay", "/bps", "/bps/zz", "/bps/zz", ""});
    CHECK(errors_of(R"({"id": 1, "at": "2026-11-23T14:00:00Z", "kind": "a", "tags": [], "pay": null,
                        "name": "苹果树"})")
              .empty());
    CHECK(pointers_of(errors_of(R"({"id": 1, "at": "2026-11-23T14:00:00Z", "kind": "a", "tags": [], "pay": null,
                                    "name": "苹果树苗"})")) == std::vector<std::string>{"/name"});
  }
  SECTION("dates are checked, not only shaped") {
    CHECK(pointers_of(errors_of(R"({"id": 1, "at": "2026-13-23T14:00:00Z", "kind": "a", "tags": [], "pay": null})")) ==
          std::vector<std::string>{"/at"});
  }
}

TEST_CASE("a keyword the validator does not know is an error, not a pass", "[server][contract][schema]") {
  const json::value doc = json::parse(R"({"s": {"type": "array", "uniqueItems": true}})");
  const json_schema v(doc);
  auto e = v.validate(doc.at("s"), json::parse("[1, 1]"));
  REQUIRE(e.size() == 1);
  CHECK(e[0].message.find("uniqueItems") != std::string::npos);
  CHECK_THROWS_AS(v.resolve("#/nowhere"), std::invalid_argument);
}
