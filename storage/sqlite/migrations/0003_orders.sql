-- Orders, the fee schedule, idempotency records, payouts and the double-entry ledger.

-- The fee schedule in force (one row) and its per-category commission rates.
CREATE TABLE fee_schedule (
  id                            INTEGER PRIMARY KEY CHECK (id = 1),
  platform_commission_bps       INTEGER NOT NULL,
  poverty_county_commission_bps INTEGER NOT NULL,
  assisted_buying_fee_bps       INTEGER NOT NULL,
  assisted_selling_fee_bps      INTEGER NOT NULL,
  address_delivery_fee_fen      INTEGER NOT NULL,
  taobao_village_min_shops      INTEGER NOT NULL,
  taobao_village_min_gmv_fen    INTEGER NOT NULL,
  updated_at                    INTEGER NOT NULL
) STRICT;
INSERT INTO fee_schedule VALUES (1, 500, 0, 300, 200, 800, 100, 1000000000, 0);
CREATE TABLE category_commission (
  category TEXT PRIMARY KEY,
  bps      INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE orders (
  id                      INTEGER PRIMARY KEY,
  shop_id                 INTEGER NOT NULL REFERENCES shops (id),
  village_id              INTEGER NOT NULL,
  county_id               INTEGER NOT NULL,
  poverty_relief          INTEGER NOT NULL CHECK (poverty_relief IN (0, 1)),
  status                  TEXT    NOT NULL CHECK (status IN ('placed', 'paid', 'shipped', 'delivered', 'cancelled')),
  placed_by               INTEGER NOT NULL REFERENCES accounts (id),
  buyer_account_id        INTEGER REFERENCES accounts (id),
  villager_id             INTEGER REFERENCES villagers (id),
  subtotal_fen            INTEGER NOT NULL CHECK (subtotal_fen > 0),
  delivery_method         TEXT    NOT NULL CHECK (delivery_method IN ('station_pickup', 'address')),
  delivery_address        TEXT,
  delivery_fee_fen        INTEGER NOT NULL CHECK (delivery_fee_fen >= 0),
  total_fen               INTEGER NOT NULL,
  platform_commission_fen INTEGER NOT NULL CHECK (platform_commission_fen >= 0),
  shop_proceeds_fen       INTEGER NOT NULL,
  payment_method          TEXT,
  payment_reference       TEXT,
  tracking                TEXT,
  cancel_reason           TEXT,
  created_at              INTEGER NOT NULL,
  updated_at              INTEGER NOT NULL,
  CHECK (total_fen = subtotal_fen + delivery_fee_fen),
  CHECK (shop_proceeds_fen = subtotal_fen - platform_commission_fen)
) STRICT;
CREATE INDEX orders_by_placer ON orders (placed_by, id);
CREATE INDEX orders_by_shop ON orders (shop_id, id);

CREATE TABLE order_items (
  order_id       INTEGER NOT NULL REFERENCES orders (id),
  line_no        INTEGER NOT NULL,
  listing_id     INTEGER NOT NULL REFERENCES listings (id),
  title          TEXT    NOT NULL,
  unit           TEXT    NOT NULL,
  category       TEXT    NOT NULL,
  unit_price_fen INTEGER NOT NULL,
  quantity       INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 10000),
  line_total_fen INTEGER NOT NULL,
  commission_fen INTEGER NOT NULL,
  PRIMARY KEY (order_id, line_no),
  CHECK (line_total_fen = unit_price_fen * quantity)
) STRICT, WITHOUT ROWID;

CREATE TABLE order_partner_fees (
  order_id   INTEGER NOT NULL REFERENCES orders (id),
  kind       TEXT    NOT NULL CHECK (kind IN ('assisted_buying', 'assisted_selling')),
  partner_id INTEGER NOT NULL REFERENCES accounts (id),
  amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
  PRIMARY KEY (order_id, kind)
) STRICT, WITHOUT ROWID;
CREATE INDEX order_partner_fees_by_partner ON order_partner_fees (partner_id, order_id);

-- Answers of idempotent requests, per caller and endpoint (method and path).
CREATE TABLE idempotency_keys (
  account_id   INTEGER NOT NULL,
  endpoint     TEXT    NOT NULL,
  key          TEXT    NOT NULL,
  request_hash BLOB    NOT NULL,
  status       INTEGER NOT NULL,
  body         TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (account_id, endpoint, key)
) STRICT, WITHOUT ROWID;
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

CREATE TABLE payouts (
  id         INTEGER PRIMARY KEY,
  payee_type TEXT    NOT NULL CHECK (payee_type IN ('shop', 'partner')),
  payee_id   INTEGER NOT NULL,
  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX payouts_by_payee ON payouts (payee_type, payee_id, id);

-- Double-entry ledger. Every money event is one entry whose postings sum to zero.
-- Accounts: 'cash' (money the platform holds), 'platform_revenue', and per payee
-- 'shop_pending', 'shop_available', 'partner_pending', 'partner_available' (owner_id is the
-- shop or partner). Amounts are debits when positive, credits when negative: what the
-- platform owes a payee is the negated sum of that payee's postings.
CREATE TABLE ledger_entries (
  id         INTEGER PRIMARY KEY,
  kind       TEXT    NOT NULL CHECK (kind IN ('payment', 'delivery', 'refund', 'payout')),
  order_id   INTEGER REFERENCES orders (id),
  payout_id  INTEGER REFERENCES payouts (id),
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX ledger_entries_by_order ON ledger_entries (order_id) WHERE order_id IS NOT NULL;

CREATE TABLE ledger_postings (
  id         INTEGER PRIMARY KEY,
  entry_id   INTEGER NOT NULL REFERENCES ledger_entries (id),
  account    TEXT    NOT NULL CHECK (account IN ('cash', 'platform_revenue', 'shop_pending', 'shop_available',
                                                 'partner_pending', 'partner_available')),
  owner_id   INTEGER NOT NULL DEFAULT 0,
  amount_fen INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX ledger_postings_by_account ON ledger_postings (account, owner_id, id);
CREATE INDEX ledger_postings_by_entry ON ledger_postings (entry_id);

-- Running balance per ledger account, kept by trigger; the ledger check recomputes it.
CREATE TABLE ledger_balances (
  account    TEXT    NOT NULL,
  owner_id   INTEGER NOT NULL,
  amount_fen INTEGER NOT NULL,
  PRIMARY KEY (account, owner_id)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER ledger_balances_keep AFTER INSERT ON ledger_postings BEGIN
  INSERT INTO ledger_balances (account, owner_id, amount_fen) VALUES (new.account, new.owner_id, new.amount_fen)
    ON CONFLICT (account, owner_id) DO UPDATE SET amount_fen = amount_fen + excluded.amount_fen;
END;
