#include "storage/search/bm25.hpp"

namespace cunji::storage {

namespace {

// Reads one SQLite varint (as FTS5 writes them: 7 bits a byte, high bit set while more follow;
// a ninth byte holds 8 bits) at p[i], advancing i. Never reads past n.
std::int64_t read_varint(const unsigned char* p, int n, int& i) {
  std::uint64_t v = 0;
  for (int k = 0; k < 9 && i < n; ++k) {
    const unsigned char byte = p[i++];
    if (k == 8) {
      v = (v << 8) | byte;
      break;
    }
    v = (v << 7) | (byte & 0x7F);
    if (!(byte & 0x80)) break;
  }
  return static_cast<std::int64_t>(v);
}

}  // namespace

std::int64_t sum_varints(const unsigned char* p, int n) {
  std::int64_t sum = 0;
  for (int i = 0; i < n;) sum += read_varint(p, n, i);
  return sum;
}

bm25_counts parse_fts5_totals(const unsigned char* p, int n) {
  bm25_counts c;
  int i = 0;
  if (i < n) c.rows = read_varint(p, n, i);
  while (i < n) c.tokens += read_varint(p, n, i);
  return c;
}

}  // namespace cunji::storage
