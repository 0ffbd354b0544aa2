#pragma once
// The "cunji" FTS5 tokenizer: full-text search over product listings in Chinese (and other CJK
// scripts) and Latin text. <sqlite3.h> stays inside storage/*.cpp.
//
// Document text is split into runs:
//   - word runs: [A-Za-z0-9] and Latin-1/Latin Extended letters (U+00C0..U+024F, minus the
//     signs U+00D7 and U+00F7); full-width ASCII (U+FF01..U+FF5E) is folded to ASCII first.
//     Each run is one token, lowercased (ASCII and Latin-1 letters).
//   - CJK runs: Han, Hiragana/Katakana and Hangul syllables. Every adjacent pair of characters
//     is a bigram token and every character a unigram token (like Lucene's CJKAnalyzer, plus
//     unigrams so 1-character queries work).
//   - everything else (punctuation, symbols, emoji, spaces including U+3000, control
//     characters, invalid UTF-8 bytes) separates runs and is never a token.
//
// FTS5 positions: the character at index i of a CJK run has position p+i. The bigram (i, i+1)
// is emitted first at that position and the unigram i is FTS5_TOKEN_COLOCATED with it, so
// "苹果" is 苹果@p, 苹@p (colocated), 果@p+1. A query run of n >= 2 characters becomes its n-1
// bigrams at consecutive positions, which is an FTS5 phrase that matches exactly where the
// characters are adjacent in a document; highlight() then marks the whole matched text.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/sqlite/connection.hpp"

namespace cunji::storage {

// Registers the FTS5 tokenizer named "cunji" on this connection. Call once per connection,
// before any FTS5 table using `tokenize='cunji'` is created or queried. Throws sqlite_error on
// failure (for example when SQLite was built without FTS5).
void register_cunji_tokenizer(sqlite3* db);

// The tokens the tokenizer emits for a document, in order (for tests and diagnostics). For a
// CJK run each bigram comes before the unigram of its first character:
// "苹果" -> {"苹果", "苹", "果"}.
std::vector<std::string> tokenize_document(std::string_view text);

// The tokens of a document as FTS5 indexes them, and the number of positions they take (FTS5's
// column size: a colocated unigram shares its bigram's position, so a CJK run of n characters
// takes n positions and a word one).
struct tokenized_document {
  std::vector<std::string> tokens;
  int positions = 0;
};
tokenized_document tokenize_for_index(std::string_view text);

// One term of a search (see build_match_query): a word, lowercased, which matches every indexed
// word it begins; or a CJK run, which matches where its characters are adjacent (one character:
// its unigram; two: one bigram; more: a phrase of bigrams).
struct search_term {
  std::string text;
  bool word = false;
  std::size_t chars = 1;  // a CJK run's characters (after the cut to the token budget)
  bool operator==(const search_term&) const = default;
};
// The terms of build_match_query's expression, in its order.
std::vector<search_term> search_terms_of(std::string_view user_text);

// Builds a safe FTS5 MATCH expression from arbitrary user text: the text is data, never FTS5
// syntax. Each word becomes a quoted prefix term (`"appl" *`), a single CJK character a quoted
// unigram (`"苹"`) and a longer CJK run a quoted phrase (`"红富士"`, which the tokenizer turns
// into the bigrams 红富 富士 at consecutive positions). Terms are joined by spaces (implicit
// AND), duplicates are dropped and at most 32 tokens are used (a long CJK run is cut so its
// bigrams fit). Returns std::nullopt when the text has no searchable token; the caller should
// then return no results or skip the filter.
std::optional<std::string> build_match_query(std::string_view user_text);

}  // namespace cunji::storage
