// TEMPORARY: stands in for storage/postgresql/sql/listing_search.cpp until it is merged, so that
// this branch links. Drop this file on that merge.
#include "storage/postgresql/sql/listing_search.hpp"

namespace cunji::storage::pg {

std::string search_vector(std::string_view, std::string_view) { return ""; }

task<listing_page> browse_listings(connection&, listing_query) { co_return listing_page{}; }

}  // namespace cunji::storage::pg
