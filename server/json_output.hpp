#pragma once
// Domain types to their JSON representation (the resource shapes of docs/http.md and server/openapi.json).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/account.hpp"
#include "core/catalog.hpp"
#include "core/fees.hpp"
#include "core/order.hpp"
#include "core/order_return.hpp"
#include "core/purchase.hpp"
#include "core/region.hpp"

namespace cunji::server {

boost::json::object to_json(const account& a);
boost::json::object to_json(const county& c);
boost::json::object to_json(const village& v);
boost::json::object to_json(const villager& v);
boost::json::object to_json(const shop& s);

// JSON text written straight into a string, without a value tree (the hot read paths): a
// listing as the API shapes it, and a page of listings as list_body shapes lists.
void append_json(std::string& out, const listing& l);
// A listing's photo: {id, width, height, small_url, large_url}; the URLs are photo_url's.
void append_json(std::string& out, const listing_photo& p);
// Where a rendition is served: /photos/{name} (server/routes/photos.cpp).
std::string photo_url(std::string_view name);
std::string listing_page_json(const std::vector<listing>& items, const std::optional<std::string>& next_cursor);
// `s` as a JSON string literal: quotes, backslashes and control characters escaped, the rest
// (UTF-8 included) as it is.
void append_json_string(std::string& out, std::string_view s);

boost::json::object to_json(const order& o);
boost::json::object to_json(const purchase& p);
boost::json::object to_json(const order_return& r);
boost::json::object to_json(const payment_record& p);
boost::json::object to_json(const fee_schedule& s);

// {"items": [...], "next_cursor": "..." | null}
boost::json::object list_body(boost::json::array items, const std::optional<std::string>& next_cursor);

}  // namespace cunji::server
