-- Sales rollups for village statistics and reports, kept by triggers on orders in the same
-- transaction as every order change, so they never drift and no read has to scan orders.
--
-- The rules are core/sales.hpp's: an order counts while its status is 'paid', 'shipped' or
-- 'delivered', on the UTC day it was created (day = floor(created_at / 86400)), with its
-- snapshotted shop, village, county, poverty_relief, buyer and subtotal. It enters the rollups
-- when it starts counting (placed -> paid) and leaves them when it stops (paid -> cancelled);
-- paid -> shipped -> delivered changes nothing. storage::check_rollups (storage/reports.cpp,
-- run by the ledger check) recomputes every table below from orders.
--
-- Buyers are keyed coalesce(buyer_account_id, -villager_id): an account by its id, a villager
-- (assisted buying) by minus its id.

-- Counting sales per shop, poverty-relief snapshot and creation day. A row exists only while
-- orders > 0, so "the shop sold something in [a, b)" is one index seek.
CREATE TABLE sales_daily (
  shop_id        INTEGER NOT NULL,
  poverty_relief INTEGER NOT NULL,
  day            INTEGER NOT NULL,
  village_id     INTEGER NOT NULL,
  county_id      INTEGER NOT NULL,
  gmv_fen        INTEGER NOT NULL,
  orders         INTEGER NOT NULL,
  PRIMARY KEY (shop_id, poverty_relief, day)
) STRICT, WITHOUT ROWID;

-- Cumulative sales per scope: scope_kind 1 = a village (scope_id is its id), 2 = a county,
-- 3 = the poverty-relief orders of a county. Row (k, s, d) holds the totals of the scope's
-- counting orders created on days <= d. A row exists for every day that ever had a counting
-- order in the scope (rows are never removed; a day whose orders were all cancelled keeps the
-- previous total). The totals over days [a, b) are cum(b - 1) - cum(a - 1), where cum(x) is the
-- row with the greatest day <= x (zero if none): two index seeks whatever the period.
CREATE TABLE sales_cum (
  scope_kind INTEGER NOT NULL CHECK (scope_kind IN (1, 2, 3)),
  scope_id   INTEGER NOT NULL,
  day        INTEGER NOT NULL,
  gmv_fen    INTEGER NOT NULL,
  orders     INTEGER NOT NULL,
  PRIMARY KEY (scope_kind, scope_id, day)
) STRICT, WITHOUT ROWID;

-- Distinct buyers. Per scope (a county id, or 0 for the poverty-relief orders of all counties),
-- buyer and creation day: the number of counting orders (a row exists only while > 0), and
-- prev_day, the same buyer's previous day with a row in the scope (NULL if none). A buyer
-- bought in days [a, b) exactly when one of its rows has a <= day < b and (prev_day IS NULL OR
-- prev_day < a), and then exactly one does; so a period's distinct buyers are a count over one
-- range of buyer_days_by_day, with no DISTINCT and no temporary b-tree.
CREATE TABLE buyer_days (
  scope     INTEGER NOT NULL,
  buyer_key INTEGER NOT NULL,
  day       INTEGER NOT NULL,
  orders    INTEGER NOT NULL,
  prev_day  INTEGER,
  PRIMARY KEY (scope, buyer_key, day)
) STRICT, WITHOUT ROWID;
CREATE INDEX buyer_days_by_day ON buyer_days (scope, day, prev_day);

-- Partner fees of counting orders per partner and creation day. `orders` counts each order
-- once, also when both of its fees go to one partner. A row exists only while orders > 0.
CREATE TABLE partner_daily (
  partner_id           INTEGER NOT NULL,
  day                  INTEGER NOT NULL,
  assisted_buying_fen  INTEGER NOT NULL,
  assisted_selling_fen INTEGER NOT NULL,
  orders               INTEGER NOT NULL,
  PRIMARY KEY (partner_id, day)
) STRICT, WITHOUT ROWID;

-- Internal views: inserting a row applies one change. Only the triggers below insert into them.

-- Adds `gmv_fen` and `orders` (negative to take away) to a scope's cumulative totals from `day` on.
CREATE VIEW sales_cum_change (scope_kind, scope_id, day, gmv_fen, orders) AS SELECT 0, 0, 0, 0, 0 WHERE 0;
CREATE TRIGGER sales_cum_change_apply INSTEAD OF INSERT ON sales_cum_change BEGIN
  INSERT INTO sales_cum (scope_kind, scope_id, day, gmv_fen, orders)
    VALUES (new.scope_kind, new.scope_id, new.day,
            coalesce((SELECT gmv_fen FROM sales_cum WHERE scope_kind = new.scope_kind AND scope_id = new.scope_id
                       AND day < new.day ORDER BY day DESC LIMIT 1), 0),
            coalesce((SELECT orders FROM sales_cum WHERE scope_kind = new.scope_kind AND scope_id = new.scope_id
                       AND day < new.day ORDER BY day DESC LIMIT 1), 0))
    ON CONFLICT DO NOTHING;
  UPDATE sales_cum SET gmv_fen = gmv_fen + new.gmv_fen, orders = orders + new.orders
   WHERE scope_kind = new.scope_kind AND scope_id = new.scope_id AND day >= new.day;
END;

-- Adds `orders` (+1 or -1) to a buyer's day in a scope, and keeps the prev_day chain.
CREATE VIEW buyer_days_change (scope, buyer_key, day, orders) AS SELECT 0, 0, 0, 0 WHERE 0;
CREATE TRIGGER buyer_days_change_apply INSTEAD OF INSERT ON buyer_days_change BEGIN
  INSERT INTO buyer_days (scope, buyer_key, day, orders, prev_day)
    VALUES (new.scope, new.buyer_key, new.day, new.orders,
            (SELECT max(day) FROM buyer_days WHERE scope = new.scope AND buyer_key = new.buyer_key AND day < new.day))
    ON CONFLICT DO UPDATE SET orders = orders + excluded.orders;
  DELETE FROM buyer_days WHERE scope = new.scope AND buyer_key = new.buyer_key AND day = new.day AND orders = 0;
  -- The buyer's next day points back at the nearest day before it (this day if it has a row).
  UPDATE buyer_days
     SET prev_day = (SELECT max(b.day) FROM buyer_days b
                      WHERE b.scope = new.scope AND b.buyer_key = new.buyer_key AND b.day <= new.day)
   WHERE scope = new.scope AND buyer_key = new.buyer_key
     AND day = (SELECT min(b.day) FROM buyer_days b
                 WHERE b.scope = new.scope AND b.buyer_key = new.buyer_key AND b.day > new.day);
END;

-- Adds (sign +1) or takes away (sign -1) one order's contribution to every rollup.
CREATE VIEW sales_change (sign, order_id, shop_id, village_id, county_id, poverty_relief, buyer_key, day,
                          subtotal_fen) AS SELECT 0, 0, 0, 0, 0, 0, 0, 0, 0 WHERE 0;
CREATE TRIGGER sales_change_apply INSTEAD OF INSERT ON sales_change BEGIN
  INSERT INTO sales_daily (shop_id, poverty_relief, day, village_id, county_id, gmv_fen, orders)
    VALUES (new.shop_id, new.poverty_relief, new.day, new.village_id, new.county_id, new.sign * new.subtotal_fen,
            new.sign)
    ON CONFLICT DO UPDATE SET gmv_fen = gmv_fen + excluded.gmv_fen, orders = orders + excluded.orders;
  DELETE FROM sales_daily
   WHERE shop_id = new.shop_id AND poverty_relief = new.poverty_relief AND day = new.day AND orders = 0;
  INSERT INTO sales_cum_change (scope_kind, scope_id, day, gmv_fen, orders)
    SELECT 1, new.village_id, new.day, new.sign * new.subtotal_fen, new.sign
    UNION ALL SELECT 2, new.county_id, new.day, new.sign * new.subtotal_fen, new.sign
    UNION ALL SELECT 3, new.county_id, new.day, new.sign * new.subtotal_fen, new.sign WHERE new.poverty_relief = 1;
  INSERT INTO buyer_days_change (scope, buyer_key, day, orders)
    SELECT new.county_id, new.buyer_key, new.day, new.sign
    UNION ALL SELECT 0, new.buyer_key, new.day, new.sign WHERE new.poverty_relief = 1;
  INSERT INTO partner_daily (partner_id, day, assisted_buying_fen, assisted_selling_fen, orders)
    SELECT partner_id, new.day,
           new.sign * sum(CASE kind WHEN 'assisted_buying' THEN amount_fen ELSE 0 END),
           new.sign * sum(CASE kind WHEN 'assisted_selling' THEN amount_fen ELSE 0 END),
           new.sign
      FROM order_partner_fees WHERE order_id = new.order_id GROUP BY partner_id
    ON CONFLICT DO UPDATE SET assisted_buying_fen = assisted_buying_fen + excluded.assisted_buying_fen,
                              assisted_selling_fen = assisted_selling_fen + excluded.assisted_selling_fen,
                              orders = orders + excluded.orders;
  DELETE FROM partner_daily
   WHERE day = new.day AND orders = 0
     AND partner_id IN (SELECT partner_id FROM order_partner_fees WHERE order_id = new.order_id);
END;

-- The triggers on orders. An order's contribution is taken away when it stops counting or when
-- a field the rollups use changes while it counts, and added when it starts counting or after
-- such a change. (Only status ever changes today; the others make drift impossible anyway.)
CREATE TRIGGER orders_sales_insert AFTER INSERT ON orders
  WHEN new.status IN ('paid', 'shipped', 'delivered') BEGIN
  INSERT INTO sales_change VALUES (1, new.id, new.shop_id, new.village_id, new.county_id, new.poverty_relief,
    coalesce(new.buyer_account_id, -new.villager_id, 0), (new.created_at - (new.created_at < 0) * 86399) / 86400,
    new.subtotal_fen);
END;

CREATE TRIGGER orders_sales_update_out
  AFTER UPDATE OF status, shop_id, village_id, county_id, poverty_relief, buyer_account_id, villager_id, subtotal_fen,
                  created_at ON orders
  WHEN old.status IN ('paid', 'shipped', 'delivered')
   AND (new.status NOT IN ('paid', 'shipped', 'delivered') OR new.shop_id IS NOT old.shop_id
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
  WHEN new.status IN ('paid', 'shipped', 'delivered')
   AND (old.status NOT IN ('paid', 'shipped', 'delivered') OR new.shop_id IS NOT old.shop_id
        OR new.village_id IS NOT old.village_id OR new.county_id IS NOT old.county_id
        OR new.poverty_relief IS NOT old.poverty_relief OR new.buyer_account_id IS NOT old.buyer_account_id
        OR new.villager_id IS NOT old.villager_id OR new.subtotal_fen IS NOT old.subtotal_fen
        OR new.created_at IS NOT old.created_at) BEGIN
  INSERT INTO sales_change VALUES (1, new.id, new.shop_id, new.village_id, new.county_id, new.poverty_relief,
    coalesce(new.buyer_account_id, -new.villager_id, 0), (new.created_at - (new.created_at < 0) * 86399) / 86400,
    new.subtotal_fen);
END;

CREATE TRIGGER orders_sales_delete AFTER DELETE ON orders
  WHEN old.status IN ('paid', 'shipped', 'delivered') BEGIN
  INSERT INTO sales_change VALUES (-1, old.id, old.shop_id, old.village_id, old.county_id, old.poverty_relief,
    coalesce(old.buyer_account_id, -old.villager_id, 0), (old.created_at - (old.created_at < 0) * 86399) / 86400,
    old.subtotal_fen);
END;

-- Partner fees are written with their order while it is 'placed' and never change. Should a fee
-- be added to an order that already counts, it is rolled up too.
CREATE TRIGGER order_partner_fees_sales_insert AFTER INSERT ON order_partner_fees
  WHEN (SELECT status FROM orders WHERE id = new.order_id) IN ('paid', 'shipped', 'delivered') BEGIN
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

-- Orders that existed before this migration.
INSERT INTO sales_change
  SELECT 1, id, shop_id, village_id, county_id, poverty_relief, coalesce(buyer_account_id, -villager_id, 0),
         (created_at - (created_at < 0) * 86399) / 86400, subtotal_fen
    FROM orders WHERE status IN ('paid', 'shipped', 'delivered') ORDER BY id;
