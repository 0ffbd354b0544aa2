#pragma once
// View models the pages share: a listing's card, lists of words, the query of a "next" link.
#include <string>
#include <string_view>
#include <vector>

#include "core/catalog.hpp"
#include "server/web/messages.hpp"
#include "server/web/templates.hpp"

namespace cunji::server::web {

// {id, title, price, relief_badge, photo: {src, width, height}} of a listing card (the photo
// is the small rendition, scaled as it is stored).
view listing_card(lang l, const listing& x);
view cards(lang l, const std::vector<listing>& xs);
// The target `path?query` with parameter `name` set to `value` (added or replaced).
std::string with_param(std::string_view target, std::string_view name, std::string_view value);
// A random key for one submission of a form (the Idempotency-Key of what it creates).
std::string new_form_key();

}  // namespace cunji::server::web

#include "server/http.hpp"
#include "storage/common.hpp"

namespace cunji::server::web {
struct page_context;
// The listing page (browse.cpp), with the quantity typed and its error, for a 422 re-render.
net::awaitable<response> render_listing(page_context& ctx, std::int64_t id, http::status st, std::string quantity,
                                        std::string quantity_error);
// An answer a page stores under its Idempotency-Key: `ok` (status and text) for success, the
// API's problem for an error (so field names are the API's).
storage::answer page_answer(int ok_status, std::string text);
storage::answer page_problem(const error& e);
// The field errors and the detail of a stored problem answer.
std::vector<field_error> answer_errors(const storage::answer& a, std::string* detail = nullptr);
}  // namespace cunji::server::web
