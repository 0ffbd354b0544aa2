#include "openapi_contract.hpp"
#include "server/web/page_app.hpp"

#include <atomic>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>

#include "server/router.hpp"
#include "support/json_schema.hpp"

namespace cunji::embedded {
const std::vector<std::pair<std::string_view, std::string_view>>& openapi();
}

namespace cunji::test::contract {

namespace json = boost::json;

namespace {

// The operations of the document, matched like the server matches its routes.
struct operations {
  server::router<const json::object*> table;
  operations() {
    for (const auto& [path, item] : document().at("paths").as_object()) {
      for (const auto& [name, op] : item.as_object()) {
        std::string upper(name);
        for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        const auto verb = http::string_to_verb(upper);
        if (verb == http::verb::unknown) continue;  // "parameters", "summary", ...
        table.add(verb, path, &op.as_object());
      }
    }
  }
};

const operations& ops() {
  static const operations o;
  return o;
}

const json_schema& validator() {
  static const json_schema v(document());
  return v;
}

// A response object, following a $ref (the siblings of a reference only annotate).
const json::object& deref(const json::value& v) {
  const auto& o = v.as_object();
  if (const auto* ref = o.if_contains("$ref")) return validator().resolve(ref->as_string()).as_object();
  return o;
}

// The documented answer for `status` among `responses`, or null.
const json::object* response_for(const json::object& responses, unsigned status) {
  const auto code = std::to_string(status);
  if (const auto* r = responses.if_contains(code)) return &deref(*r);
  const std::string range = code.substr(0, 1) + "XX";
  if (const auto* r = responses.if_contains(range)) return &deref(*r);
  if (const auto* r = responses.if_contains("default")) return &deref(*r);
  return nullptr;
}

// The reusable answers (components/responses) keyed by the status their problem schema fixes:
// what a request that names no documented operation may get.
const json::object* generic_response_for(unsigned status) {
  for (const auto& [name, resp] : document().at("components").at("responses").as_object()) {
    const auto* content = resp.as_object().if_contains("content");
    if (!content) continue;
    for (const auto& [media, body] : content->as_object()) {
      std::error_code ec;
      const auto* c = body.find_pointer("/schema/properties/status/const", ec);
      if (c && c->is_number() && json_equal(*c, json::value(status))) return &resp.as_object();
    }
  }
  return nullptr;
}

std::string media_type_of(const std::string& content_type) {
  std::string out = content_type.substr(0, content_type.find(';'));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_json_media(std::string_view m) {
  return m == "application/json" || (m.size() > 5 && m.substr(m.size() - 5) == "+json");
}

// Checks `r` against one documented response object. The answer to a HEAD request is the GET
// operation's answer without its body (RFC 9110): only its status and headers are checked.
void check_against(const json::object& resp, const reply& r, bool head, std::vector<std::string>& out) {
  const auto coding = r.header("content-encoding");
  if (!coding.empty() && coding != "gzip") out.push_back("Content-Encoding \"" + coding + "\" is not gzip");
  if (!r.decode_error.empty()) out.push_back(r.decode_error);
  const auto* content = resp.if_contains("content");
  if (head) {
    if (!r.body.empty()) out.push_back("a HEAD answer has a body");
  } else if (!content || content->as_object().empty()) {
    if (!r.body.empty()) out.push_back("the response documents no body, but one was sent");
  } else {
    const auto media = media_type_of(r.header("content-type"));
    const auto* entry = content->as_object().if_contains(media);
    if (!entry) {
      std::string names;
      for (const auto& kv : content->as_object()) names += (names.empty() ? "" : ", ") + std::string(kv.key());
      out.push_back("Content-Type \"" + r.header("content-type") + "\" is not documented (documented: " + names + ")");
    } else if (const auto* schema = entry->as_object().if_contains("schema")) {
      json::value body;
      if (is_json_media(media)) {
        std::error_code ec;
        body = json::parse(r.body, ec);
        if (ec) {
          out.push_back("the body is not JSON: " + ec.message());
          return;
        }
      } else {
        body = json::string(r.body);
      }
      for (const auto& e : validator().validate(*schema, body))
        out.push_back((e.pointer.empty() ? std::string("(body)") : e.pointer) + ": " + e.message);
    }
  }
  if (const auto* headers = resp.if_contains("headers")) {
    for (const auto& [name, h] : headers->as_object()) {
      const auto& hdr = deref(h);
      std::string lower(name);
      for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      const auto it = r.headers.find(lower);
      if (it == r.headers.end()) {
        if (const auto* req = hdr.if_contains("required"); req && req->as_bool())
          out.push_back("lacks the required header " + std::string(name));
        continue;
      }
      const auto* schema = hdr.if_contains("schema");
      if (!schema) continue;
      json::value v = json::string(it->second);
      if (const auto* t = schema->as_object().if_contains("type"); t && *t == "integer") {
        std::error_code ec;
        auto parsed = json::parse(it->second, ec);
        if (!ec) v = parsed;
      }
      for (const auto& e : validator().validate(*schema, v))
        out.push_back("header " + std::string(name) + ": " + e.message);
    }
  }
}

std::atomic<std::size_t> checked{0};
const std::thread::id test_thread = std::this_thread::get_id();  // static initialization runs on main()'s thread
std::mutex pending_m;
std::vector<std::string> pending;

// With CUNJI_TEST_STATS set, says at exit how many responses were checked.
struct stats_printer {
  ~stats_printer() {
    if (std::getenv("CUNJI_TEST_STATS"))
      std::fprintf(stderr, "contract: %zu responses checked against openapi.json\n", checked.load());
  }
} print_stats_at_exit;

}  // namespace

const json::value& document() {
  static const json::value doc = json::parse(embedded::openapi().at(0).second);
  return doc;
}

std::vector<std::string> check(std::string_view method, std::string_view target, const reply& r) {
  std::vector<std::string> found;
  const auto path = server::target_path(target);
  // The web pages (server/web/) are HTML, outside the API's contract.
  if (server::web::is_page_path(path) && !ops().table.find(http::string_to_verb(method), path).route) return found;
  // So is the 404 page a browser gets for a path nothing has, outside /v1.
  if (r.status == 404 && r.header("content-type") == "text/html; charset=utf-8" && path != "/v1" &&
      !path.starts_with("/v1/"))
    return found;
  const json::object* resp = nullptr;
  std::string what;
  const auto m = ops().table.find(http::string_to_verb(method), path);
  if (m.route) {
    const auto& responses = (*m.route)->at("responses").as_object();
    resp = response_for(responses, r.status);
    what = std::string(method) + " " + std::string(m.tmpl);
    if (!resp) found.push_back("status " + std::to_string(r.status) + " is not documented for " + what);
  } else {
    // No documented operation: only the generic answers fit. A request to an unknown path is
    // 404, to a known path with another method 405, unless it failed before routing (400 not
    // HTTP, 413, 431, 503 overloaded) or the server failed (500).
    what = method.empty() ? std::string("an unparsed request") : std::string("no such operation");
    const unsigned expected = m.allow.empty() ? 404 : 405;
    const bool before_routing = r.status == 400 || r.status == 413 || r.status == 431 || r.status >= 500;
    if (!method.empty() && r.status != expected && !before_routing)
      found.push_back("expected " + std::to_string(expected) + " for an undocumented operation");
    if (method.empty() && !before_routing) found.push_back("an unparsed request must get 400, 413, 431 or 5xx");
    resp = generic_response_for(r.status);
    if (!resp) found.push_back("status " + std::to_string(r.status) + " is not a documented generic error answer");
  }
  if (resp) check_against(*resp, r, method == "HEAD", found);
  const std::string prefix = std::string(method.empty() ? "?" : method) + " " + std::string(target) + " -> " +
                             std::to_string(r.status) + " (" + what + "): ";
  for (auto& f : found) f = prefix + f;
  return found;
}

std::pair<std::string, std::string> request_line_of(std::string_view raw) {
  const auto eol = raw.find("\r\n");
  const auto line = raw.substr(0, eol);
  const auto sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return {};
  const auto sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return {};
  const auto method = line.substr(0, sp1);
  if (http::string_to_verb(method) == http::verb::unknown) return {};
  return {std::string(method), std::string(line.substr(sp1 + 1, sp2 - sp1 - 1))};
}

void observe(std::string_view method, std::string_view target, const reply& r) {
  auto problems = check(method, target, r);
  ++checked;
  if (!problems.empty()) {
    std::lock_guard lock(pending_m);
    for (auto& p : problems) pending.push_back(std::move(p));
  }
  if (std::this_thread::get_id() == test_thread) report_pending();
}

void report_pending() {
  std::vector<std::string> now;
  {
    std::lock_guard lock(pending_m);
    now.swap(pending);
  }
  for (const auto& p : now) {
    if (std::uncaught_exceptions() > 0) {
      std::fprintf(stderr, "contract: %s\n", p.c_str());  // the test is failing already
    } else {
      FAIL_CHECK("contract: " << p);
    }
  }
}

std::size_t responses_checked() { return checked.load(); }

}  // namespace cunji::test::contract
