#pragma once
// A listing row on PostgreSQL, as the catalog and listing search read it.
#include <string>

#include "core/catalog.hpp"

namespace cunji::storage::pg {

class row_set;

// A listing's columns, `l` being the listing and `c` its county (joined for poverty_stricken).
extern const char* const listing_cols;
inline constexpr int listing_title_col = 5;
inline constexpr int listing_description_col = 6;

listing read_listing(const row_set& r, int row);

// The same columns and then the listing's photos in one (storage/photo_column.hpp), for rows
// already cut to a page (a correlated subquery each); read_listing_with_photos reads both.
extern const std::string listing_with_photos_cols;
listing read_listing_with_photos(const row_set& r, int row);

}  // namespace cunji::storage::pg
