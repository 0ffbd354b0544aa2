#pragma once
// Browsing and searching listings on PostgreSQL (the SQLite engine's:
// storage/search/listing_search.hpp). Search terms come from the project's own tokenizer
// (storage/search/fts_tokenizer.hpp: CJK unigrams and bigrams, Latin words), stored with their
// positions in listings.search_vector (a tsvector with a GIN index); the same query rules as on
// SQLite (one CJK character: its unigram; two: their bigram; more: a phrase of bigrams; a
// word: a prefix).
#include <string>
#include <string_view>

#include "storage/cache/search_rankings.hpp"
#include "storage/catalog.hpp"

namespace cunji::storage::pg {

class connection;

// The tsvector literal of a listing's title and description, for listings.search_vector
// (`$n::tsvector`), written with the title and the description.
std::string search_vector(std::string_view title, std::string_view description);

// Browsable listings (active, in active shops) matching the query, in the query's order, with
// their photos, with the same contract and keysets as storage::browse_listings. Relevance gives SQLite's scores to
// the last bit (bm25 over the listings up to the snapshot: their count and total
// listings.search_length, from search_stats, each term's matching listings), computed here for
// every match up to the snapshot, of any status; the page's rows are then read in rank order and
// filtered. That ranking is kept in `rankings`, if given, under search_stats.generation (which
// every change of a listing's text moves on, on any server): a stock, price, status or shop
// change leaves it exact, as on SQLite (storage/cache/search_rankings.hpp). A relevance page
// runs several statements: call it inside one snapshot (engine::snapshot) so that they agree.
task<listing_page> browse_listings(connection& c, listing_query q, ranking_cache* rankings = nullptr);

// Whether browse_listings reads `q`'s page in one statement (every sort but relevance with a
// search), so as of one moment without a transaction of its own.
bool browse_in_one_statement(const listing_query& q);

}  // namespace cunji::storage::pg
