#pragma once
// The PostgreSQL engine's implementations of the storage seam's areas (storage/store.hpp), one
// file each (storage/postgresql/sql/*_store.cpp), over the engine's pool
// (storage/postgresql/engine.hpp).
#include <memory>

#include "storage/cache/search_rankings.hpp"
#include "storage/store.hpp"

namespace cunji::storage::pg {

class engine;

std::unique_ptr<account_store> make_account_store(engine& e);
std::unique_ptr<region_store> make_region_store(engine& e);
// Without `rankings`, every relevance page ranks its matches.
std::unique_ptr<catalog_store> make_catalog_store(engine& e, ranking_cache* rankings);
std::unique_ptr<order_store> make_order_store(engine& e);
std::unique_ptr<payment_store> make_payment_store(engine& e);
std::unique_ptr<purchase_store> make_purchase_store(engine& e);
std::unique_ptr<return_store> make_return_store(engine& e);
std::unique_ptr<money_store> make_money_store(engine& e);
std::unique_ptr<report_store> make_report_store(engine& e);

}  // namespace cunji::storage::pg
