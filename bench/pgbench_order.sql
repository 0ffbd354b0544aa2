-- The SQL of one order (POST /v1/orders, one line, address delivery) as the PostgreSQL engine
-- sends it, for pgbench: scripts/bench --engine postgresql runs it as the baseline B of the
-- order scenario (docs/performance.md). Statement for statement what the server's log showed
-- for one order (log_statement = all), in the server's six round trips: the session lookup
-- that authenticates the request, then five pipelines of one transaction. The values are
-- random (a listing, a shop, a buyer, a fresh key: the ranges given with -D listings=,
-- shops=, buyer_first=, buyer_last=) instead of a real cart's; the stored answer
-- is 600 bytes of filler (pgbench would take its JSON's colons for variables), and it is found
-- by its key instead of the id the claim returned (pgbench keeps no result inside a pipeline).
-- The server's three savepoints (around the work, and around the stock) are left out: pgbench
-- refuses SAVEPOINT in its prepared mode, which the server's statements match (they are prepared
-- once per connection). Without them B is, if anything, a little higher.
\set listing random(1, :listings)
\set shop random(1, :shops)
\set buyer random(:buyer_first, :buyer_last)
\set key random(1, 1000000000000)
SELECT a.id, a.role, a.name, a.phone, a.village_id, a.created_at FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = '\x2c265c60c2a2031e764e4dd815804d9531d521591ee11061b30a86751bbd08af'::bytea AND s.expires_at > 0;
\startpipeline
BEGIN;
INSERT INTO idempotency_records (account_id, key_hash, endpoint, key, request_hash, status, body, created_at) VALUES (:buyer, :key, 'POST /v1/orders', 'pgbench-' || :key::text, '\x2186bff96f7176ab2666155e0f9b303fd9e14d883ea78e28f9beadb316177585'::bytea, 0, '', 1796594103) ON CONFLICT (account_id, endpoint, key) DO NOTHING RETURNING id
\endpipeline
\startpipeline
SELECT id, village_id, county_id, name, description, status, owner_account_id, villager_id, partner_id, created_at FROM shops WHERE id = :shop;
SELECT l.id, l.shop_id, l.village_id, l.county_id, c.poverty_stricken, l.title, l.description, l.category, l.unit, l.price_fen, l.stock, l.status, l.version, l.created_at, l.updated_at FROM listings l JOIN counties c ON c.id = l.county_id WHERE l.id = :listing;
SELECT platform_commission_bps, poverty_county_commission_bps, assisted_buying_fee_bps, assisted_selling_fee_bps, address_delivery_fee_fen, taobao_village_min_shops, taobao_village_min_gmv_fen, unpaid_timeout_minutes, auto_deliver_days, station_hold_days FROM fee_schedule WHERE id = 1;
SELECT category, bps FROM category_commission ORDER BY category;
\endpipeline
\startpipeline
UPDATE listings SET stock = stock - 1, version = version + 1, updated_at = 1796594103 WHERE id = :listing AND stock >= 1;
\endpipeline
\startpipeline
INSERT INTO orders (shop_id, village_id, county_id, poverty_relief, status, placed_by, buyer_account_id, villager_id, subtotal_fen, delivery_method, delivery_address, delivery_fee_fen, total_fen, platform_commission_fen, shop_proceeds_fen, created_at, updated_at, station_village_id, pickup_code, purchase_id) VALUES (:shop, 8, 8, 0, 'placed', :buyer, :buyer, NULL, 1180, 'address', '北京市朝阳区1号', 800, 1980, 59, 1121, 1796594103, 1796594103, NULL, NULL, NULL);
INSERT INTO order_items (order_id, line_no, listing_id, title, unit, category, unit_price_fen, quantity, line_total_fen, commission_fen) VALUES (currval(pg_get_serial_sequence('orders', 'id')), 0, :listing, '稻花鱼 2斤装', 'box', 'aquatic', 1180, 1, 1180, 59);
\endpipeline
\startpipeline
UPDATE idempotency_records SET status = 201, body = repeat('x', 600) WHERE account_id = :buyer AND endpoint = 'POST /v1/orders' AND key = 'pgbench-' || :key::text;
COMMIT;
\endpipeline
