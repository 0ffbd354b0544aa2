-- Sending the refunds owed (table refunds of 0009) through the provider: each pending refund is
-- tried when due; a failed try counts in `attempts` and puts the next one off (backoff). A
-- refund the provider confirms becomes 'succeeded' with a ledger entry of kind 'refund_sent',
-- which this version's C++ step adds to the CHECK of ledger_entries.
ALTER TABLE refunds ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0);
ALTER TABLE refunds ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0;
-- The sender's queue: pending refunds by when they are due.
CREATE INDEX refunds_due ON refunds (next_attempt_at, id) WHERE status = 'pending';
