-- Per village, UTC month and shop: whether the shop sold that month, for the monthly reports'
-- active shops and a village's poverty-relief GMV per month (storage/sql/monthly.cpp). Kept by
-- triggers on sales_daily (migration 0004), so it follows the same counting rule; a row exists
-- only while the shop has a sales_daily row (a counting order) on some day of the month.
--
-- month: months since 1970-01 of the sales_daily day (core/months.hpp's month_number).
-- days: the shop's sales_daily rows in the month (per day and poverty-relief snapshot).
-- poverty_relief_gmv_fen: the GMV of its counting poverty-relief orders of the month.
--
-- Reads: a month's active shops of a village are one range of the primary key, of a county one
-- range of shop_months_by_county, one index entry per shop that sold (a county of 2,000 shops
-- over 13 months: at most 26,000 entries, a few milliseconds).
CREATE TABLE shop_months (
  village_id             INTEGER NOT NULL,
  month                  INTEGER NOT NULL,
  shop_id                INTEGER NOT NULL,
  county_id              INTEGER NOT NULL,
  days                   INTEGER NOT NULL,
  poverty_relief_gmv_fen INTEGER NOT NULL,
  PRIMARY KEY (village_id, month, shop_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX shop_months_by_county ON shop_months (county_id, month, shop_id);

CREATE TRIGGER sales_daily_months_insert AFTER INSERT ON sales_daily BEGIN
  INSERT INTO shop_months (village_id, month, shop_id, county_id, days, poverty_relief_gmv_fen)
    VALUES (new.village_id,
            (CAST(strftime('%Y', new.day * 86400, 'unixepoch') AS INTEGER) - 1970) * 12
              + CAST(strftime('%m', new.day * 86400, 'unixepoch') AS INTEGER) - 1,
            new.shop_id, new.county_id, 1, new.poverty_relief * new.gmv_fen)
    ON CONFLICT DO UPDATE SET days = days + 1,
                              poverty_relief_gmv_fen = poverty_relief_gmv_fen + excluded.poverty_relief_gmv_fen;
END;

CREATE TRIGGER sales_daily_months_update AFTER UPDATE OF gmv_fen ON sales_daily
  WHEN new.poverty_relief = 1 AND new.gmv_fen IS NOT old.gmv_fen BEGIN
  UPDATE shop_months SET poverty_relief_gmv_fen = poverty_relief_gmv_fen + new.gmv_fen - old.gmv_fen
   WHERE village_id = new.village_id AND shop_id = new.shop_id
     AND month = (CAST(strftime('%Y', new.day * 86400, 'unixepoch') AS INTEGER) - 1970) * 12
                 + CAST(strftime('%m', new.day * 86400, 'unixepoch') AS INTEGER) - 1;
END;

CREATE TRIGGER sales_daily_months_delete AFTER DELETE ON sales_daily BEGIN
  UPDATE shop_months SET days = days - 1, poverty_relief_gmv_fen = poverty_relief_gmv_fen - old.poverty_relief * old.gmv_fen
   WHERE village_id = old.village_id AND shop_id = old.shop_id
     AND month = (CAST(strftime('%Y', old.day * 86400, 'unixepoch') AS INTEGER) - 1970) * 12
                 + CAST(strftime('%m', old.day * 86400, 'unixepoch') AS INTEGER) - 1;
  DELETE FROM shop_months
   WHERE village_id = old.village_id AND shop_id = old.shop_id AND days = 0
     AND month = (CAST(strftime('%Y', old.day * 86400, 'unixepoch') AS INTEGER) - 1970) * 12
                 + CAST(strftime('%m', old.day * 86400, 'unixepoch') AS INTEGER) - 1;
END;

-- Sales before this migration.
INSERT INTO shop_months (village_id, month, shop_id, county_id, days, poverty_relief_gmv_fen)
  SELECT village_id,
         (CAST(strftime('%Y', day * 86400, 'unixepoch') AS INTEGER) - 1970) * 12
           + CAST(strftime('%m', day * 86400, 'unixepoch') AS INTEGER) - 1 AS m,
         shop_id, min(county_id), count(*), sum(poverty_relief * gmv_fen)
    FROM sales_daily GROUP BY village_id, m, shop_id;
