-- Payments as records of their own, confirmed by the provider (Alipay) or attested by a partner
-- taking cash; refunds owed to buyers; the timers' fee-schedule fields and the order moments
-- they read; the platform's revenue in three ledger accounts; orders at a station count as
-- sales like shipped ones.

ALTER TABLE fee_schedule ADD COLUMN unpaid_timeout_minutes INTEGER NOT NULL DEFAULT 30;
ALTER TABLE fee_schedule ADD COLUMN auto_deliver_days INTEGER NOT NULL DEFAULT 10;
ALTER TABLE fee_schedule ADD COLUMN station_hold_days INTEGER NOT NULL DEFAULT 14;

CREATE TABLE payments (
  id           INTEGER PRIMARY KEY,
  method       TEXT    NOT NULL CHECK (method IN ('alipay', 'cash_at_station')),
  status       TEXT    NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'closed')),
  amount_fen   INTEGER NOT NULL CHECK (amount_fen > 0),
  out_trade_no TEXT    NOT NULL UNIQUE,
  trade_no     TEXT    UNIQUE,
  started_by   INTEGER NOT NULL REFERENCES accounts (id),
  collected_by INTEGER REFERENCES accounts (id),  -- cash: the partner holding it
  by_notice    INTEGER NOT NULL DEFAULT 0 CHECK (by_notice IN (0, 1)),  -- settled by a provider's notice
  created_at   INTEGER NOT NULL,
  confirmed_at INTEGER
) STRICT;
CREATE TABLE payment_orders (
  payment_id INTEGER NOT NULL REFERENCES payments (id),
  order_id   INTEGER NOT NULL REFERENCES orders (id),
  PRIMARY KEY (payment_id, order_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX payment_orders_by_order ON payment_orders (order_id, payment_id);

-- Money owed back to buyers: a paid Alipay order cancelled (or returned to the shop), or a
-- payment that succeeded after its orders were cancelled. Sent through the provider.
CREATE TABLE refunds (
  id             INTEGER PRIMARY KEY,
  payment_id     INTEGER NOT NULL REFERENCES payments (id),
  order_id       INTEGER REFERENCES orders (id),
  amount_fen     INTEGER NOT NULL CHECK (amount_fen > 0),
  status         TEXT    NOT NULL CHECK (status IN ('pending', 'succeeded')),
  out_request_no TEXT    NOT NULL UNIQUE,
  created_at     INTEGER NOT NULL,
  confirmed_at   INTEGER
) STRICT;
CREATE INDEX refunds_pending ON refunds (id) WHERE status = 'pending';

ALTER TABLE orders ADD COLUMN payment_id INTEGER REFERENCES payments (id);
ALTER TABLE orders ADD COLUMN payment_collected_by INTEGER REFERENCES accounts (id);
ALTER TABLE orders ADD COLUMN shipped_at INTEGER;
ALTER TABLE orders ADD COLUMN delivered_at INTEGER;
UPDATE orders SET shipped_at = updated_at WHERE status = 'shipped';
UPDATE orders SET delivered_at = updated_at WHERE status = 'delivered';
-- The timers' queues: unpaid orders by age, shipped address orders by shipping time.
CREATE INDEX orders_unpaid ON orders (created_at) WHERE status = 'placed';
CREATE INDEX orders_in_transit ON orders (shipped_at) WHERE status = 'shipped' AND delivery_method = 'address';

ALTER TABLE ledger_entries ADD COLUMN payment_id INTEGER REFERENCES payments (id);
ALTER TABLE ledger_entries ADD COLUMN refund_id INTEGER REFERENCES refunds (id);

-- The platform's one revenue account becomes three (commission, delivery fees, and the partner
-- fees it pays), so that each can be read from the ledger: every payment and refund entry of an
-- order gets the three postings its order's snapshot implies in place of its platform_revenue
-- one (which netted the three).
WITH parts AS (
  SELECT e.id AS entry_id, e.created_at, CASE e.kind WHEN 'payment' THEN 1 ELSE -1 END AS s,
         o.platform_commission_fen AS commission, o.delivery_fee_fen AS delivery,
         coalesce((SELECT sum(f.amount_fen) FROM order_partner_fees f WHERE f.order_id = o.id), 0) AS fees
    FROM ledger_entries e JOIN orders o ON o.id = e.order_id WHERE e.kind IN ('payment', 'refund'))
INSERT INTO ledger_postings (entry_id, account, owner_id, amount_fen, created_at)
  SELECT entry_id, 'commission', 0, -s * commission, created_at FROM parts WHERE commission != 0
  UNION ALL SELECT entry_id, 'delivery_fees', 0, -s * delivery, created_at FROM parts WHERE delivery != 0
  UNION ALL SELECT entry_id, 'partner_fees_expense', 0, s * fees, created_at FROM parts WHERE fees != 0
  ORDER BY 1;
DELETE FROM ledger_postings WHERE account = 'platform_revenue';
DELETE FROM ledger_balances WHERE account = 'platform_revenue';

DROP TRIGGER orders_sales_insert;
DROP TRIGGER orders_sales_update_out;
DROP TRIGGER orders_sales_update_in;
DROP TRIGGER orders_sales_delete;
DROP TRIGGER order_partner_fees_sales_insert;

-- The triggers on orders. An order's contribution is taken away when it stops counting or when
-- a field the rollups use changes while it counts, and added when it starts counting or after
-- such a change. (Only status ever changes today; the others make drift impossible anyway.)
CREATE TRIGGER orders_sales_insert AFTER INSERT ON orders
  WHEN new.status IN ('paid', 'shipped', 'at_station', 'delivered') BEGIN
  INSERT INTO sales_change VALUES (1, new.id, new.shop_id, new.village_id, new.county_id, new.poverty_relief,
    coalesce(new.buyer_account_id, -new.villager_id, 0), (new.created_at - (new.created_at < 0) * 86399) / 86400,
    new.subtotal_fen);
END;

CREATE TRIGGER orders_sales_update_out
  AFTER UPDATE OF status, shop_id, village_id, county_id, poverty_relief, buyer_account_id, villager_id, subtotal_fen,
                  created_at ON orders
  WHEN old.status IN ('paid', 'shipped', 'at_station', 'delivered')
   AND (new.status NOT IN ('paid', 'shipped', 'at_station', 'delivered') OR new.shop_id IS NOT old.shop_id
        OR new.village_id IS NOT old.village_id OR new.county_id IS NOT old.county_id
        OR new.poverty_relief IS NOT old.poverty_relief OR new.buyer_account_id IS NOT old.buyer_account_id
        OR new.villager_id IS NOT old.villager_id OR new.subtotal_fen IS NOT old.subtotal_fen
        OR new.created_at IS NOT old.created_at) BEGIN
  INSERT INTO sales_change VALUES (-1, old.id, old.shop_id, old.village_id, old.county_id, old.poverty_relief,
    coalesce(old.buyer_account_id, -old.villager_id, 0), (old.created_at - (old.created_at < 0) * 86399) / 86400,
    old.subtotal_fen);
END;

CREATE TRIGGER orders_sales_update_in
  AFTER UPDATE OF status, shop_id, village_id, county_id, poverty_relief, buyer_account_id, villager_id, subtotal_fen,
                  created_at ON orders
  WHEN new.status IN ('paid', 'shipped', 'at_station', 'delivered')
   AND (old.status NOT IN ('paid', 'shipped', 'at_station', 'delivered') OR new.shop_id IS NOT old.shop_id
        OR new.village_id IS NOT old.village_id OR new.county_id IS NOT old.county_id
        OR new.poverty_relief IS NOT old.poverty_relief OR new.buyer_account_id IS NOT old.buyer_account_id
        OR new.villager_id IS NOT old.villager_id OR new.subtotal_fen IS NOT old.subtotal_fen
        OR new.created_at IS NOT old.created_at) BEGIN
  INSERT INTO sales_change VALUES (1, new.id, new.shop_id, new.village_id, new.county_id, new.poverty_relief,
    coalesce(new.buyer_account_id, -new.villager_id, 0), (new.created_at - (new.created_at < 0) * 86399) / 86400,
    new.subtotal_fen);
END;

CREATE TRIGGER orders_sales_delete AFTER DELETE ON orders
  WHEN old.status IN ('paid', 'shipped', 'at_station', 'delivered') BEGIN
  INSERT INTO sales_change VALUES (-1, old.id, old.shop_id, old.village_id, old.county_id, old.poverty_relief,
    coalesce(old.buyer_account_id, -old.villager_id, 0), (old.created_at - (old.created_at < 0) * 86399) / 86400,
    old.subtotal_fen);
END;

-- Partner fees are written with their order while it is 'placed' and never change. Should a fee
-- be added to an order that already counts, it is rolled up too.
CREATE TRIGGER order_partner_fees_sales_insert AFTER INSERT ON order_partner_fees
  WHEN (SELECT status FROM orders WHERE id = new.order_id) IN ('paid', 'shipped', 'at_station', 'delivered') BEGIN
  INSERT INTO partner_daily (partner_id, day, assisted_buying_fen, assisted_selling_fen, orders)
    SELECT new.partner_id, (o.created_at - (o.created_at < 0) * 86399) / 86400,
           CASE new.kind WHEN 'assisted_buying' THEN new.amount_fen ELSE 0 END,
           CASE new.kind WHEN 'assisted_selling' THEN new.amount_fen ELSE 0 END,
           NOT EXISTS (SELECT 1 FROM order_partner_fees f
                        WHERE f.order_id = new.order_id AND f.partner_id = new.partner_id AND f.kind <> new.kind)
      FROM orders o WHERE o.id = new.order_id
    ON CONFLICT DO UPDATE SET assisted_buying_fen = assisted_buying_fen + excluded.assisted_buying_fen,
                              assisted_selling_fen = assisted_selling_fen + excluded.assisted_selling_fen,
                              orders = orders + excluded.orders;
END;

