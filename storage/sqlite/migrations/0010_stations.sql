-- Stations: a station-pickup order goes to the station of a village with a partner, waits on its
-- shelf once it arrives, and is handed over against a six-digit pickup code that only the placer
-- is shown. Wrong codes are counted per order (core/station.hpp throttles them). Orders also gain
-- the purchase (one checkout across shops) they belong to.
ALTER TABLE orders ADD COLUMN station_village_id INTEGER REFERENCES villages (id);
ALTER TABLE orders ADD COLUMN pickup_code TEXT CHECK (pickup_code IS NULL OR length(pickup_code) = 6);
ALTER TABLE orders ADD COLUMN arrived_at INTEGER;
ALTER TABLE orders ADD COLUMN purchase_id INTEGER;

-- Station-pickup orders placed before: their station is the placer's village (the shop's, for a
-- placer without one), and they get a code.
UPDATE orders
   SET station_village_id = coalesce((SELECT a.village_id FROM accounts a WHERE a.id = orders.placed_by), village_id),
       pickup_code = printf('%06d', abs(random() % 1000000))
 WHERE delivery_method = 'station_pickup';

-- A station's parcels on their way or on its shelf, oldest first (the partner's evening list).
CREATE INDEX orders_station_parcels ON orders (station_village_id, id)
  WHERE status IN ('shipped', 'at_station') AND station_village_id IS NOT NULL;
-- The station timer's queue: parcels on a shelf by arrival.
CREATE INDEX orders_on_shelf ON orders (arrived_at) WHERE status = 'at_station';

CREATE TABLE handover_failures (
  order_id INTEGER NOT NULL REFERENCES orders (id),
  at       INTEGER NOT NULL
) STRICT;
CREATE INDEX handover_failures_by_order ON handover_failures (order_id, at);

-- Is a village a station (has it a partner)? Asked at every station-pickup placement.
CREATE INDEX accounts_partners_by_village ON accounts (village_id) WHERE role = 'partner';
