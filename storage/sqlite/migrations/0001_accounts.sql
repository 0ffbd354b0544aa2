-- Regions, accounts and sessions. Times are Unix seconds (UTC).
CREATE TABLE counties (
  id               INTEGER PRIMARY KEY,
  name             TEXT    NOT NULL,
  province         TEXT    NOT NULL,
  poverty_stricken INTEGER NOT NULL CHECK (poverty_stricken IN (0, 1)),
  created_at       INTEGER NOT NULL
) STRICT;

CREATE TABLE villages (
  id         INTEGER PRIMARY KEY,
  county_id  INTEGER NOT NULL REFERENCES counties (id),
  name       TEXT    NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX villages_by_county ON villages (county_id, id);

CREATE TABLE accounts (
  id            INTEGER PRIMARY KEY,
  role          TEXT    NOT NULL CHECK (role IN ('buyer', 'farmer', 'partner', 'admin')),
  name          TEXT    NOT NULL,
  phone         TEXT    NOT NULL UNIQUE,
  password_hash TEXT    NOT NULL,
  village_id    INTEGER REFERENCES villages (id),
  created_at    INTEGER NOT NULL
) STRICT;

-- Only a SHA-256 of each bearer token is kept.
CREATE TABLE sessions (
  token_hash BLOB    PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
CREATE INDEX sessions_by_account ON sessions (account_id);

-- Failed logins by phone (whether or not an account has it), for throttling.
CREATE TABLE login_failures (
  id    INTEGER PRIMARY KEY,
  phone TEXT    NOT NULL,
  at    INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failures_by_phone ON login_failures (phone, at);
