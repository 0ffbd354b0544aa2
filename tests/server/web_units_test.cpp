// The pieces of the web pages on their own: formatting, the template rules, forms, the cart
// cookie and CSRF tokens.
#include <catch2/catch.hpp>
#include <set>

#include "server/crypto.hpp"
#include "server/web/cart.hpp"
#include "server/web/csrf.hpp"
#include "server/web/forms.hpp"
#include "server/web/messages.hpp"
#include "server/web/templates.hpp"
#include "server/web/view_format.hpp"

using namespace cunji;
using namespace cunji::server::web;

TEST_CASE("money shows as yuan with two decimals", "[server][web]") {
  CHECK(yuan(1250) == "¥12.50");
  CHECK(yuan(0) == "¥0.00");
  CHECK(yuan(5) == "¥0.05");
  CHECK(yuan(-5) == "-¥0.05");
  CHECK(yuan(100'000'000'00) == "¥100000000.00");
  CHECK(price_per_unit(lang::zh, 1250, "box") == "¥12.50/箱");
  CHECK(price_per_unit(lang::en, 1250, "box") == "¥12.50 per box");
  CHECK(parse_yuan("12.5") == 1250);
  CHECK(parse_yuan("12.05") == 1205);
  CHECK(parse_yuan("7") == 700);
  CHECK_FALSE(parse_yuan("12.555"));
  CHECK_FALSE(parse_yuan("-1"));
  CHECK_FALSE(parse_yuan("1e3"));
  CHECK_FALSE(parse_yuan(""));
  CHECK_FALSE(parse_yuan("12."));
}

TEST_CASE("times show in China time, UTC+8", "[server][web]") {
  CHECK(china_time(0) == "1970-01-01 08:00");
  CHECK(china_time(1'795'442'400) == "2026-11-23 22:00");  // 14:00 UTC
  CHECK(china_time(1'795'442'400 + 10 * 3600) == "2026-11-24 08:00");
  CHECK(china_time(951'782'400 - 8 * 3600) == "2000-02-29 00:00");  // leap day, midnight in China
}

TEST_CASE("order statuses have words in both languages", "[server][web]") {
  CHECK(status_word(lang::zh, order_status::placed) == "待付款");
  CHECK(status_word(lang::en, order_status::placed) == "Awaiting payment");
  CHECK(status_word(lang::zh, order_status::at_station) == "已到服务站");
  for (const auto s : all_order_statuses) {
    CHECK(status_word(lang::zh, s) != status_word(lang::en, s));
    CHECK_FALSE(status_word(lang::zh, s).starts_with("status."));
  }
  CHECK(category_word(lang::zh, "tea") == "茶叶");
  CHECK(category_word(lang::en, "nonsense") == "nonsense");
}

TEST_CASE("the message catalogue has each key once, in both languages", "[server][web]") {
  std::set<std::string_view> keys;
  for (const auto& m : all_messages()) {
    CHECK(keys.insert(m.key).second);
    CHECK_FALSE(m.zh.empty());
    CHECK_FALSE(m.en.empty());
    CHECK(m.key.find('.') != std::string_view::npos);
  }
}

TEST_CASE("every embedded template passes the lint and names only known messages", "[server][web]") {
  REQUIRE(embedded_templates().size() >= 10);
  for (const auto& [name, text] : embedded_templates()) {
    INFO(name);
    CHECK(lint_template(name, text).empty());
    for (auto at = text.find("{{t."); at != std::string_view::npos; at = text.find("{{t.", at + 1)) {
      const auto end = text.find("}}", at);
      CHECK(has_message(text.substr(at + 4, end - at - 4)));
    }
  }
  const page_templates parsed(embedded_templates());
  CHECK(parsed.style_source().starts_with("'sha256-"));
  CHECK(parsed.style_bytes() <= 6 * 1024);
}

TEST_CASE("the template lint refuses each unsafe spelling", "[server][web]") {
  const std::string layout_ok = "<html><style>a{}</style>{{{body}}}</html>";
  CHECK(lint_template("layout.mustache", layout_ok).empty());
  CHECK_FALSE(lint_template("layout.mustache", layout_ok + "{{{body}}}").empty());
  CHECK_FALSE(lint_template("page.mustache", "<p>{{{body}}}</p>").empty());
  CHECK_FALSE(lint_template("page.mustache", "<p>{{&name}}</p>").empty());
  CHECK_FALSE(lint_template("page.mustache", "<p>{{{name}}}</p>").empty());
  CHECK_FALSE(lint_template("page.mustache", "<script>var a = 1;</script>").empty());
  CHECK_FALSE(lint_template("page.mustache", "<script>var a = '{{x}}';</script>").empty());
  CHECK_FALSE(lint_template("page.mustache", "<style>a{color:{{c}}}</style>").empty());
  CHECK_FALSE(lint_template("page.mustache", R"x(<a onclick="go({{id}})">x</a>)x").empty());
  CHECK_FALSE(lint_template("page.mustache", R"(<a ONMOUSEOVER='{{id}}'>x</a>)").empty());
  CHECK_FALSE(lint_template("page.mustache", R"(<p style="width:{{w}}px">x</p>)").empty());
  CHECK_FALSE(lint_template("page.mustache", R"(<a href={{url}}>x</a>)").empty());
  CHECK_FALSE(lint_template("page.mustache", R"(<input {{attr}}>)").empty());
  CHECK(lint_template("page.mustache", R"(<a href="/x/{{id}}" title='{{t}}'>{{name}}</a>)").empty());
  CHECK(lint_template("page.mustache", R"(<option value="{{c}}"{{#sel}} selected{{/sel}}>{{w}}</option>)").empty());
}

TEST_CASE("a template that does not parse, or breaks the lint, refuses to load", "[server][web]") {
  const std::string layout = "<html><style>a{}</style>{{{body}}}</html>";
  using files = std::vector<std::pair<std::string_view, std::string_view>>;
  CHECK_NOTHROW(page_templates(files{{"layout.mustache", layout}, {"a.mustache", "<p>{{x}}</p>"}}));
  CHECK_THROWS(page_templates(files{{"layout.mustache", layout}, {"a.mustache", "<p>{{#x}}</p>"}}));
  CHECK_THROWS(page_templates(files{{"layout.mustache", layout}, {"a.mustache", "<p>{{{x}}}</p>"}}));
  CHECK_THROWS(page_templates(files{{"a.mustache", "<p>{{x}}</p>"}}));                  // no layout
  CHECK_THROWS(page_templates(files{{"layout.mustache", "<html>{{{body}}}</html>"}}));  // no <style>
}

TEST_CASE("rendering escapes HTML in values", "[server][web]") {
  using files = std::vector<std::pair<std::string_view, std::string_view>>;
  const page_templates t(
      files{{"layout.mustache", "<style>a{}</style>{{{body}}}"}, {"p.mustache", R"(<a title="{{x}}">{{x}}</a>)"}});
  view v{view::type::object};
  v.set("x", "<script>\"'&");
  CHECK(t.render("p", v) == R"(<a title="&lt;script&gt;&quot;&apos;&amp;">&lt;script&gt;&quot;&apos;&amp;</a>)");
}

TEST_CASE("form bodies are read strictly", "[server][web]") {
  auto f = parse_form("a=1&b=%E6%9D%91+x&c=&d");
  REQUIRE(f);
  CHECK(f->str("a") == "1");
  CHECK(f->str("b") == "村 x");
  CHECK(f->get("c") == "");
  CHECK(f->get("d") == "");
  CHECK_FALSE(f->get("e"));
  CHECK_FALSE(parse_form("a=%ZZ"));
  CHECK_FALSE(parse_form("a=%4"));
  CHECK_FALSE(parse_form("a=%C0%AF"));  // not UTF-8
  CHECK(cookie_in("a=1; cart=3:2.4:1; b=2", "cart") == "3:2.4:1");
  CHECK_FALSE(cookie_in("xcart=1", "cart"));
}

TEST_CASE("the cart cookie is validated at every read", "[server][web]") {
  const auto lines = parse_cart("3:2.4:1.3:5.x:1.5:0.6:10001.07:1.8:-1.9:3");
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].listing_id == 3);
  CHECK(lines[0].quantity == 2);
  CHECK(lines[1].listing_id == 4);
  CHECK(lines[2].listing_id == 9);
  CHECK(format_cart(lines) == "3:2.4:1.9:3");
  std::string many;
  for (int i = 1; i <= 30; ++i) many += std::to_string(i) + ":1.";
  CHECK(parse_cart(many).size() == cart_lines_max);
}

TEST_CASE("masked CSRF tokens differ per response and each verifies", "[server][web][csrf]") {
  server::crypto_init();
  const csrf_key key;
  const auto t = key.token_for("a:visitor");
  const auto m1 = mask(t);
  const auto m2 = mask(t);
  CHECK(m1 != m2);
  CHECK(m1.size() == 86);
  CHECK(unmask_matches(m1, t));
  CHECK(unmask_matches(m2, t));
  CHECK_FALSE(unmask_matches(mask(key.token_for("a:other")), t));
  CHECK_FALSE(unmask_matches("", t));
  auto flipped = m1;
  flipped[50] = flipped[50] == 'A' ? 'B' : 'A';
  CHECK_FALSE(unmask_matches(flipped, t));
  CHECK(key.token_for("x") != csrf_key().token_for("x"));  // a key per server start
}
