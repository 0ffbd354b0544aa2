// fuzz_search: bytes -> storage::tokenize_document and storage::build_match_query, and the
// MATCH expression run against a small FTS5 table (tokenize='cunji', like listings_fts) on an
// in-memory connection.
//
// Properties: tokens are non-empty valid UTF-8; build_match_query returns nothing exactly when
// the text has no token; the MATCH never fails in SQLite (the user's text is data, never FTS5
// syntax); and a row holding the text itself matches the query built from that text, also
// with highlight() and bm25() (the aux tokenizer path) in the SELECT.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.hpp"
#include "fuzz/fuzz_check.hpp"
#include "storage/search/fts_tokenizer.hpp"
#include "storage/sqlite/connection.hpp"

namespace {

using namespace cunji;

constexpr std::int64_t self_rowid = 1'000'000;

storage::connection& db() {
  static std::unique_ptr<storage::connection> c = [] {
    auto conn = std::make_unique<storage::connection>(":memory:", storage::open_mode::read_write);
    conn->exec("CREATE VIRTUAL TABLE docs USING fts5(title, description, tokenize = 'cunji')");
    const char* rows[][2] = {
        {"新鲜红富士苹果 5斤装", "脆甜多汁，果园现摘现发"},
        {"Fuji Apples 5kg", "Crisp, sweet Fuji apples picked to order."},
        {"Jeminay Wheat Flour 25kg", "All-purpose wheat flour milled from Jeminay County's own wheat."},
        {"奉节脐橙 10斤礼盒", "Juicy navel oranges 长江边的橙子"},
        {"Yunnan Pu'er Tea Cake 357g", "普洱茶饼 \"aged\" AND OR NOT NEAR(a b) * ^ -x col:y"},
        {"ｆｕｌｌ－ｗｉｄｔｈ ＡＢＣ　全角", "Ångström café Œuvre naïve ×÷"},
        {"ひらがな カタカナ 한국어", "𠀀𠀁 emoji 🍎🍊 mixed苹果apple混排"},
    };
    auto ins = [&](std::int64_t id, std::string_view t, std::string_view d) {
      conn->run("INSERT INTO docs (rowid, title, description) VALUES (?, ?, ?)", id, t, d);
    };
    std::int64_t id = 1;
    for (const auto& r : rows) ins(id++, r[0], r[1]);
    return conn;
  }();
  return *c;
}

bool matches_self(storage::connection& c, const std::string& match) {
  bool self = false;
  auto q = c.prepare(
      "SELECT rowid, highlight(docs, 0, '[', ']'), snippet(docs, 1, '<', '>', '...', 8), bm25(docs, 10.0, 1.0) "
      "FROM docs WHERE docs MATCH ? ORDER BY rank");
  q.bind(1, match);
  while (q.step()) {
    if (q.i64(0) == self_rowid) self = true;
    (void)q.text(1);
    (void)q.text(2);
  }
  return self;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto& c = db();

  const auto tokens = storage::tokenize_document(text);
  for (const auto& t : tokens) {
    FUZZ_CHECK(!t.empty(), "empty token");
    FUZZ_CHECK(text::utf8_length(t).has_value(), "token is not valid UTF-8");
  }
  const auto match = storage::build_match_query(text);
  FUZZ_CHECK(match.has_value() == !tokens.empty(), "build_match_query %s but the text has %zu tokens",
             match ? "built a query" : "built nothing", tokens.size());
  if (!match) return 0;
  FUZZ_CHECK(text::utf8_length(*match).has_value(), "the MATCH expression is not valid UTF-8");

  // The text itself as a listing title (and once as a description), inside a transaction
  // rolled back afterwards so the table stays small.
  try {
    c.exec("SAVEPOINT fuzz");
    c.run("INSERT INTO docs (rowid, title, description) VALUES (?, ?, '')", self_rowid, text);
    const bool as_title = matches_self(c, *match);
    c.run("UPDATE docs SET title = '', description = ? WHERE rowid = ?", text, self_rowid);
    const bool as_description = matches_self(c, *match);
    c.exec("ROLLBACK TO fuzz");
    c.exec("RELEASE fuzz");
    FUZZ_CHECK(as_title && as_description,
               "a row holding the text does not match its own query %s (title %d, "
               "description %d)",
               match->c_str(), as_title, as_description);
  } catch (const storage::sqlite_error& e) {
    FUZZ_CHECK(false, "SQLite failed for MATCH %s: %s", match->c_str(), e.what());
  }
  return 0;
}
