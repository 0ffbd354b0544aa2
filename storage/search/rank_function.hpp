#pragma once
// cunji_rank(listings_fts, snapshot_id): the FTS5 auxiliary function that ranks listing search
// matches (storage/search/bm25.hpp), lower is better. <sqlite3.h> stays inside storage/*.cpp.
#include <string>

namespace cunji::storage {

class connection;
class query;

// Prepares SQL that uses cunji_rank, registering the function on this connection the first
// time it is missing.
query prepare_ranked(connection& c, const std::string& sql);

}  // namespace cunji::storage
