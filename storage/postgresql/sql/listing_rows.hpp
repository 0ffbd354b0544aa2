#pragma once
// A listing row on PostgreSQL, as the catalog and listing search read it.
#include "core/catalog.hpp"

namespace cunji::storage::pg {

class row_set;

// A listing's columns, `l` being the listing and `c` its county (joined for poverty_stricken).
extern const char* const listing_cols;
inline constexpr int listing_title_col = 5;
inline constexpr int listing_description_col = 6;

listing read_listing(const row_set& r, int row);

}  // namespace cunji::storage::pg
