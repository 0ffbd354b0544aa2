-- The lookup of stored answers moves into memory (answer_index, storage/idempotency.hpp): the
-- key of a lookup is random, so this index took a write at a random leaf for every stored
-- answer, one of the few scattered pages that bound order placements. The writer builds the
-- in-memory index from key_hash at open.
DROP INDEX idempotency_records_by_key;
