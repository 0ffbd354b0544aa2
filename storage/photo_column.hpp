#pragma once
// A listing's photos packed into one text column, so that a page's rows come with their photos
// in the same statement (both engines' browse reads): each photo's position, id, width, height
// and names, fields joined by U+001F and photos by U+001E.
#include <string_view>
#include <vector>

#include "core/catalog.hpp"

namespace cunji::storage {

// The photos of such a column, in position order; none for an empty text. Throws
// std::runtime_error on a number that does not read.
std::vector<listing_photo> parse_photo_column(std::string_view text);

}  // namespace cunji::storage
