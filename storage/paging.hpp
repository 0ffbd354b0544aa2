#pragma once
// Paging helpers shared by the engines.
#include <vector>

#include "storage/common.hpp"

namespace cunji::storage {

// A list read with one row more than the page (limit + 1), cut back to the page,
// with the keys {id} of its last item when there was more.
template <class Row>
page<Row> page_of(std::vector<Row> rows, int limit) {
  page<Row> p;
  if (static_cast<int>(rows.size()) > limit) {
    rows.resize(static_cast<std::size_t>(limit));
    p.next_keys = {rows.back().id};
  }
  p.items = std::move(rows);
  return p;
}

}  // namespace cunji::storage
