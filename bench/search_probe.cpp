// cunji_searchprobe: the search terms of the search_cold benchmark scenario, and relevance
// searches run straight against a database file, without HTTP or caches (for profiling the
// uncached path under callgrind and for comparing the pages two builds return).
//
//   cunji_searchprobe terms --db PATH
//       every distinct word and every distinct CJK bigram of the titles of the browsable
//       listings, in byte order, one per line (the tokenizer's tokens, unigrams left out)
//   cunji_searchprobe run --db PATH --terms FILE [--limit 20] [--pages 1] [--repeat 1] [--print] [--each]
//                         [--sort relevance|newest]
//       for each term, the first --pages pages of its relevance search (uncached), --repeat
//       times; with --print, one line per page: term, page number, ids, next cursor keys; with
//       --each, one line per search: term, page number, microseconds.
//       Prints searches per second and the slowest search to stderr.
//   cunji_searchprobe migrate --db PATH
//       applies the migrations the database lacks and prints how long that took
// terms and run open the database read-only.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "storage/search/fts_tokenizer.hpp"
#include "storage/search/listing_search.hpp"
#include "storage/sqlite/connection.hpp"
#include "storage/sqlite/migrations.hpp"

namespace {

using namespace cunji;

struct options {
  std::string mode, db, terms;
  int limit = 20, pages = 1, repeat = 1;
  bool newest = false;
  bool print = false;
  bool each = false;
};

options parse(int argc, char** argv) {
  if (argc < 2) throw std::invalid_argument("usage: cunji_searchprobe terms|run|migrate --db PATH [...]");
  options o;
  o.mode = argv[1];
  for (int i = 2; i < argc; ++i) {
    const std::string_view f = argv[i];
    if (f == "--print" || f == "--each") {
      (f == "--print" ? o.print : o.each) = true;
      continue;
    }
    if (i + 1 >= argc) throw std::invalid_argument(std::string(f) + " needs a value");
    const std::string v = argv[++i];
    if (f == "--db") o.db = v;
    else if (f == "--terms") o.terms = v;
    else if (f == "--limit") o.limit = std::stoi(v);
    else if (f == "--pages") o.pages = std::stoi(v);
    else if (f == "--repeat") o.repeat = std::stoi(v);
    else if (f == "--sort") o.newest = v == "newest";
    else throw std::invalid_argument("unknown option " + std::string(f));
  }
  if (o.db.empty() || (o.mode != "terms" && o.mode != "run" && o.mode != "migrate") ||
      (o.mode == "run" && o.terms.empty()))
    throw std::invalid_argument("usage: cunji_searchprobe terms|run|migrate --db PATH [--terms FILE]");
  return o;
}

// A CJK bigram is two characters of three or four UTF-8 bytes each; a word is ASCII or Latin.
bool is_bigram(std::string_view tok) {
  const auto lead = [](unsigned char c) { return c >= 0xE0 ? (c >= 0xF0 ? 4u : 3u) : 0u; };
  const auto a = lead(static_cast<unsigned char>(tok[0]));
  return a && tok.size() > a && lead(static_cast<unsigned char>(tok[a])) &&
         tok.size() == a + lead(static_cast<unsigned char>(tok[a]));
}

bool is_word(std::string_view tok) { return static_cast<unsigned char>(tok[0]) < 0xE0; }

int terms(const options& o) {
  storage::connection c(o.db, storage::open_mode::read_only);
  std::set<std::string> out;
  auto q = c.prepare("SELECT title FROM listings WHERE visible = 1");
  while (q.step())
    for (auto& tok : storage::tokenize_document(q.str(0)))
      if (is_word(tok) || is_bigram(tok)) out.insert(std::move(tok));
  for (const auto& t : out) std::cout << t << '\n';
  return 0;
}

// `keys` as text: the cursor keys of a page, comma-separated.
std::string keys_text(const std::vector<std::int64_t>& keys) {
  std::string s;
  for (auto k : keys) s += (s.empty() ? "" : ",") + std::to_string(k);
  return s;
}

int run(const options& o) {
  storage::connection c(o.db, storage::open_mode::read_only);
  std::vector<std::string> list;
  std::ifstream in(o.terms);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) list.push_back(line);
  using clock = std::chrono::steady_clock;
  const auto us = [](clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); };
  std::int64_t searches = 0;
  clock::duration total{}, slowest{};
  std::string slowest_term;
  for (int r = 0; r < o.repeat; ++r)
    for (const auto& term : list) {
      storage::listing_query q;
      q.sort = o.newest ? storage::listing_sort::newest : storage::listing_sort::relevance;
      q.limit = o.limit;
      q.text = term;
      for (int p = 0; p < o.pages; ++p) {
        const auto t0 = clock::now();
        const auto page = storage::browse_listings(c, q);
        const auto spent = clock::now() - t0;
        ++searches;
        total += spent;
        if (spent > slowest) slowest = spent, slowest_term = term;
        if (o.each) std::cout << term << '\t' << p << '\t' << us(spent) << '\n';
        if (o.print && r == 0) {
          std::string ids;
          for (const auto& l : page.items) ids += (ids.empty() ? "" : ",") + std::to_string(l.id);
          std::cout << term << '\t' << p << '\t' << ids << '\t' << keys_text(page.next_keys) << '\n';
        }
        if (page.next_keys.empty()) break;
        q.after = page.next_keys;
      }
    }
  std::fprintf(stderr, "%lld searches, %.1f us each on average, slowest %.1f us (%s)\n",
               static_cast<long long>(searches), searches ? us(total) / static_cast<double>(searches) : 0.0,
               us(slowest), slowest_term.c_str());
  return 0;
}

int migrate(const options& o) {
  storage::connection c(o.db, storage::open_mode::read_write);
  const auto t0 = std::chrono::steady_clock::now();
  const int version = storage::migrate(c);
  const auto s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr, "schema version %d after %.1f s\n", version, s);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const auto o = parse(argc, argv);
    if (o.mode == "migrate") return migrate(o);
    return o.mode == "terms" ? terms(o) : run(o);
  } catch (const std::exception& e) {
    std::cerr << "cunji_searchprobe: " << e.what() << '\n';
    return 2;
  }
}
