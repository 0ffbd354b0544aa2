-- Returns after the sale (core/order_return.hpp): at most one per order (after a rejection the
-- placer asks an admin, who accepts the same return). Accepting one moves its order to
-- 'refunded', which takes it out of the sales rollups through their triggers (0004), and
-- writes the refund's ledger entry (core/ledger.hpp return_postings).
CREATE TABLE returns (
  id              INTEGER PRIMARY KEY,
  order_id        INTEGER NOT NULL UNIQUE REFERENCES orders (id),
  shop_id         INTEGER NOT NULL REFERENCES shops (id),
  requested_by    INTEGER NOT NULL REFERENCES accounts (id),
  status          TEXT    NOT NULL CHECK (status IN ('requested', 'accepted', 'rejected')),
  lost            INTEGER NOT NULL CHECK (lost IN (0, 1)),
  reason          TEXT    NOT NULL,
  decision_reason TEXT,
  refund_fen      INTEGER NOT NULL CHECK (refund_fen > 0),
  restocked       INTEGER NOT NULL DEFAULT 0 CHECK (restocked IN (0, 1)),
  decided_by      INTEGER REFERENCES accounts (id),
  created_at      INTEGER NOT NULL,
  decided_at      INTEGER
) STRICT;

-- The lists: the placer's returns, and the returns of a shop, newest first.
CREATE INDEX returns_by_placer ON returns (requested_by, id);
CREATE INDEX returns_by_shop ON returns (shop_id, id);
