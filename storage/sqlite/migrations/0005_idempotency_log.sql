-- Idempotency records, append-only. (Migration 0006 replaced the key-hash index below with
-- one in memory.) The table they replace was clustered by (account_id,
-- endpoint, key): every new record, the whole stored answer included, went into the middle of
-- a b-tree whose leaves hold a handful of answers each, so most order placements split a page
-- there, and that table was the largest share of what an order wrote to the WAL. Here a record
-- goes to the end of the table (its id is the order it was stored in), and the lookup goes
-- through a narrow index on (account_id, key_hash), where key_hash = cunji_key_hash(endpoint,
-- key) (storage/idempotency.cpp); the row holds endpoint and key in full, and the lookup
-- compares them too. The writer's purge deletes from the front of the table up to the first
-- record that has not expired, so it needs no index on created_at.
CREATE TABLE idempotency_records (
  id           INTEGER PRIMARY KEY,
  account_id   INTEGER NOT NULL,
  key_hash     INTEGER NOT NULL,
  endpoint     TEXT    NOT NULL,
  key          TEXT    NOT NULL,
  request_hash BLOB    NOT NULL,
  status       INTEGER NOT NULL,
  body         TEXT    NOT NULL,
  created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX idempotency_records_by_key ON idempotency_records (account_id, key_hash);

INSERT INTO idempotency_records (account_id, key_hash, endpoint, key, request_hash, status, body, created_at)
  SELECT account_id, cunji_key_hash(endpoint, key), endpoint, key, request_hash, status, body, created_at
    FROM idempotency_keys ORDER BY created_at, account_id, endpoint, key;
DROP TABLE idempotency_keys;
