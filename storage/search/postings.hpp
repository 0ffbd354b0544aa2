#pragma once
// The postings of a listing: what search_postings (migration 0007) holds for it, one row per
// distinct token of its title and description, with the numbers its relevance score takes.
//
// cunji_postings(title, description) is the same as a table-valued SQL function with columns
// token, tf, shared and len; the triggers on listings use it to keep search_postings and search_terms in
// step with listings_fts, in the same transaction. <sqlite3.h> stays inside storage/*.cpp.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace cunji::storage {

struct posting {
  std::string token;
  // The token's weighted frequency: title_weight (10) per instance in the title, plus one per
  // instance in the description (bm25's f for a query of this one token).
  std::int64_t tf = 0;
  // For a word: the longest prefix (in bytes) it shares with another word of the listing, 0 if
  // none. A search for a prefix p matches more than one word of the listing exactly when its
  // postings for those words have shared >= p's length. CJK tokens: 0 (never searched by prefix).
  std::int64_t shared = 0;
};

struct listing_postings {
  std::vector<posting> postings;  // distinct tokens, in byte order
  std::int64_t len = 0;           // the listing's length in tokens (FTS5's column sizes, summed)
};

listing_postings postings_of(std::string_view title, std::string_view description);

// Registers cunji_postings on this connection (every connection: the triggers need it).
void register_postings_function(sqlite3* db);

}  // namespace cunji::storage
