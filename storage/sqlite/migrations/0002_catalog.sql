-- Villagers, shops, listings, listing search, and the per-shop/per-village counters that
-- village statistics read (kept by triggers in the same transaction, so they cannot drift).

CREATE TABLE villagers (
  id            INTEGER PRIMARY KEY,
  village_id    INTEGER NOT NULL REFERENCES villages (id),
  name          TEXT    NOT NULL,
  phone         TEXT,
  registered_by INTEGER NOT NULL REFERENCES accounts (id),
  created_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX villagers_by_village ON villagers (village_id, id);

CREATE TABLE shops (
  id               INTEGER PRIMARY KEY,
  village_id       INTEGER NOT NULL REFERENCES villages (id),
  county_id        INTEGER NOT NULL REFERENCES counties (id),
  name             TEXT    NOT NULL,
  description      TEXT    NOT NULL DEFAULT '',
  status           TEXT    NOT NULL CHECK (status IN ('active', 'closed')),
  owner_account_id INTEGER REFERENCES accounts (id),
  villager_id      INTEGER REFERENCES villagers (id),
  partner_id       INTEGER REFERENCES accounts (id),
  active_listings  INTEGER NOT NULL DEFAULT 0,  -- listings with status 'active' (trigger-kept)
  created_at       INTEGER NOT NULL,
  -- A shop is run either by its farmer owner or by a partner for a villager.
  CHECK ((owner_account_id IS NULL) = (partner_id IS NOT NULL)),
  CHECK ((partner_id IS NULL) = (villager_id IS NULL))
) STRICT;
CREATE INDEX shops_active_by_village ON shops (village_id, id) WHERE status = 'active';
CREATE INDEX shops_active_by_county ON shops (county_id, id) WHERE status = 'active';
CREATE INDEX shops_active ON shops (id) WHERE status = 'active';
CREATE INDEX shops_by_owner ON shops (owner_account_id) WHERE owner_account_id IS NOT NULL;
CREATE INDEX shops_by_partner ON shops (partner_id) WHERE partner_id IS NOT NULL;

-- Village statistics counters. active_shops: shops 'active' with at least one 'active' listing.
ALTER TABLE villages ADD COLUMN active_shops INTEGER NOT NULL DEFAULT 0;

CREATE TABLE listings (
  id          INTEGER PRIMARY KEY,
  shop_id     INTEGER NOT NULL REFERENCES shops (id),
  village_id  INTEGER NOT NULL,  -- copied from the shop (shops never move)
  county_id   INTEGER NOT NULL,
  title       TEXT    NOT NULL,
  description TEXT    NOT NULL DEFAULT '',
  category    TEXT    NOT NULL CHECK (category IN ('fruit', 'vegetable', 'grain', 'meat', 'poultry_eggs', 'aquatic',
                                                   'tea', 'nuts_dried', 'honey', 'mushroom', 'handicraft', 'other')),
  unit        TEXT    NOT NULL CHECK (unit IN ('kg', 'jin', 'piece', 'box', 'bag', 'dozen')),
  price_fen   INTEGER NOT NULL CHECK (price_fen BETWEEN 1 AND 100000000),
  stock       INTEGER NOT NULL CHECK (stock BETWEEN 0 AND 10000000),
  status      TEXT    NOT NULL CHECK (status IN ('active', 'draft', 'archived')),
  -- 1 when buyers can browse it: listing 'active' and its shop 'active'.
  visible     INTEGER NOT NULL CHECK (visible IN (0, 1)),
  version     INTEGER NOT NULL DEFAULT 1,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
) STRICT;
-- Browse indexes: every list query starts from one of these, never from a table scan.
CREATE INDEX listings_visible_newest ON listings (visible, id);
CREATE INDEX listings_visible_price ON listings (visible, price_fen, id);
CREATE INDEX listings_visible_county ON listings (visible, county_id, category, price_fen, id);
CREATE INDEX listings_visible_village ON listings (visible, village_id, id);
CREATE INDEX listings_visible_category ON listings (visible, category, price_fen, id);
CREATE INDEX listings_by_shop ON listings (shop_id, visible, id);

-- Full-text search over title and description, with the project's CJK tokenizer
-- (storage/fts_tokenizer.cpp), kept in step with listings by triggers.
CREATE VIRTUAL TABLE listings_fts USING fts5 (
  title, description, content = 'listings', content_rowid = 'id', tokenize = 'cunji'
);
CREATE TRIGGER listings_fts_insert AFTER INSERT ON listings BEGIN
  INSERT INTO listings_fts (rowid, title, description) VALUES (new.id, new.title, new.description);
END;
CREATE TRIGGER listings_fts_update AFTER UPDATE OF title, description ON listings BEGIN
  INSERT INTO listings_fts (listings_fts, rowid, title, description) VALUES ('delete', old.id, old.title, old.description);
  INSERT INTO listings_fts (rowid, title, description) VALUES (new.id, new.title, new.description);
END;

-- Counters: a shop's active listings ...
CREATE TRIGGER listings_count_insert AFTER INSERT ON listings WHEN new.status = 'active' BEGIN
  UPDATE shops SET active_listings = active_listings + 1 WHERE id = new.shop_id;
END;
CREATE TRIGGER listings_count_update AFTER UPDATE OF status ON listings
  WHEN (old.status = 'active') <> (new.status = 'active') BEGIN
  UPDATE shops SET active_listings = active_listings + (CASE WHEN new.status = 'active' THEN 1 ELSE -1 END)
   WHERE id = new.shop_id;
END;
-- ... and a village's active shops, whenever a shop starts or stops counting.
CREATE TRIGGER shops_count_insert AFTER INSERT ON shops WHEN new.status = 'active' AND new.active_listings > 0 BEGIN
  UPDATE villages SET active_shops = active_shops + 1 WHERE id = new.village_id;
END;
CREATE TRIGGER shops_count_update AFTER UPDATE OF status, active_listings ON shops
  WHEN (old.status = 'active' AND old.active_listings > 0) <> (new.status = 'active' AND new.active_listings > 0) BEGIN
  UPDATE villages SET active_shops = active_shops + (CASE WHEN new.status = 'active' AND new.active_listings > 0
                                                          THEN 1 ELSE -1 END)
   WHERE id = new.village_id;
END;
