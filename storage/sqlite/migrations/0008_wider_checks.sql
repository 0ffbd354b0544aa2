-- The CHECK constraints that list order statuses, ledger entry kinds and ledger accounts take
-- the new ones (station pickup, returns, payments, station cash; core/order_state.hpp and
-- core/ledger.hpp list them). Widening a CHECK changes no row, so the C++ step of this version
-- (storage/sqlite/migration_steps.cpp) edits only the tables' CREATE text, as SQLite documents
-- for such changes, instead of copying the tables.
SELECT 1;
