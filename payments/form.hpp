#pragma once
// application/x-www-form-urlencoded, the body of Alipay's notifications and of its requests.
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace cunji::payments {

// Fields by key, in byte order of the keys (the order in which Alipay sorts them to sign).
using form_fields = std::map<std::string, std::string, std::less<>>;

// Pairs `key=value` joined by '&'; '+' is a space and %XX an escaped byte. An empty body has no
// fields. Errors: a pair without '=' or with an empty key, an empty pair ("a=1&&b=2"), a '%' not
// followed by two hex digits, a key or value that is not UTF-8 once decoded, a repeated key.
result<form_fields> parse_form(std::string_view body);

// Every byte but RFC 3986's unreserved (A-Z a-z 0-9 - . _ ~) as %XX, hex upper case: what
// Alipay's SDKs send, and decoded the same by any form parser (a space is %20, never '+').
std::string url_encode(std::string_view s);
void append_url_encoded(std::string& out, std::string_view s);

// key=value for every field in key order, both encoded, joined by '&'.
std::string encode_form(const form_fields& fields);

}  // namespace cunji::payments
