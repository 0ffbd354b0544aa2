-- Sessions of the web pages (a cookie), apart from the API's bearer sessions: a page session's
-- token is no bearer token, and a bearer token opens no page. Only a SHA-256 of each token is
-- kept. A session ends at `expires_at` (absolute) or when unused for the server's idle time
-- since `last_seen_at`.
CREATE TABLE page_sessions (
  token_hash   BLOB    PRIMARY KEY,
  account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX page_sessions_by_expiry ON page_sessions (expires_at);
CREATE INDEX page_sessions_by_account ON page_sessions (account_id);
