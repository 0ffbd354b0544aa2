-- Relevance postings: for each distinct token of a listing's title and description, the two
-- numbers its bm25 score for a one-token search takes (storage/search/postings.hpp), so that
-- such a search reads its best matches first instead of scoring every match in the FTS index
-- (storage/search/impact_ranking.hpp). Kept in step with listings_fts by triggers, in the same
-- transaction as every listing change; cunji_postings(title, description) is the project's
-- table-valued function that tokenizes the way the "cunji" tokenizer does.

CREATE TABLE search_postings (
  token      TEXT    NOT NULL,
  listing_id INTEGER NOT NULL,
  tf         INTEGER NOT NULL,  -- 10 for each instance in the title, 1 for each in the description
  len        INTEGER NOT NULL,  -- the listing's length in tokens (FTS5's column sizes, summed)
  -- A word's longest prefix (bytes) in common with another word of the listing, else 0: a
  -- prefix search matches more than one word of the listing when this is at least its length.
  shared     INTEGER NOT NULL,
  PRIMARY KEY (token, listing_id)
) STRICT, WITHOUT ROWID;

-- The number of listings with each token (bm25's idf).
CREATE TABLE search_terms (
  token    TEXT    NOT NULL PRIMARY KEY,
  listings INTEGER NOT NULL CHECK (listings > 0)
) STRICT, WITHOUT ROWID;

INSERT INTO search_postings (token, listing_id, tf, len, shared)
  SELECT p.token, l.id, p.tf, p.len, p.shared FROM listings l, cunji_postings(l.title, l.description) p
   ORDER BY p.token, l.id;
INSERT INTO search_terms (token, listings) SELECT token, count(*) FROM search_postings GROUP BY token;

-- A token's postings best first: for one tf, a shorter listing scores higher.
CREATE INDEX search_postings_by_impact ON search_postings (token, tf DESC, len, listing_id);
-- The postings of words sharing a prefix with another word of their listing, with what a
-- search for that prefix adds up (a covering index: no lookup into the table per row).
CREATE INDEX search_postings_shared ON search_postings (token, shared, tf, len) WHERE shared > 0;

CREATE TRIGGER search_postings_insert AFTER INSERT ON listings BEGIN
  INSERT INTO search_postings (token, listing_id, tf, len, shared)
    SELECT token, new.id, tf, len, shared FROM cunji_postings(new.title, new.description);
  INSERT INTO search_terms (token, listings)
    SELECT token, 1 FROM cunji_postings(new.title, new.description) WHERE true
    ON CONFLICT (token) DO UPDATE SET listings = listings + 1;
END;

-- The same columns as listings_fts_update: the old text's postings out, the new text's in.
CREATE TRIGGER search_postings_update AFTER UPDATE OF title, description ON listings BEGIN
  DELETE FROM search_postings
   WHERE listing_id = old.id AND token IN (SELECT token FROM cunji_postings(old.title, old.description));
  INSERT INTO search_terms (token, listings)
    SELECT token, 1 FROM cunji_postings(new.title, new.description) WHERE true
    ON CONFLICT (token) DO UPDATE SET listings = listings + 1;
  -- The new text's tokens were counted first, so a count of 1 is a token of the old text alone.
  DELETE FROM search_terms
   WHERE token IN (SELECT token FROM cunji_postings(old.title, old.description)) AND listings = 1;
  UPDATE search_terms SET listings = listings - 1
   WHERE token IN (SELECT token FROM cunji_postings(old.title, old.description));
  INSERT INTO search_postings (token, listing_id, tf, len, shared)
    SELECT token, new.id, tf, len, shared FROM cunji_postings(new.title, new.description);
END;
