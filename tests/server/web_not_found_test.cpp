// The HTML 404 page: a browser asking for a path nothing has gets a page in the layout; the
// API's paths and API clients keep the JSON problem.
#include <catch2/catch.hpp>

#include "server/web/page_app.hpp"
#include "test_client.hpp"

using namespace cunji;
using namespace cunji::test;
using cunji::server::web::prefers_html;

namespace {
const std::string chrome_accept =
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
    "application/signed-exchange;v=b3;q=0.7";
}

TEST_CASE("Accept prefers HTML when text/html is named and not outranked by JSON", "[server][web]") {
  CHECK(prefers_html(chrome_accept));
  CHECK(prefers_html("text/html"));
  CHECK(prefers_html("TEXT/HTML ; q=0.5, */*;q=0.1"));
  CHECK(prefers_html("application/json;q=0.5, text/html"));
  CHECK(prefers_html("text/html, application/json"));  // a tie goes to the page
  CHECK_FALSE(prefers_html(""));
  CHECK_FALSE(prefers_html("*/*"));
  CHECK_FALSE(prefers_html("text/*"));
  CHECK_FALSE(prefers_html("application/json"));
  CHECK_FALSE(prefers_html("text/html;q=0.5, application/json"));
  CHECK_FALSE(prefers_html("text/html;q=0.5, application/*"));
  CHECK_FALSE(prefers_html("text/html;q=0.5, application/problem+json;q=0.9"));
  CHECK_FALSE(prefers_html("text/html;q=0"));
  CHECK_FALSE(prefers_html("text/html;q=nonsense"));
  CHECK_FALSE(prefers_html("text/htmlx"));
}

TEST_CASE("a browser gets an HTML 404 page, while /v1 and API clients keep the JSON problem", "[server][web]") {
  test_server s([](server::server_config& c) { c.insecure_cookies = true; });
  const header_list browser{{"Accept", chrome_accept}};
  for (const std::string path : {"/nope/page", "/nope", "/reports/x?y=1"}) {
    INFO(path);
    const auto r = s.send(http::verb::get, path, "", browser);
    CHECK(r.status == 404);
    CHECK(r.header("content-type") == "text/html; charset=utf-8");
    CHECK(r.header("content-security-policy").starts_with("default-src 'none'; style-src 'sha256-"));
    CHECK(r.header("cache-control") == "no-store");
    CHECK(r.body.starts_with("<!doctype html>"));
    CHECK(r.body.find("<p>找不到这个页面。</p>") != std::string::npos);
  }
  header_list english = browser;
  english.emplace_back("Cookie", "lang=en");
  CHECK(s.send(http::verb::get, "/nope", "", english).body.find("<p>There is no such page.</p>") != std::string::npos);
  const auto head = s.send(http::verb::head, "/nope", "", browser);
  CHECK(head.status == 404);
  CHECK(head.header("content-type") == "text/html; charset=utf-8");
  // JSON stays for the API's paths, other methods, and clients that do not ask for HTML.
  struct asked {
    http::verb method;
    std::string path;
    header_list headers;
  };
  for (const auto& a : {asked{http::verb::get, "/v1/nope", browser}, asked{http::verb::get, "/v1", browser},
                        asked{http::verb::post, "/nope", browser}, asked{http::verb::get, "/nope", {}},
                        asked{http::verb::get, "/nope", {{"Accept", "*/*"}}},
                        asked{http::verb::get, "/nope", {{"Accept", "application/json"}}}}) {
    INFO(a.path << " " << a.headers.size());
    const auto r = s.send(a.method, a.path, "", a.headers);
    CHECK(r.status == 404);
    CHECK(r.header("content-type") == "application/problem+json");
  }
}
