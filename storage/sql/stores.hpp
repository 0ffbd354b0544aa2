#pragma once
// The SQLite engine's implementations of the storage seam's areas (storage/store.hpp), one file
// each (storage/sql/*_store.cpp), made by storage::sqlite_store.
#include <memory>

#include "storage/store.hpp"

namespace cunji::storage {

class database;

std::unique_ptr<account_store> make_account_store(database& db);
std::unique_ptr<region_store> make_region_store(database& db);
std::unique_ptr<catalog_store> make_catalog_store(database& db);
std::unique_ptr<order_store> make_order_store(database& db);
std::unique_ptr<payment_store> make_payment_store(database& db);
std::unique_ptr<purchase_store> make_purchase_store(database& db);
std::unique_ptr<return_store> make_return_store(database& db);
std::unique_ptr<money_store> make_money_store(database& db);
std::unique_ptr<report_store> make_report_store(database& db);

}  // namespace cunji::storage
