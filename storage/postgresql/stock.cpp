#include "storage/postgresql/stock.hpp"

#include <map>

#include "storage/postgresql/connection.hpp"

namespace cunji::storage::pg {

task<std::vector<std::int64_t>> take_stock(connection& c, std::vector<stock_line> lines, unix_seconds now,
                                           std::vector<statement> before) {
  std::map<std::int64_t, std::int64_t> by_listing;  // in id order
  for (const auto& l : lines) by_listing[l.listing_id] += l.quantity;
  const auto skip = before.size();
  std::vector<statement> updates = std::move(before);
  for (const auto& [id, quantity] : by_listing)
    updates.push_back(
        {"UPDATE listings SET stock = stock - $2, version = version + 1, updated_at = $3 "
         "WHERE id = $1 AND stock >= $2",
         params(id, quantity, now)});
  const auto done = co_await c.pipeline(std::move(updates));
  std::vector<std::int64_t> short_of;
  auto it = by_listing.begin();
  for (std::size_t i = skip; i < done.size(); ++i, ++it)
    if (done[i].affected() != 1) short_of.push_back(it->first);
  co_return short_of;
}

}  // namespace cunji::storage::pg
