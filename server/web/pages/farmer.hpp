#pragma once
// What the farmers' pages (farmer.cpp: shops and listings; farmer_money.cpp: sales and the
// balance) share.
#include <optional>
#include <string>

#include "core/catalog.hpp"
#include "server/web/page_app.hpp"
#include "storage/common.hpp"

namespace cunji::server::web {

// The Idempotency-Key of a farmer's form: its hidden `key` under `scope`, the digest of `what`
// (the form's content); nullopt when the form has no usable key.
std::optional<storage::idempotency_key> farm_form_key(const page_context& ctx, std::string scope,
                                                      std::string_view what);

// The shop `id` if the visitor may manage it (core/policy.hpp); otherwise `stop` holds the
// 404 or 403 page to answer.
struct managed_shop {
  std::optional<shop> s;
  std::optional<response> stop;
};
net::awaitable<managed_shop> find_managed_shop(page_context& ctx, std::int64_t id);

// Registration of the sales and balance pages (farmer_money.cpp).
void add_farmer_money_pages(page_table& t);

}  // namespace cunji::server::web
