#pragma once
// The contract check: every response the server tests receive is held against server/openapi.json.
// The operation (method and path template) must be documented, the status documented for it
// (or a range such as 4XX, or `default`), the Content-Type one of the documented media types,
// the JSON body valid against the documented schema, and the required response headers present
// and valid. A HEAD request is held against the path's GET operation, without a body. Requests
// that deliberately miss every route (404) or use a method the path does not have (405) must
// still get the document's generic error answers (a problem of that status).
#include <boost/json/value.hpp>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "test_client.hpp"

namespace cunji::test::contract {

// The OpenAPI document the server embeds and serves.
const boost::json::value& document();

// What is wrong with one response, as "METHOD target -> status: /json/pointer: message" lines;
// empty when it conforms. `method` is empty when the request could not be parsed.
std::vector<std::string> check(std::string_view method, std::string_view target, const reply& r);

// Checks a response a test received and counts it. Problems fail the running test case: at once
// on the test's own thread; responses read on other threads are reported by the next call on the
// test's thread (or by report_pending()).
void observe(std::string_view method, std::string_view target, const reply& r);
// Reports (as Catch2 failures) problems found on other threads. Call on the test's thread.
void report_pending();

// How many responses observe() has checked in this process.
std::size_t responses_checked();

// The method and target of a raw HTTP/1.x request's request line ({"", ""} if there is none).
std::pair<std::string, std::string> request_line_of(std::string_view raw);

}  // namespace cunji::test::contract
