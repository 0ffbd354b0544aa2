-- Listing photos (docs/adr/0008-photos-in-the-database.md). Each upload becomes two JPEG
-- renditions, kept as BLOBs named by the SHA-256 of their bytes: identical uploads share one
-- row, a name's bytes never change, and a backup of the database carries them.
CREATE TABLE photo_files (
  id    INTEGER PRIMARY KEY,
  name  TEXT    NOT NULL UNIQUE,  -- 64 lowercase hex digits of SHA-256, then ".jpg"
  bytes BLOB    NOT NULL
) STRICT;

-- A listing's photos in upload order (position), at most 6 (checked when adding). A file
-- stays while a row names it; the last row naming it takes it along when deleted.
CREATE TABLE listing_photos (
  id         INTEGER PRIMARY KEY,
  listing_id INTEGER NOT NULL REFERENCES listings (id),
  position   INTEGER NOT NULL,
  small_name TEXT    NOT NULL REFERENCES photo_files (name),
  large_name TEXT    NOT NULL REFERENCES photo_files (name),
  width      INTEGER NOT NULL CHECK (width > 0),   -- of the large rendition
  height     INTEGER NOT NULL CHECK (height > 0),
  created_at INTEGER NOT NULL,
  UNIQUE (listing_id, position)
) STRICT;
CREATE INDEX listing_photos_by_small ON listing_photos (small_name);
CREATE INDEX listing_photos_by_large ON listing_photos (large_name);
