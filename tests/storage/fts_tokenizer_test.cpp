#include "storage/search/fts_tokenizer.hpp"

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/text.hpp"
#include "storage/sqlite/connection.hpp"

using namespace std::string_view_literals;
using cunji::storage::build_match_query;
using cunji::storage::connection;
using cunji::storage::open_mode;
using cunji::storage::register_cunji_tokenizer;
using cunji::storage::search_term;
using cunji::storage::search_terms_of;
using cunji::storage::sqlite_error;
using cunji::storage::tokenize_document;
using cunji::storage::tokenize_for_index;
using strings = std::vector<std::string>;
using ids = std::vector<std::int64_t>;

namespace {

// An in-memory database with the "cunji" tokenizer and `t(title)` holding `docs` as rowids 1..n.
struct fts_db {
  connection conn{":memory:", open_mode::read_write};

  explicit fts_db(const std::vector<std::string_view>& docs) {
    register_cunji_tokenizer(conn.handle());
    conn.exec("CREATE VIRTUAL TABLE t USING fts5(title, tokenize='cunji')");
    for (const auto d : docs) conn.run("INSERT INTO t(title) VALUES (?1)", d);
  }

  // Rowids matching a raw FTS5 expression, in rowid order.
  ids match(std::string_view expr) {
    auto q = conn.prepare("SELECT rowid FROM t WHERE t MATCH ?1 ORDER BY rowid");
    q.bind(1, expr);
    ids out;
    while (q.step()) out.push_back(q.i64(0));
    return out;
  }

  // Rowids found for user text through build_match_query, in rowid order.
  ids search(std::string_view user_text) {
    const auto expr = build_match_query(user_text);
    if (!expr) return {};
    return match(*expr);
  }

  // Rowids found for user text, best bm25 rank first.
  ids ranked(std::string_view user_text) {
    const auto expr = build_match_query(user_text);
    if (!expr) return {};
    auto q = conn.prepare("SELECT rowid, bm25(t) FROM t WHERE t MATCH ?1 ORDER BY rank");
    q.bind(1, *expr);
    ids out;
    while (q.step()) out.push_back(q.i64(0));
    return out;
  }

  std::string highlight(std::string_view user_text) {
    auto q = conn.prepare("SELECT highlight(t, 0, '[', ']') FROM t WHERE t MATCH ?1 ORDER BY rowid");
    q.bind(1, build_match_query(user_text).value());
    REQUIRE(q.step());
    return q.str(0);
  }
};

const std::vector<std::string_view> kDocs = {"新鲜红富士苹果", "高山土豆 5斤装", "Fuji Apples", "陕西猕猴桃"};

}  // namespace

TEST_CASE("tokenize_document emits CJK bigrams and unigrams", "[storage][fts]") {
  CHECK(tokenize_document("苹果") == strings{"苹果", "苹", "果"});
  CHECK(tokenize_document("梨") == strings{"梨"});
  CHECK(tokenize_document("红富士苹果") == strings{"红富", "红", "富士", "富", "士苹", "士", "苹果", "苹", "果"});
  // Kana, Hangul, a CJK extension B character (4-byte UTF-8) and a compatibility ideograph.
  CHECK(tokenize_document("りんご") == strings{"りん", "り", "んご", "ん", "ご"});
  CHECK(tokenize_document("사과") == strings{"사과", "사", "과"});
  CHECK(tokenize_document("\xF0\xA0\x80\x80鲜") == strings{"\xF0\xA0\x80\x80鲜", "\xF0\xA0\x80\x80", "鲜"});
  CHECK(tokenize_document("\xEF\xA4\x80") == strings{"\xEF\xA4\x80"});  // U+F900
  // Punctuation inside a run splits it: no bigram across the separator.
  CHECK(tokenize_document("苹果，梨") == strings{"苹果", "苹", "果", "梨"});
  CHECK(tokenize_document("猕猴桃・苹果") == strings{"猕猴", "猕", "猴桃", "猴", "桃", "苹果", "苹", "果"});
}

TEST_CASE("tokenize_document handles mixed scripts and words", "[storage][fts]") {
  CHECK(tokenize_document("Fuji苹果5斤装 Apples") ==
        strings{"fuji", "苹果", "苹", "果", "5", "斤装", "斤", "装", "apples"});
  CHECK(tokenize_document("iPhone15 Pro-Max, 2.5kg") == strings{"iphone15", "pro", "max", "2", "5kg"});
  CHECK(tokenize_document("Café CRÈME") == strings{"café", "crème"});
  CHECK(tokenize_document("3×4÷2") == strings{"3", "4", "2"});
  CHECK(tokenize_document("a_b'c\"d") == strings{"a", "b", "c", "d"});
}

TEST_CASE("tokenize_document folds full-width ASCII", "[storage][fts]") {
  CHECK(tokenize_document("ＡＰＰＬＥ") == strings{"apple"});
  CHECK(tokenize_document("ＡＰＰＬＥ") == tokenize_document("apple"));
  CHECK(tokenize_document("５斤") == strings{"5", "斤"});
  CHECK(tokenize_document("ｉＰｈｏｎｅ１５") == strings{"iphone15"});
  CHECK(tokenize_document("Ａ！Ｂ（Ｃ）") == strings{"a", "b", "c"});
  // U+3000 ideographic space separates runs.
  CHECK(tokenize_document("苹果\u3000梨") == strings{"苹果", "苹", "果", "梨"});
  CHECK(tokenize_document("ａ\u3000ｂ") == strings{"a", "b"});
}

TEST_CASE("tokenize_document skips invalid UTF-8", "[storage][fts]") {
  CHECK(tokenize_document("\xff\xfe苹果\xc3") == strings{"苹果", "苹", "果"});
  CHECK(tokenize_document("苹\xff果") == strings{"苹", "果"});
  CHECK(tokenize_document("ab\xe8\x8b"
                          "cd") == strings{"ab", "cd"});  // truncated 3-byte sequence
  CHECK(tokenize_document("\xc0\xaf").empty());           // overlong '/'
  CHECK(tokenize_document("\xed\xa0\x80").empty());       // surrogate
  CHECK(tokenize_document("\xf4\x90\x80\x80").empty());   // above U+10FFFF
  CHECK(tokenize_document("\x80\x80\x80").empty());       // lone continuation bytes
  CHECK(tokenize_document("\xe8").empty());               // truncated at the end
  CHECK(tokenize_document("\xf0\x9f\x8d").empty());
  CHECK(tokenize_document("a\0b"sv) == strings{"a", "b"});
}

TEST_CASE("tokenize_document treats emoji and symbols as separators", "[storage][fts]") {
  CHECK(tokenize_document("🍎苹果🍎Apple😀") == strings{"苹果", "苹", "果", "apple"});
  CHECK(tokenize_document("苹🍎果") == strings{"苹", "果"});
  CHECK(tokenize_document("¥9.9 包邮！！") == strings{"9", "9", "包邮", "包", "邮"});
}

TEST_CASE("tokenize_document of text with no tokens", "[storage][fts]") {
  CHECK(tokenize_document("").empty());
  CHECK(tokenize_document("   \t\n").empty());
  CHECK(tokenize_document("!@#$%^&*()《》。，").empty());
  CHECK(tokenize_document("🍎😀\u3000").empty());
}

TEST_CASE("tokenize_for_index counts positions as FTS5 does", "[storage][fts]") {
  const auto doc = tokenize_for_index("Fuji苹果5斤装 Apples");
  CHECK(doc.tokens == tokenize_document("Fuji苹果5斤装 Apples"));
  CHECK(doc.positions == 7);  // fuji, 苹, 果, 5, 斤, 装, apples: a colocated unigram adds none
  CHECK(tokenize_for_index("").positions == 0);
  CHECK(tokenize_for_index("梨").positions == 1);
  // The sizes FTS5 records for these texts.
  fts_db db({"Fuji苹果5斤装 Apples", "梨", "红富士苹果，梨！ abc", "🍎"});
  auto q = db.conn.prepare("SELECT rowid, title FROM t ORDER BY rowid");
  std::vector<int> want;
  while (q.step()) want.push_back(tokenize_for_index(q.text(1)).positions);
  CHECK(want == std::vector<int>{7, 1, 7, 0});
  db.conn.exec("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')");
  for (std::int64_t row = 1; row <= 4; ++row) {
    auto n = db.conn.prepare("SELECT count(DISTINCT offset) FROM v WHERE doc = ?1");
    n.bind(1, row);
    REQUIRE(n.step());
    CHECK(n.i64(0) == want[static_cast<std::size_t>(row - 1)]);
  }
}

TEST_CASE("search_terms_of: the terms of build_match_query's expression", "[storage][fts]") {
  using terms = std::vector<search_term>;
  CHECK(search_terms_of("苹果") == terms{{"苹果", false, 2}});
  CHECK(search_terms_of("苹") == terms{{"苹", false, 1}});
  CHECK(search_terms_of("ＡＰＰＬ") == terms{{"appl", true, 1}});
  CHECK(search_terms_of("Fuji 红富士 fuji") == terms{{"fuji", true, 1}, {"红富士", false, 3}});
  CHECK(search_terms_of("!!!").empty());
}

TEST_CASE("build_match_query quotes every term", "[storage][fts]") {
  CHECK(build_match_query("苹果") == "\"苹果\"");
  CHECK(build_match_query("苹") == "\"苹\"");
  CHECK(build_match_query("红富士") == "\"红富士\"");
  CHECK(build_match_query("apple") == "\"apple\" *");
  CHECK(build_match_query("ＡＰＰＬ") == "\"appl\" *");
  CHECK(build_match_query("Fuji苹果 5斤") == "\"fuji\" * \"苹果\" \"5\" * \"斤\"");
  CHECK(build_match_query("a\"b") == "\"a\" * \"b\" *");
  CHECK(build_match_query("NEAR(苹果 OR 梨)") == "\"near\" * \"苹果\" \"or\" * \"梨\"");
  CHECK(build_match_query("title:苹果 -梨 ^桃") == "\"title\" * \"苹果\" \"梨\" \"桃\"");
  CHECK(build_match_query("苹果 苹果 APPLE apple") == "\"苹果\" \"apple\" *");  // duplicates dropped
}

TEST_CASE("build_match_query returns nullopt without a searchable token", "[storage][fts]") {
  CHECK_FALSE(build_match_query(""));
  CHECK_FALSE(build_match_query("   "));
  CHECK_FALSE(build_match_query("***"));
  CHECK_FALSE(build_match_query("()"));
  CHECK_FALSE(build_match_query("\"\""));
  CHECK_FALSE(build_match_query("🍎😀"));
  CHECK_FALSE(build_match_query("\xff\xfe"));
  CHECK_FALSE(build_match_query("\u3000，。"));
}

TEST_CASE("build_match_query caps the query at 32 tokens", "[storage][fts]") {
  SECTION("words") {
    std::string text;
    for (int i = 0; i < 40; ++i) text += "w" + std::to_string(i) + " ";
    const auto q = build_match_query(text).value();
    std::size_t terms = 0;
    for (std::size_t p = q.find(" *"); p != std::string::npos; p = q.find(" *", p + 1)) ++terms;
    CHECK(terms == 32);
    CHECK(q.find("\"w31\" *") != std::string::npos);
    CHECK(q.find("\"w32\"") == std::string::npos);
  }
  SECTION("a long CJK run is cut so its bigrams fit") {
    std::string run;
    for (char32_t c = 0x4E00; c < 0x4E00 + 50; ++c) {  // 50 distinct 3-byte Han characters
      run += static_cast<char>(0xE0 | (c >> 12));
      run += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      run += static_cast<char>(0x80 | (c & 0x3F));
    }
    CHECK(build_match_query("a " + run) == "\"a\" * \"" + run.substr(0, 32 * 3) + "\"");  // 1 + 31 bigrams
  }
}

TEST_CASE("register_cunji_tokenizer rejects a null connection and tokenizer options", "[storage][fts]") {
  CHECK_THROWS_AS(register_cunji_tokenizer(nullptr), sqlite_error);
  connection conn(":memory:", open_mode::read_write);
  register_cunji_tokenizer(conn.handle());
  CHECK_THROWS_AS(conn.exec("CREATE VIRTUAL TABLE x USING fts5(a, tokenize='cunji extra')"), sqlite_error);
  CHECK_NOTHROW(conn.exec("CREATE VIRTUAL TABLE y USING fts5(a, tokenize='cunji')"));
}

TEST_CASE("cunji tokenizer finds listings through FTS5", "[storage][fts]") {
  fts_db db(kDocs);
  CHECK(db.search("苹果") == ids{1});
  CHECK(db.search("土豆") == ids{2});
  CHECK(db.search("apple") == ids{3});
  CHECK(db.search("APPL") == ids{3});
  CHECK(db.search("ＡＰＰＬＥＳ") == ids{3});
  CHECK(db.search("果") == ids{1});
  CHECK(db.search("苹") == ids{1});
  CHECK(db.search("红富士") == ids{1});
  CHECK(db.search("富士苹果") == ids{1});
  CHECK(db.search("新鲜红富士苹果") == ids{1});
  CHECK(db.search("猕猴") == ids{4});
  CHECK(db.search("猴") == ids{4});
  CHECK(db.search("5斤") == ids{2});
  CHECK(db.search("５斤") == ids{2});
  CHECK(db.search("fuji 苹果").empty());  // terms are ANDed
  CHECK(db.search("梨").empty());
  CHECK(db.search("果苹").empty());
  CHECK(db.search("苹果苹果").empty());
  CHECK(db.search("applesauce").empty());
  CHECK(db.search("").empty());
}

TEST_CASE("cunji tokenizer: a CJK phrase must be contiguous in the document", "[storage][fts]") {
  fts_db db({"红富 苹果 富士", "红富士"});
  CHECK(db.search("红富") == ids{1, 2});
  CHECK(db.search("富士") == ids{1, 2});
  CHECK(db.search("红富士") == ids{2});
}

TEST_CASE("cunji tokenizer: query-time tokenization of hand-written phrases", "[storage][fts]") {
  fts_db db({"Fuji苹果5斤装 Apples"});
  CHECK(db.match("\"苹果\"") == ids{1});
  CHECK(db.match("\"苹\"") == ids{1});
  CHECK(db.match("\"果5\"") == ids{1});
  CHECK(db.match("\"fuji 苹果 5\"") == ids{1});
  CHECK(db.match("\"苹果 5 斤装\"") == ids{1});
  CHECK(db.match("\"斤装 apples\"") == ids{1});
  CHECK(db.match("\"苹果 apples\"").empty());
  CHECK(db.match("\"fuji 果\"").empty());
  CHECK(db.match("\"苹果\" AND \"appl\" *") == ids{1});
  CHECK(db.match("NEAR(\"苹果\" \"apples\", 5)") == ids{1});
}

TEST_CASE("cunji tokenizer: positions and offsets", "[storage][fts]") {
  fts_db db(kDocs);
  db.conn.exec("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')");
  std::vector<std::pair<std::string, std::int64_t>> got;
  auto q = db.conn.prepare("SELECT term, offset FROM v WHERE doc = 4 ORDER BY offset, term");
  while (q.step()) got.emplace_back(q.str(0), q.i64(1));
  // 陕西猕猴桃: each bigram shares the position of its first character.
  const std::vector<std::pair<std::string, std::int64_t>> want = {
      {"陕", 0}, {"陕西", 0}, {"西", 1}, {"西猕", 1}, {"猕", 2}, {"猕猴", 2}, {"猴", 3}, {"猴桃", 3}, {"桃", 4}};
  CHECK(got == want);

  // highlight() re-tokenizes with the byte offsets: the whole matched text is marked.
  CHECK(db.highlight("苹果") == "新鲜红富士[苹果]");
  CHECK(db.highlight("红富士") == "新鲜[红富士]苹果");
  CHECK(db.highlight("富士苹果") == "新鲜红[富士苹果]");
  CHECK(db.highlight("果") == "新鲜红富士苹[果]");
  CHECK(db.highlight("appl") == "Fuji [Apples]");
  CHECK(db.highlight("猕猴桃") == "陕西[猕猴桃]");
}

TEST_CASE("cunji tokenizer: bm25 ranking", "[storage][fts]") {
  fts_db db({"新鲜水果大礼包 苹果 香蕉 橙子 柚子 葡萄 芒果 樱桃", "苹果 苹果 红富士苹果", "土豆"});
  CHECK(db.ranked("苹果") == ids{2, 1});
  CHECK(db.ranked("苹果 香蕉") == ids{1});
  CHECK(db.ranked("梨").empty());
}

TEST_CASE("build_match_query never produces an FTS5 syntax error", "[storage][fts]") {
  fts_db db(kDocs);
  const std::vector<std::string_view> hostile = {
      "\"",
      "\"\"",
      "\"苹果",
      "苹果\"",
      "a\"b\"c",
      "*",
      "apple*",
      "*apple",
      "苹果*",
      "NEAR",
      "NEAR(",
      "NEAR(苹果 土豆)",
      "NEAR(苹果 土豆, 2)",
      "OR",
      "AND",
      "NOT",
      "苹果 OR 土豆",
      "苹果 AND",
      "NOT 苹果",
      "苹果 NOT",
      "(",
      ")",
      "(苹果",
      "苹果)",
      "((()))",
      "-",
      "-苹果",
      "苹果-土豆",
      "^",
      "^苹果",
      ":",
      "title:苹果",
      "t:苹果",
      "{title}: 苹果",
      "+",
      "+苹果",
      "🍎",
      "苹果🍎",
      "\x01\x02\x1f\x7f",
      "\t\r\n",
      "\xff\xfe苹果\xc3",
      "\xc0\xaf",
      "\xed\xa0\x80",
      "苹\x80果",
      "a\0b"sv,
      "\0"sv,
      "'",
      "';DROP TABLE t;--",
      "%",
      "_",
      "\\",
      "\\\"",
      ",",
      ".",
      "$1",
      "?1",
      "＂苹果＂",
      "（苹果）",
      "＊",
      "ＡＮＤ",
      "near/3",
      "col:苹果 OR -title:*",
  };
  for (const auto text : hostile) {
    INFO("user text: " << std::string(text));
    CHECK_NOTHROW(db.search(text));
    CHECK_NOTHROW(db.ranked(text));
  }
  CHECK(db.search("\"苹果") == ids{1});
  CHECK(db.search("(苹果)") == ids{1});
  CHECK(db.search("NEAR(苹果 土豆)").empty());  // "near" is a word, ANDed like the others
  CHECK(db.search("-苹果") == ids{1});
  CHECK(db.search("title:苹果").empty());    // "title" is a word too
  CHECK(db.search("苹果 OR 土豆").empty());  // OR is a word, not an operator

  // Random byte soup built from FTS5 syntax, CJK, full-width, emoji and raw bytes.
  const std::vector<std::string_view> pieces = {
      "\"",   "*",  "(",  ")",     "NEAR", "OR",   "AND",  "NOT",  "-",    "^",    ":",      "+", " ", "苹", "果",
      "土豆", "ａ", "Ａ", "apple", "🍎",    "\xff", "\xe8", "\x80", "\0"sv, "\x01", "\u3000", ",", "{", "}"};
  std::mt19937 rng(20240611);
  std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1);
  std::uniform_int_distribution<int> length(0, 12);
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    for (int i = length(rng); i > 0; --i) text += pieces[pick(rng)];
    INFO("user text: " << text);
    REQUIRE_NOTHROW(db.search(text));
  }
}

TEST_CASE("cunji tokenizer survives random bytes in documents", "[storage][fts]") {
  fts_db db({});
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 40);
  const std::vector<std::string_view> utf8 = {"苹", "果", "Ａ", "é", "\xF0\xA0\x80\x80", "🍎", "\u3000", "a"};
  std::uniform_int_distribution<std::size_t> pick(0, utf8.size() - 1);
  for (int round = 0; round < 500; ++round) {
    std::string doc;
    for (int i = length(rng); i > 0; --i) {
      if (byte(rng) < 128) doc += static_cast<char>(byte(rng));
      else doc += utf8[pick(rng)];
    }
    INFO("document bytes: " << doc.size());
    for (const auto& tok : tokenize_document(doc)) {
      CHECK_FALSE(tok.empty());
      CHECK(cunji::text::utf8_length(tok).has_value());
    }
    REQUIRE_NOTHROW(db.conn.run("INSERT INTO t(title) VALUES (?1)", doc));
  }
  // The index must agree with what the tokenizer produces when re-run over the stored text.
  CHECK_NOTHROW(db.conn.exec("INSERT INTO t(t, rank) VALUES ('integrity-check', 1)"));
  CHECK_NOTHROW(db.conn.exec("DELETE FROM t WHERE rowid % 2 = 0"));
  CHECK_NOTHROW(db.conn.exec("INSERT INTO t(t, rank) VALUES ('integrity-check', 1)"));
}
