#include "storage/postgresql/sql/search_terms.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "storage/postgresql/sql/listing_search.hpp"
#include "storage/search/bm25.hpp"

// See search_terms.hpp for the positions, weights and query operands.
namespace cunji::storage::pg {

namespace {

// Tokens are words (letters below U+0250: their UTF-8 lead bytes are below 0xE0) or CJK
// characters and bigrams (U+3040 and above).
bool is_cjk(std::string_view token) { return !token.empty() && static_cast<unsigned char>(token[0]) >= 0xE0; }

bool continues_char(char ch) { return (static_cast<unsigned char>(ch) & 0xC0) == 0x80; }

std::size_t chars_in(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char ch) { return !continues_char(ch); }));
}

// At most max_lexeme_bytes, cut on a character.
std::string_view lexeme_of(std::string_view token) {
  if (token.size() <= max_lexeme_bytes) return token;
  std::size_t end = max_lexeme_bytes;
  while (end > 0 && continues_char(token[end])) --end;
  return token.substr(0, end);
}

// A lexeme in tsvector and tsquery input syntax: quoted, ' doubled, \ escaped.
void append_quoted(std::string& out, std::string_view lexeme) {
  out += '\'';
  for (const char ch : lexeme) {
    if (ch == '\'') out += '\'';
    else if (ch == '\\') out += '\\';
    out += ch;
  }
  out += '\'';
}

// A column's tokens by position (tokenize_document's order: a CJK character's bigram, then its
// unigram at the same position; the run's last character and each word at a position of its
// own). Indices into `tokens`, -1 for none.
struct position_tokens {
  int word = -1;
  int unigram = -1;
  int bigram = -1;
};

struct column {
  std::vector<std::string> tokens;
  std::vector<position_tokens> at;

  explicit column(std::string_view text) : tokens(tokenize_document(text)) {
    bool after_bigram = false;
    for (int i = 0; i < static_cast<int>(tokens.size()); ++i) {
      const std::string_view t = tokens[static_cast<std::size_t>(i)];
      if (after_bigram) {
        at.back().unigram = i;  // the bigram's first character, colocated with it
        after_bigram = false;
      } else if (!is_cjk(t)) {
        at.push_back({i, -1, -1});
      } else if (chars_in(t) == 2) {
        at.push_back({-1, -1, i});
        after_bigram = true;
      } else {
        at.push_back({-1, i, -1});
      }
    }
  }
  std::string_view token(int i) const { return i < 0 ? std::string_view() : tokens[static_cast<std::size_t>(i)]; }
};

// The positions and weights of each lexeme, in PostgreSQL's order of lexemes (bytewise).
using lexeme_positions = std::map<std::string, std::vector<std::pair<int, char>>, std::less<>>;

void add_position(lexeme_positions& out, std::string_view token, int position, char weight) {
  if (token.empty()) return;
  const auto lexeme = lexeme_of(token);
  auto it = out.find(lexeme);
  if (it == out.end()) it = out.emplace(std::string(lexeme), std::vector<std::pair<int, char>>()).first;
  auto& positions = it->second;
  // Positions only grow, except that those past the highest repeat it: a repeat is kept once,
  // with its first weight (PostgreSQL would keep the higher, which is the first: A before D).
  // PostgreSQL keeps max_positions_per_lexeme positions of a lexeme: the first ones.
  if (positions.size() == max_positions_per_lexeme || (!positions.empty() && positions.back().first == position))
    return;
  positions.emplace_back(position, weight);
}

// Adds a column's lexemes at positions first, first+1, ... (capped); returns the positions used.
int add_column(lexeme_positions& out, std::string_view text, int first, char weight) {
  const column col(text);
  for (std::size_t k = 0; k < col.at.size(); ++k) {
    const int position = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(first) + k, max_position));
    add_position(out, col.token(col.at[k].bigram), position, weight);
    add_position(out, col.token(col.at[k].unigram), position, weight);
    add_position(out, col.token(col.at[k].word), position, weight);
  }
  return static_cast<int>(col.at.size());
}

// The instances of a term in a column, as FTS5 counts a phrase's instances: a word prefixes a
// word; one CJK character is a unigram; two a bigram; more their bigrams at consecutive positions.
int instances(const column& col, const search_term& t, const std::vector<std::string_view>& bigrams) {
  int n = 0;
  const auto& at = col.at;
  for (std::size_t p = 0; p < at.size(); ++p) {
    if (t.word) {
      n += at[p].word >= 0 && col.token(at[p].word).starts_with(t.text) ? 1 : 0;
    } else if (bigrams.empty()) {
      n += col.token(at[p].unigram) == t.text ? 1 : 0;
    } else if (p + bigrams.size() <= at.size()) {
      bool all = true;
      for (std::size_t j = 0; j < bigrams.size() && all; ++j) all = col.token(at[p + j].bigram) == bigrams[j];
      n += all ? 1 : 0;
    }
  }
  return n;
}

// The bigrams of a CJK term (none for one character).
std::vector<std::string_view> bigrams_of(std::string_view cjk) {
  std::vector<std::size_t> starts;  // of each character, then the end
  for (std::size_t i = 0; i < cjk.size(); ++i)
    if (!continues_char(cjk[i])) starts.push_back(i);
  starts.push_back(cjk.size());
  std::vector<std::string_view> out;
  for (std::size_t k = 0; k + 2 < starts.size(); ++k) out.push_back(cjk.substr(starts[k], starts[k + 2] - starts[k]));
  return out;
}

}  // namespace

std::string search_vector(std::string_view title, std::string_view description) {
  lexeme_positions lexemes;
  const int title_positions = add_column(lexemes, title, 1, 'A');
  add_column(lexemes, description, title_positions + 2, 'D');
  std::string out;
  for (const auto& [lexeme, positions] : lexemes) {
    if (!out.empty()) out += ' ';
    append_quoted(out, lexeme);
    char sep = ':';
    for (const auto& [position, weight] : positions) {
      out += sep;
      out += std::to_string(position);
      if (weight != 'D') out += weight;  // D is the default, which PostgreSQL prints bare
      sep = ',';
    }
  }
  return out;
}

std::string term_tsquery(const search_term& t) {
  std::string out;
  if (t.word) {
    append_quoted(out, lexeme_of(t.text));
    out += ":*";
    return out;
  }
  const auto bigrams = bigrams_of(t.text);
  if (bigrams.size() <= 1) {
    append_quoted(out, t.text);  // a unigram or a bigram
    return out;
  }
  out += '(';
  for (std::size_t j = 0; j < bigrams.size(); ++j) {
    if (j > 0) out += " <-> ";
    append_quoted(out, bigrams[j]);
  }
  out += ')';
  return out;
}

std::string search_tsquery(const std::vector<search_term>& terms) {
  std::string out;
  for (const auto& t : terms) {
    if (!out.empty()) out += " & ";
    out += term_tsquery(t);
  }
  return out;
}

listing_terms count_terms(std::string_view title, std::string_view description, const std::vector<search_term>& terms) {
  const column in_title(title);
  const column in_description(description);
  listing_terms out;
  out.length = static_cast<double>(in_title.at.size() + in_description.at.size());
  out.freq.reserve(terms.size());
  for (const auto& t : terms) {
    const auto bigrams = t.word ? std::vector<std::string_view>() : bigrams_of(t.text);
    out.freq.push_back(instances(in_title, t, bigrams) * title_weight +
                       instances(in_description, t, bigrams) * description_weight);
  }
  return out;
}

}  // namespace cunji::storage::pg
