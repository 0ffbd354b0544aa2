-- A payout settles a partner's station cash both ways (core::split_partner_payout): the fees it
-- keeps back settle cash the partner holds, and cash the partner paid back after handing it in
-- (held below zero) is paid to it with the fees, as a settlement of a negative amount. That
-- settlement is a row of cash_handins with reference 'payout' and a negative amount_fen, which
-- this version's C++ step lets through the table's CHECK (only payouts write such rows; a
-- hand-in recorded by an admin is still at least 1 fen).
SELECT 1;
