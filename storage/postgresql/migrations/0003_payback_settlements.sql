-- A payout settles a partner's station cash both ways (core::split_partner_payout): the fees it
-- keeps back settle cash the partner holds, and cash the partner paid back after handing it in
-- (held below zero) is paid to it with the fees, as a settlement of a negative amount: a row of
-- cash_handins with reference 'payout' and a negative amount_fen. Only payouts write such rows;
-- a hand-in recorded by an admin is still at least 1 fen.
ALTER TABLE cash_handins DROP CONSTRAINT cash_handins_amount_fen_check;
ALTER TABLE cash_handins ADD CONSTRAINT cash_handins_amount_fen_check
  CHECK (amount_fen > 0 OR (amount_fen < 0 AND reference = 'payout'));
