#include "storage/search/fts_tokenizer.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "core/text.hpp"
#include "storage/search/fts5_api.hpp"

namespace cunji::storage {

namespace {

// The most tokens build_match_query puts in one MATCH expression.
constexpr std::size_t max_query_tokens = 32;

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// Full-width ASCII (U+FF01..U+FF5E) to ASCII; U+3000 stays (it is a separator anyway).
constexpr char32_t fold_width(char32_t c) noexcept { return (c >= 0xFF01 && c <= 0xFF5E) ? c - 0xFEE0 : c; }

constexpr char32_t to_lower(char32_t c) noexcept {
  if (c >= U'A' && c <= U'Z') return c + 0x20;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 0x20;  // Latin-1 capitals
  return c;
}

enum class char_class { separator, word, cjk };

constexpr char_class classify(char32_t c) noexcept {
  if ((c >= U'0' && c <= U'9') || (c >= U'A' && c <= U'Z') || (c >= U'a' && c <= U'z')) return char_class::word;
  if (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) return char_class::word;  // not × ÷
  if ((c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
      (c >= 0x20000 && c <= 0x2FA1F) || (c >= 0xAC00 && c <= 0xD7AF))
    return char_class::cjk;
  // Hiragana and Katakana, but not the punctuation in those blocks (゠ and the middle dot ・).
  if (c >= 0x3040 && c <= 0x30FF && c != 0x30A0 && c != 0x30FB) return char_class::cjk;
  return char_class::separator;
}

// Splits `text` into word and CJK runs and calls the visitor for each, in order:
//   int v.word(std::string_view normalized, std::size_t start, std::size_t end)
//   int v.cjk(const std::vector<std::size_t>& bounds)
// For a CJK run of n characters, bounds has n+1 entries: character k is the bytes
// [bounds[k], bounds[k+1]) of `text` (CJK characters are never normalized, and the characters
// of one run are contiguous in `text`). Offsets are byte offsets into `text`. A non-zero
// return from the visitor stops the scan and is returned.
template <class Visitor>
int for_each_run(std::string_view text, Visitor& v) {
  std::string word;
  std::size_t word_start = 0;
  std::size_t word_end = 0;
  std::vector<std::size_t> bounds;
  char_class state = char_class::separator;

  const auto flush = [&]() -> int {
    const char_class s = std::exchange(state, char_class::separator);
    if (s == char_class::word) return v.word(std::string_view(word), word_start, word_end);
    if (s == char_class::cjk) return v.cjk(bounds);
    return 0;
  };

  std::size_t i = 0;
  while (i < text.size()) {
    const auto d = text::decode_utf8(text, i);
    const std::size_t len = d.len ? d.len : 1;            // skip one invalid byte
    const char32_t c = d.len ? fold_width(d.cp) : U'\0';  // invalid bytes are separators
    const char_class cls = classify(c);
    if (cls != state) {
      if (const int rc = flush()) return rc;
      state = cls;
      if (cls == char_class::word) {
        word.clear();
        word_start = i;
      } else if (cls == char_class::cjk) {
        bounds.clear();
        bounds.push_back(i);
      }
    }
    if (cls == char_class::word) {
      append_utf8(word, to_lower(c));
      word_end = i + len;
    } else if (cls == char_class::cjk) {
      bounds.push_back(i + len);
    }
    i += len;
  }
  return flush();
}

// Emits the document tokens: each word; for each CJK character, the bigram it starts (if any)
// and then, colocated, its unigram. `emit(token, colocated, start, end)` returns non-zero to stop.
template <class Emit>
struct document_visitor {
  std::string_view text;
  Emit& emit;

  int word(std::string_view w, std::size_t start, std::size_t end) { return emit(w, false, start, end); }

  int cjk(const std::vector<std::size_t>& b) {
    const std::size_t n = b.size() - 1;
    for (std::size_t k = 0; k < n; ++k) {
      const std::string_view uni = text.substr(b[k], b[k + 1] - b[k]);
      if (k + 1 < n) {
        if (const int rc = emit(text.substr(b[k], b[k + 2] - b[k]), false, b[k], b[k + 2])) return rc;
        if (const int rc = emit(uni, true, b[k], b[k + 1])) return rc;
      } else {
        if (const int rc = emit(uni, false, b[k], b[k + 1])) return rc;
      }
    }
    return 0;
  }
};

// Emits the tokens of a query string (FTS5 calls the tokenizer once per quoted string or
// bareword, and treats the tokens of one call as a phrase at consecutive positions). A CJK run
// of one character is its unigram; a longer run is its bigrams, which sit at consecutive
// positions in the document too. If anything follows a run of n >= 2 in the same phrase, the
// run's last character is emitted as well: in the document it occupies one more position than
// the run's n-1 bigrams, and skipping it would shift the rest of the phrase.
template <class Emit>
struct query_visitor {
  std::string_view text;
  Emit& emit;
  bool has_tail = false;
  std::size_t tail_start = 0;
  std::size_t tail_end = 0;

  int flush_tail() {
    if (!has_tail) return 0;
    has_tail = false;
    return emit(text.substr(tail_start, tail_end - tail_start), false, tail_start, tail_end);
  }

  int word(std::string_view w, std::size_t start, std::size_t end) {
    if (const int rc = flush_tail()) return rc;
    return emit(w, false, start, end);
  }

  int cjk(const std::vector<std::size_t>& b) {
    if (const int rc = flush_tail()) return rc;
    const std::size_t n = b.size() - 1;
    if (n == 1) return emit(text.substr(b[0], b[1] - b[0]), false, b[0], b[1]);
    for (std::size_t k = 0; k + 1 < n; ++k)
      if (const int rc = emit(text.substr(b[k], b[k + 2] - b[k]), false, b[k], b[k + 2])) return rc;
    has_tail = true;
    tail_start = b[n - 1];
    tail_end = b[n];
    return 0;
  }
};

struct fts5_callback {
  void* ctx;
  int (*x_token)(void*, int, const char*, int, int, int);

  int operator()(std::string_view tok, bool colocated, std::size_t start, std::size_t end) const {
    return x_token(ctx, colocated ? FTS5_TOKEN_COLOCATED : 0, tok.data(), static_cast<int>(tok.size()),
                   static_cast<int>(start), static_cast<int>(end));
  }
};

// The tokenizer is stateless; every instance is this one object.
char tokenizer_instance = 0;

int cunji_create(void* /*context*/, const char** /*args*/, int n_args, Fts5Tokenizer** out) {
  if (n_args != 0) return SQLITE_ERROR;  // "cunji" takes no options
  *out = reinterpret_cast<Fts5Tokenizer*>(&tokenizer_instance);
  return SQLITE_OK;
}

void cunji_delete(Fts5Tokenizer* /*tokenizer*/) {}

int cunji_tokenize(Fts5Tokenizer* /*tokenizer*/, void* ctx, int flags, const char* p, int n,
                   int (*x_token)(void*, int, const char*, int, int, int)) {
  if (p == nullptr || n <= 0) return SQLITE_OK;
  try {
    const std::string_view text(p, static_cast<std::size_t>(n));
    fts5_callback emit{ctx, x_token};
    if (flags & FTS5_TOKENIZE_QUERY) {
      query_visitor<fts5_callback> v{text, emit};
      return for_each_run(text, v);
    }
    // FTS5_TOKENIZE_DOCUMENT and FTS5_TOKENIZE_AUX (highlight(), snippet()) see the same tokens.
    document_visitor<fts5_callback> v{text, emit};
    return for_each_run(text, v);
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  } catch (...) {
    return SQLITE_ERROR;
  }
}

void append_quoted(std::string& out, std::string_view term) {
  out += '"';
  for (const char ch : term) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
}

// Collects the terms of a search; see search_terms_of.
struct term_builder {
  std::string_view text;
  std::vector<search_term> terms;
  std::size_t budget = max_query_tokens;

  int add(search_term term, std::size_t cost) {
    if (std::find(terms.begin(), terms.end(), term) == terms.end()) {
      terms.push_back(std::move(term));
      budget -= cost;
    }
    return budget == 0 ? 1 : 0;  // 1 stops the scan
  }

  int word(std::string_view w, std::size_t, std::size_t) { return add({std::string(w), true, 1}, 1); }

  int cjk(const std::vector<std::size_t>& b) {
    // A run of k characters costs 1 token if k == 1, else k-1 bigrams; cut it to fit the budget.
    const std::size_t n = b.size() - 1;
    const std::size_t k = std::min(n, budget + 1);
    return add({std::string(text.substr(b[0], b[k] - b[0])), false, k}, k == 1 ? 1 : k - 1);
  }
};

}  // namespace

void register_cunji_tokenizer(sqlite3* db) {
  fts5_api& api = fts5_api_of(db, "register_cunji_tokenizer");
  fts5_tokenizer tokenizer{cunji_create, cunji_delete, cunji_tokenize};  // FTS5 copies the struct
  const int rc = api.xCreateTokenizer(&api, "cunji", nullptr, &tokenizer, nullptr);
  if (rc != SQLITE_OK) throw_sqlite(nullptr, rc, "register_cunji_tokenizer: xCreateTokenizer");
}

std::vector<std::string> tokenize_document(std::string_view text) {
  std::vector<std::string> out;
  auto collect = [&out](std::string_view tok, bool, std::size_t, std::size_t) {
    out.emplace_back(tok);
    return 0;
  };
  document_visitor<decltype(collect)> v{text, collect};
  for_each_run(text, v);
  return out;
}

tokenized_document tokenize_for_index(std::string_view text) {
  tokenized_document out;
  auto collect = [&out](std::string_view tok, bool colocated, std::size_t, std::size_t) {
    out.tokens.emplace_back(tok);
    if (!colocated) ++out.positions;  // FTS5 gives a colocated token its predecessor's position
    return 0;
  };
  document_visitor<decltype(collect)> v{text, collect};
  for_each_run(text, v);
  return out;
}

std::vector<search_term> search_terms_of(std::string_view user_text) {
  term_builder b{user_text, {}};
  for_each_run(user_text, b);
  return std::move(b.terms);
}

std::optional<std::string> build_match_query(std::string_view user_text) {
  const auto terms = search_terms_of(user_text);
  if (terms.empty()) return std::nullopt;
  std::string out;
  for (const auto& t : terms) {
    if (!out.empty()) out += ' ';
    append_quoted(out, t.text);
    if (t.word) out += " *";
  }
  return out;
}

}  // namespace cunji::storage
