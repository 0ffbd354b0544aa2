#pragma once
// A browser without JavaScript for the page tests: keeps cookies, sends forms with the CSRF
// token of the page they came from, and reads fields out of the HTML.
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "server/web/forms.hpp"
#include "test_client.hpp"

namespace cunji::test {

struct browser {
  explicit browser(test_server& server) : s(server) {}

  test_server& s;
  std::map<std::string, std::string> cookies;
  header_list extra;  // sent with every request (e.g. Sec-Fetch-Site)

  std::string cookie_header() const {
    std::string out;
    for (const auto& [k, v] : cookies) out += (out.empty() ? "" : "; ") + k + "=" + v;
    return out;
  }

  // Takes the Set-Cookie headers of `r` (the client keeps one header per name: the last).
  void keep(const reply& r, const std::vector<std::string>& set_cookies) {
    (void)r;
    for (const auto& sc : set_cookies) {
      const auto eq = sc.find('=');
      const auto semi = sc.find(';');
      const auto name = sc.substr(0, eq);
      const auto value = sc.substr(eq + 1, semi - eq - 1);
      if (sc.find("Max-Age=0") != std::string::npos) cookies.erase(name);
      else cookies[name] = value;
    }
  }

  reply send(http::verb m, const std::string& target, const std::string& body = "") {
    header_list h = extra;
    if (!cookies.empty()) h.emplace_back("Cookie", cookie_header());
    if (m == http::verb::post) h.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    auto r = s.send(m, target, body, h);
    keep(r, r.set_cookies);
    return r;
  }
  reply get(const std::string& target) { return send(http::verb::get, target); }
  reply post(const std::string& target, const std::string& body) { return send(http::verb::post, target, body); }

  // The value="…" of the first input named `name` in `html` after `from` ("" if none).
  static std::string field(const std::string& html, const std::string& name, std::size_t from = 0) {
    const auto at = html.find("name=\"" + name + "\"", from);
    if (at == std::string::npos) return "";
    const auto tag_start = html.rfind('<', at);
    const auto v = html.find("value=\"", tag_start);
    if (v == std::string::npos) return "";
    const auto end = html.find('"', v + 7);
    return html.substr(v + 7, end - v - 7);
  }

  // Posts the form whose action is `action` on `page`, with its hidden fields and `fields`.
  reply submit(const std::string& page_html, const std::string& action, const std::string& fields) {
    const auto at = page_html.find("action=\"" + action + "\"");
    REQUIRE(at != std::string::npos);
    std::string body = "_csrf=" + server::web::url_encode(field(page_html, "_csrf", at));
    const auto key = field(page_html, "key", at);
    if (!key.empty() && page_html.find("name=\"key\"", at) < page_html.find("</form>", at))
      body += "&key=" + server::web::url_encode(key);
    if (!fields.empty()) body += "&" + fields;
    return post(action, body);
  }
};

}  // namespace cunji::test
