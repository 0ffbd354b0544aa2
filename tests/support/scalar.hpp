#pragma once
// The first column of the first row of `sql`, as an integer (0 if there is no row).
#include <cstdint>

#include "storage/sqlite/connection.hpp"

namespace cunji::test {

inline std::int64_t scalar(storage::connection& c, const char* sql) {
  auto q = c.prepare(sql);
  return q.step() ? q.i64(0) : 0;
}

}  // namespace cunji::test
