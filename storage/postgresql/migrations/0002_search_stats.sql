-- bm25's collection statistics, kept as the listings change, so that a relevance search does
-- not count every listing and add up their lengths (storage/postgresql/sql/listing_search.cpp):
-- the number of listings and their total length in search positions (search_length), and a
-- generation that every change of a listing's search text moves on. A server keeps its
-- relevance rankings under the generation it read: the same generation in a later snapshot
-- means the same text, so the same ranking, whichever server wrote in between. One row,
-- written by every listing insert and text edit: those writes are rare beside orders, which
-- never touch it (stock, status and prices are not search text).
CREATE TABLE search_stats (
  id         smallint PRIMARY KEY CHECK (id = 1),
  listings   bigint   NOT NULL,
  positions  bigint   NOT NULL,
  generation bigint   NOT NULL
);
INSERT INTO search_stats (id, listings, positions, generation)
  SELECT 1, count(*), coalesce(sum(search_length), 0), 1 FROM listings;

CREATE FUNCTION search_stats_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE search_stats SET listings = listings + 1, positions = positions + NEW.search_length,
                            generation = generation + 1;
  ELSIF TG_OP = 'UPDATE' THEN
    UPDATE search_stats SET positions = positions - OLD.search_length + NEW.search_length,
                            generation = generation + 1;
  ELSE
    UPDATE search_stats SET listings = listings - 1, positions = positions - OLD.search_length,
                            generation = generation + 1;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER search_stats_insert AFTER INSERT ON listings
  FOR EACH ROW EXECUTE FUNCTION search_stats_keep();
CREATE TRIGGER search_stats_update AFTER UPDATE OF search_vector ON listings
  FOR EACH ROW WHEN (OLD.search_vector IS DISTINCT FROM NEW.search_vector) EXECUTE FUNCTION search_stats_keep();
CREATE TRIGGER search_stats_delete AFTER DELETE ON listings
  FOR EACH ROW EXECUTE FUNCTION search_stats_keep();
