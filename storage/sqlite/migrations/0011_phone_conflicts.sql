-- Phones in one form (core's normalize_phone: `+86 139-0013-9000` is `13900139000`). Right
-- after this migration migrate() rewrites every account's and villager's phone to its normal
-- form (storage/sql/phones.cpp: the rule is core's, not written again in SQL), except an
-- account whose normal form another account has, or would have too: those are never merged.
-- They keep their phone and are listed here until someone settles them by hand (gives the
-- account another phone and deletes its row); `cunji serve` warns at start while any is
-- listed, and no new account can register the listed normal form meanwhile.
CREATE TABLE phone_conflicts (
  account_id   INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  phone        TEXT    NOT NULL,  -- the account's phone, as it was stored
  normal_phone TEXT    NOT NULL,  -- its normal form, which another account has or shares
  found_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX phone_conflicts_by_normal_phone ON phone_conflicts (normal_phone);
