-- Purchases: one checkout across shops. A purchase's lines become one order per shop
-- (orders.purchase_id, added by 0010); the purchase row keeps who placed it and for whom. Its
-- money is the sum over its orders, so it is not stored twice.
CREATE TABLE purchases (
  id               INTEGER PRIMARY KEY,
  placed_by        INTEGER NOT NULL REFERENCES accounts (id),
  buyer_account_id INTEGER REFERENCES accounts (id),
  villager_id      INTEGER REFERENCES villagers (id),
  created_at       INTEGER NOT NULL
) STRICT;

-- The orders of a purchase (read with it, and paid together).
CREATE INDEX orders_by_purchase ON orders (purchase_id) WHERE purchase_id IS NOT NULL;
