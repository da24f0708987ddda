-- Erasure requests carried out (socialaudit erase), without the erased data.
CREATE OR REPLACE VIEW dpo.erasure_log AS
SELECT erasure_id, performed_at, performed_by, reason, selector_kind, selector_sha256, counts,
    storage_rewritten_at
FROM audit.erasures;
COMMENT ON VIEW dpo.erasure_log IS 'Every erasure made with socialaudit erase; never the erased data.';
COMMENT ON COLUMN dpo.erasure_log.erasure_id IS 'Unique id of this erasure.';
COMMENT ON COLUMN dpo.erasure_log.performed_at IS 'When (UTC) it was committed.';
COMMENT ON COLUMN dpo.erasure_log.performed_by IS 'Who ran it (--by, e.g. the DPO''s name).';
COMMENT ON COLUMN dpo.erasure_log.reason IS 'The request it answers (--reason, e.g. a case reference).';
COMMENT ON COLUMN dpo.erasure_log.selector_kind IS 'handle, platform-id or person.';
COMMENT ON COLUMN dpo.erasure_log.selector_sha256 IS 'Keyed hash (HMAC-SHA256, meta.warehouse_secret) of the selector: matches a repeated request, confirms no guessed handle; "withdrawn: unsalted" for erasures before migration 9.';
COMMENT ON COLUMN dpo.erasure_log.counts IS 'Every place cleaned, with counts: rows deleted or rewritten per table, text redacted, the warehouse file rewritten, the read-only copy and outputs published again, run logs; and the copies the product cannot reach.';
COMMENT ON COLUMN dpo.erasure_log.storage_rewritten_at IS 'When (UTC) the storage was rewritten after it, so no freed space keeps the erased rows; empty while owed: the next run or erasure does it.';
