// The reports page: the bar chart model (scaling, zeros, escaping, the pattern on marked bars
// only) and /reports on seeded data, whose tables must say what the /v1 reports say.
#include <algorithm>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <limits>

#include "catalog_helpers.hpp"
#include "order_fixture.hpp"
#include "server/web/bar_chart.hpp"
#include "server/web/templates.hpp"
#include "web_browser.hpp"

using namespace cunji;
using namespace cunji::test;
using namespace cunji::server::web;

namespace {

// The chart drawn by the reports template, alone.
std::string draw(const bar_chart& c) {
  static const page_templates templates(embedded_templates());
  view v{view::type::object};
  view charts{view::type::list};
  charts.push_back(chart_view(c));
  v.set("charts", charts);
  view none{view::type::object};
  none.set("none", "No figures yet.");
  view t{view::type::object};
  t.set("reports", none);
  v.set("t", t);
  return templates.render("reports", v);
}

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

bar_chart three_counties() {
  bar_chart c;
  c.id = "c";
  c.heading = c.title = "Sales";
  c.desc = "Hatched: poverty";
  c.marked_legend = "Poverty county";
  c.plain_legend = "Other county";
  c.columns = {"County", "Sales"};
  c.bars = {{"<script>alert(1)</script>", "/reports?county=1", 400, "¥4.00", true, {"¥4.00"}},
            {"吉木乃县", "", 100, "¥1.00", false, {"¥1.00"}},
            {"Tom & \"Jerry\"", "", 0, "¥0.00", false, {"¥0.00"}}};
  return c;
}

std::string money(std::int64_t fen) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "¥%lld.%02lld", static_cast<long long>(fen / 100), static_cast<long long>(fen % 100));
  return buf;
}

std::string html_text(const std::string& s) {
  std::string out;
  for (const char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else if (c == '"') out += "&quot;";
    else if (c == '\'') out += "&apos;";
    else out += c;
  }
  return out;
}

struct seeded_county {
  std::int64_t id = 0, shop = 0, listing = 0;
};

// A county (over the admin API), a village, a farmer's shop and a listing at `price` fen.
seeded_county seed_county(test_server& s, const std::string& admin, const std::string& name, bool poverty,
                          std::int64_t price) {
  seeded_county c;
  auto r = s.post("/v1/counties",
                  boost::json::serialize(
                      boost::json::object{{"name", name}, {"province", "重庆市"}, {"poverty_stricken", poverty}}),
                  admin);
  REQUIRE(r.status == 201);
  c.id = r.json().at("id").as_int64();
  r = s.post("/v1/villages", R"({"county_id":)" + std::to_string(c.id) + R"(,"name":"岚天村"})", admin);
  REQUIRE(r.status == 201);
  const auto farmer = s.direct_user(role::farmer, r.json().at("id").as_int64()).second;
  r = s.post("/v1/shops", R"({"name":"小店"})", farmer);
  REQUIRE(r.status == 201);
  c.shop = r.json().at("id").as_int64();
  r = s.post("/v1/shops/" + std::to_string(c.shop) + "/listings",
             R"({"title":"高山土豆","category":"vegetable","unit":"kg","price_fen":)" + std::to_string(price) +
                 R"(,"stock":100000})",
             farmer);
  REQUIRE(r.status == 201);
  c.listing = r.json().at("id").as_int64();
  return c;
}

}  // namespace

TEST_CASE("bar widths scale to the largest value, in whole units", "[server][web][chart]") {
  CHECK(bar_widths({}) == std::vector<int>{});
  CHECK(bar_widths({400, 100, 0}) == std::vector<int>{bar_max, 73, 0});  // 72.5, rounded
  CHECK(bar_widths({3, 2, 1}) == std::vector<int>{290, 193, 97});        // 193.3 and 96.7, rounded
  CHECK(bar_widths({0, 0, 0}) == std::vector<int>{0, 0, 0});             // nothing to scale to
  CHECK(bar_widths({-50, 100}) == std::vector<int>{0, bar_max});
  CHECK(bar_widths({-50, -10}) == std::vector<int>{0, 0});
  CHECK(bar_widths({1'000'000'000, 1}) == std::vector<int>{bar_max, 1});  // too small to see, still drawn
  constexpr auto big = std::numeric_limits<std::int64_t>::max();
  CHECK(bar_widths({big, big / 2}) == std::vector<int>{bar_max, bar_max / 2});
}

TEST_CASE("a bar chart is SVG with its rows at integer places, and a table of the same numbers",
          "[server][web][chart]") {
  const auto html = draw(three_counties());
  CHECK(html.find("<svg role=\"img\" aria-labelledby=\"c-t c-d\" viewBox=\"0 0 520 112\"") != std::string::npos);
  CHECK(html.find("<title id=\"c-t\">Sales</title><desc id=\"c-d\">Hatched: poverty</desc>") != std::string::npos);
  CHECK(html.find("<rect x=\"122\" y=\"28\" width=\"290\" height=\"20\"") != std::string::npos);
  CHECK(html.find("<rect x=\"122\" y=\"56\" width=\"73\" height=\"20\"") != std::string::npos);  // 72.5 rounded
  CHECK(html.find("<rect x=\"122\" y=\"84\" width=\"0\" height=\"20\"") != std::string::npos);
  CHECK(html.find("<text x=\"418\" y=\"43\">¥4.00</text>") != std::string::npos);
  CHECK(html.find("<th scope=\"row\">吉木乃县</th><td>¥1.00</td>") != std::string::npos);
  CHECK(html.find("<a class=\"link\" href=\"/reports?county=1\">") != std::string::npos);
}

TEST_CASE("chart labels are escaped text, cut in the chart and whole in the table", "[server][web][chart]") {
  const auto html = draw(three_counties());
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("alert(1)</script>") == std::string::npos);
  CHECK(html.find(">&lt;script&gt;alert(1)&lt;/script&gt;</a></th>") != std::string::npos);  // the table
  CHECK(html.find(">&lt;scrip…</text>") != std::string::npos);                               // 6 characters
  CHECK(html.find("Tom &amp; &quot;Jerry&quot;") != std::string::npos);
  CHECK(html.find("Tom & ") == std::string::npos);
}

TEST_CASE("the pattern fills the marked bars only, and its legend", "[server][web][chart]") {
  auto c = three_counties();
  auto html = draw(c);
  CHECK(html.find("<pattern id=\"c-p\"") != std::string::npos);
  CHECK(count(html, "fill=\"url(#c-p)\"") == 2);  // the first bar and the legend's swatch
  CHECK(html.find("<rect x=\"122\" y=\"28\" width=\"290\" height=\"20\" fill=\"url(#c-p)\"/>") != std::string::npos);
  CHECK(html.find("<rect x=\"122\" y=\"56\" width=\"73\" height=\"20\" fill=\"#2a6b2a\"/>") != std::string::npos);
  CHECK(html.find("<text x=\"282\" y=\"17\">Poverty county</text>") != std::string::npos);
  for (auto& b : c.bars) b.marked = false;
  c.marked_legend.clear();
  html = draw(c);
  CHECK(count(html, "url(#c-p)") == 0);
  CHECK(html.find("Poverty county") == std::string::npos);
}

TEST_CASE("a chart without rows draws nothing and says so", "[server][web][chart]") {
  auto c = three_counties();
  c.bars.clear();
  const auto html = draw(c);
  CHECK(html.find("<svg") == std::string::npos);
  CHECK(html.find("<table aria-labelledby") == std::string::npos);
  CHECK(html.find("<h2 id=\"c-h\">Sales</h2>") != std::string::npos);
  CHECK(html.find("<p>No figures yet.</p>") != std::string::npos);
}

namespace {

// Buys `qty` of a county's listing and pays (with Alipay, confirmed by its notification).
void sell(test_server& s, const std::string& buyer, const seeded_county& c, std::int64_t qty) {
  auto r = s.post("/v1/orders", market::order_body_to(std::nullopt, c.shop, c.listing, qty), buyer);
  REQUIRE(r.status == 201);
  s.pay(r.json().at("id").as_int64(), buyer);
}

// 12 counties (the first named like a script, every 3rd poverty-stricken) with paid orders in
// two months and one unpaid order.
std::vector<seeded_county> seed_sales(test_server& s) {
  const auto admin = s.admin_token();
  std::vector<seeded_county> counties;
  for (int i = 0; i < 12; ++i) {
    const auto name = i == 0 ? std::string("<script>alert(1)</script>县")
                             : catalog::repeat("奉", 47) + std::to_string(100 + i);
    counties.push_back(seed_county(s, admin, name, i % 3 == 0, 1000 + 37 * i));
  }
  const auto buyer = s.direct_user(role::buyer).second;
  for (int i = 0; i < 12; ++i) sell(s, buyer, counties[i], 1 + i % 5);
  s.advance_clock(35 * 86'400);  // into the next month (the first buyer's token has expired)
  const auto second = s.direct_user(role::buyer).second;
  for (int i = 0; i < 12; i += 2) sell(s, second, counties[i], 2);
  auto r = s.post("/v1/orders", market::order_body_to(std::nullopt, counties[1].shop, counties[1].listing, 50), second);
  REQUIRE(r.status == 201);  // never paid: counts nowhere
  return counties;
}

std::string row(const std::string& label, const std::vector<std::string>& cells) {
  std::string out = "<tr><th scope=\"row\">" + label + "</th>";
  for (const auto& c : cells) out += "<td>" + c + "</td>";
  return out + "</tr>";
}

// The rows the monthly table of county `id` must hold, from /v1.
std::vector<std::string> monthly_rows(test_server& s, std::int64_t id) {
  const auto r = s.get("/v1/reports/counties/" + std::to_string(id) + "/monthly");
  REQUIRE(r.status == 200);
  const auto doc = r.json();
  std::vector<std::string> rows;
  for (const auto& m : doc.at("months").as_array())
    rows.push_back(row(std::string(m.at("month").as_string()),
                       {money(m.at("gmv_fen").as_int64()), money(m.at("poverty_relief_gmv_fen").as_int64()),
                        std::to_string(m.at("orders").as_int64())}));
  return rows;
}

}  // namespace

TEST_CASE("the reports page shows what the /v1 reports answer, to anyone", "[server][web][reports]") {
  test_server s([](server::server_config& c) { c.insecure_cookies = true; });
  seed_sales(s);
  browser b(s);
  const auto page = b.get("/reports");  // anonymous
  REQUIRE(page.status == 200);
  CHECK(page.header("content-type") == "text/html; charset=utf-8");
  const auto& html = page.body;
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find(" style=") == std::string::npos);
  // The poverty-relief totals.
  const auto relief = s.get("/v1/reports/poverty-relief").json().as_object();
  CHECK(relief.at("orders").as_int64() > 0);
  CHECK(html.find(row("销售额", {money(relief.at("gmv_fen").as_int64())})) != std::string::npos);
  CHECK(html.find(row("订单数", {std::to_string(relief.at("orders").as_int64())})) != std::string::npos);
  CHECK(html.find(row("买家数", {std::to_string(relief.at("distinct_buyers").as_int64())})) != std::string::npos);
  CHECK(html.find(row("店铺数", {std::to_string(relief.at("shops").as_int64())})) != std::string::npos);
  std::map<std::int64_t, std::int64_t> relief_by_county;
  for (const auto& c : relief.at("counties").as_array())
    relief_by_county[c.at("county_id").as_int64()] = c.at("gmv_fen").as_int64();
  // Every county of the top 10 by sales (ties: the API's order), and no other.
  auto items = s.get("/v1/reports/counties").json().at("items").as_array();
  std::vector<boost::json::value> counties(items.begin(), items.end());
  std::stable_sort(counties.begin(), counties.end(), [](const auto& a, const auto& x) {
    return a.at("gmv_fen").as_int64() > x.at("gmv_fen").as_int64();
  });
  REQUIRE(counties.size() > 10);
  std::size_t last_at = 0;
  for (std::size_t i = 0; i < counties.size(); ++i) {
    const auto& c = counties[i];
    const auto id = c.at("county_id").as_int64();
    const auto link = "<a class=\"link\" href=\"/reports?county=" + std::to_string(id) + "\">" +
                      html_text(std::string(c.at("name").as_string())) + "</a>";
    const auto expected = row(link,
                              {c.at("poverty_stricken").as_bool() ? "是" : "否", money(c.at("gmv_fen").as_int64()),
                               money(relief_by_county[id]), std::to_string(c.at("orders").as_int64())});
    INFO(expected);
    const auto at = html.find(expected);
    if (i < 10) {
      CHECK(at != std::string::npos);
      CHECK(at > last_at);  // in order
      last_at = at;
    } else {
      CHECK(html.find("county=" + std::to_string(id) + "\"") == std::string::npos);
    }
  }
  // The monthly table of the top county.
  const auto top = counties.front().at("county_id").as_int64();
  const auto rows = monthly_rows(s, top);
  REQUIRE(rows.size() == 13);
  for (const auto& r : rows) {
    INFO(r);
    CHECK(html.find(r) != std::string::npos);
  }
  // Signed in or not, the same numbers.
  CHECK(s.get("/reports", s.admin_token()).body.find(rows.back()) != std::string::npos);
}

TEST_CASE("the reports page: another county by ?county=, escaped, 404 for others", "[server][web][reports]") {
  test_server s([](server::server_config& c) { c.insecure_cookies = true; });
  const auto counties = seed_sales(s);
  browser b(s);
  const auto page = b.get("/reports?county=" + std::to_string(counties[0].id));
  REQUIRE(page.status == 200);
  CHECK(page.body.find("<script") == std::string::npos);
  CHECK(page.body.find("<h2 id=\"months-h\">&lt;script&gt;alert(1)&lt;/script&gt;县 每月销售额</h2>") !=
        std::string::npos);
  for (const auto& r : monthly_rows(s, counties[0].id)) {
    INFO(r);
    CHECK(page.body.find(r) != std::string::npos);
  }
  // A poverty county's monthly bars carry the pattern; another's do not.
  CHECK(page.body.find("height=\"20\" fill=\"url(#months-p)\"/>") != std::string::npos);
  const auto other = b.get("/reports?county=" + std::to_string(counties[1].id));
  REQUIRE(other.status == 200);
  CHECK(other.body.find("url(#months-p)") == std::string::npos);
  CHECK(other.body.find("height=\"20\" fill=\"url(#counties-p)\"/>") != std::string::npos);
  for (const std::string q : {"999999", "0", "-3", "abc", ""}) {
    INFO(q);
    const auto r = b.get("/reports?county=" + q);
    CHECK(r.status == 404);
    CHECK(r.header("content-type") == "text/html; charset=utf-8");
  }
  // English from the catalogue.
  const auto en = b.get("/reports?lang=en");
  CHECK(en.body.find("<h1>Sales reports</h1>") != std::string::npos);
  CHECK(en.body.find("<th scope=\"col\">Poverty-relief sales</th>") != std::string::npos);
}

TEST_CASE("the reports page stays within 14,600 bytes with long county names", "[server][web][reports]") {
  test_server s([](server::server_config& c) { c.insecure_cookies = true; });
  const auto counties = seed_sales(s);
  browser b(s);
  for (const auto& target :
       std::vector<std::string>{"/reports", "/reports?lang=en", "/reports?county=" + std::to_string(counties[3].id)}) {
    INFO(target);
    const auto r = b.get(target);
    REQUIRE(r.status == 200);
    CHECK(r.body.size() <= 14'600);
  }
}

TEST_CASE("the reports page without any county", "[server][web][reports]") {
  test_server s([](server::server_config& c) { c.insecure_cookies = true; });
  browser b(s);
  const auto r = b.get("/reports");
  REQUIRE(r.status == 200);
  CHECK(r.body.find("<svg") == std::string::npos);
  CHECK(r.body.find("<p>还没有数据。</p>") != std::string::npos);
  CHECK(r.body.find(row("销售额", {"¥0.00"})) != std::string::npos);
}
