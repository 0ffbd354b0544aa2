#pragma once
// The text of PostgreSQL's full-text search, built from the project's tokenizer
// (storage/search/fts_tokenizer.hpp): a listing's tsvector (search_vector, in
// listing_search.hpp), the tsquery of a search, and a listing's bm25 inputs (storage/search/bm25.hpp).
//
// Positions are FTS5's: a word takes one, a CJK character one, and the bigram that starts at a
// character shares its position (so 苹果 is 苹果@p, 苹@p, 果@p+1). The title takes positions
// 1..t with weight A, the description t+2... with weight D: one unused position between them, so
// that no phrase spans the two. A search's terms become tsquery operands: a word the prefix
// 'word':*, one CJK character its unigram, two their bigram, more the phrase of their bigrams at
// consecutive positions ('红富' <-> '富士'). Lexemes are always quoted, so user text is data.
#include <string>
#include <string_view>
#include <vector>

#include "storage/search/fts_tokenizer.hpp"

namespace cunji::storage::pg {

// PostgreSQL's limits: the highest position a tsvector keeps, the most positions it keeps per
// lexeme, and the longest lexeme it accepts (in bytes; longer words are cut, on a character).
inline constexpr int max_position = 16383;
inline constexpr std::size_t max_positions_per_lexeme = 256;
inline constexpr std::size_t max_lexeme_bytes = 2046;

// The tsquery of one term, and of a search (its terms ANDed). `terms` is never empty.
std::string term_tsquery(const search_term& t);
std::string search_tsquery(const std::vector<search_term>& terms);

// What bm25 needs of a listing for a search (as cunji_rank reads it from FTS5): each term's
// weighted frequency (title_weight per instance in the title, description_weight in the
// description), and the listing's length in positions, both columns.
struct listing_terms {
  std::vector<double> freq;  // per term, in the order of `terms`
  double length = 0;
};
listing_terms count_terms(std::string_view title, std::string_view description, const std::vector<search_term>& terms);

}  // namespace cunji::storage::pg
