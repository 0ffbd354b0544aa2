#pragma once
// Browsing and searching listings: filters, orders, keyset pagination and relevance search.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/catalog.hpp"
#include "storage/catalog.hpp"

namespace cunji::storage {

class connection;
class search_rankings;

// Browsable listings (active, in active shops) matching the query, in the query's order.
// Keysets: newest [id]; price_asc/price_desc [price_fen, id]; relevance [snapshot_max_id,
// bit pattern of the last score, id]. Relevance is bm25 (title x10) computed with the
// collection statistics of the listings up to snapshot_max_id (storage/search/bm25.hpp), and
// listings added after the first page are left out, so additions neither show up in a walk
// nor reorder it: a walk sees each match once.
//
// A search of one word or of one or two CJK characters is ranked from the postings
// (storage/search/impact_ranking.hpp): its best matches are read first and only as many as the
// page needs. Any other search scores every match in the FTS index (cunji_rank); with
// `rankings`, that ranking is computed once per match expression, snapshot and search text and
// shared (storage/cache/search_rankings.hpp). Either way the pages are the same.
// The page's listings come with their photos, read in the page's snapshot.
listing_page browse_listings(connection& c, const listing_query& q, search_rankings* rankings = nullptr);

// The query plans SQLite picks for the SQL that browse_listings runs for `q` (same text, same
// bindings): the `detail` column of EXPLAIN QUERY PLAN, one line per plan step.
std::string explain_browse(connection& c, const listing_query& q);

}  // namespace cunji::storage
