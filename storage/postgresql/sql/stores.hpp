#pragma once
// The PostgreSQL engine's implementations of the storage seam's areas (storage/store.hpp), one
// file each (storage/postgresql/sql/*_store.cpp), over the engine's pool
// (storage/postgresql/engine.hpp).
#include <memory>

#include "storage/store.hpp"

namespace cunji::storage::pg {

class engine;

std::unique_ptr<region_store> make_region_store(engine& e);

}  // namespace cunji::storage::pg
