-- Cash at the station: what partners bring in to the platform (hand-ins an admin records), and
-- what a payout keeps back of a partner's fees to settle the cash it still holds (reference
-- 'payout', recorded by nobody). Ledger entries gain the hand-in they are about; the entry
-- kinds 'handin' and 'settlement' are added to the CHECK by this version's C++ step.
CREATE TABLE cash_handins (
  id          INTEGER PRIMARY KEY,
  partner_id  INTEGER NOT NULL REFERENCES accounts (id),
  amount_fen  INTEGER NOT NULL CHECK (amount_fen > 0),
  reference   TEXT,
  recorded_by INTEGER REFERENCES accounts (id),
  created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX cash_handins_by_partner ON cash_handins (partner_id, id);
ALTER TABLE ledger_entries ADD COLUMN handin_id INTEGER REFERENCES cash_handins (id);

-- Villager search: a prefix of the name or of the phone, within the partner's village.
CREATE INDEX villagers_by_name ON villagers (village_id, name);
CREATE INDEX villagers_by_phone ON villagers (village_id, phone) WHERE phone IS NOT NULL;
