#pragma once
// Listing photos on PostgreSQL: rows of listing_photos, files of photo_files (the SQLite
// engine's: storage/sql/photos.cpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/catalog.hpp"
#include "storage/catalog.hpp"
#include "storage/postgresql/connection.hpp"

namespace cunji::storage::pg {

// A listing's photos in upload order (a page's come with its rows: listing_rows.hpp).
task<std::vector<listing_photo>> find_listing_photos(connection& c, std::int64_t listing_id);
// The same as a statement for a pipeline, and what its rows hold.
statement listing_photos_of(std::int64_t listing_id);
std::vector<listing_photo> photos_in(const row_set& r);
// Appends a photo, storing each file unless a row of that name exists. Bumps the listing's
// version. `u` must outlive the task (its files are not copied).
task<listing_photo> insert_listing_photo(connection& c, const photo_upload& u);
// Deletes the photo if it is the listing's (false if not), then each of its files that no
// photo names any more. Bumps the listing's version.
task<bool> delete_listing_photo(connection& c, std::int64_t listing_id, std::int64_t photo_id, unix_seconds now);
// The stored bytes of the file named `name`, if any.
task<std::optional<std::string>> find_photo_bytes(connection& c, std::string name);

}  // namespace cunji::storage::pg
