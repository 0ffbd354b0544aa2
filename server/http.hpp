#pragma once
// Common HTTP names for server/.
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/value.hpp>

namespace cunji::server {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace json = boost::json;

using request = http::request<http::string_body>;
using response = http::response<http::string_body>;

// A 2xx/3xx response with a JSON body (or an empty body for 204).
response json_response(http::status status, const json::value& body, unsigned version = 11);
response empty_response(http::status status, unsigned version = 11);
// The same with a body already rendered as JSON text.
response json_text_response(http::status status, std::string body, unsigned version = 11);

}  // namespace cunji::server
