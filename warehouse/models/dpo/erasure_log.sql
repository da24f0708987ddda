-- Erasure requests carried out (socialaudit erase), without the erased data.
CREATE OR REPLACE VIEW dpo.erasure_log AS
SELECT erasure_id, performed_at, performed_by, reason, selector_kind, selector_sha256, counts FROM audit.erasures;
COMMENT ON VIEW dpo.erasure_log IS 'Every erasure carried out with socialaudit erase: who, when, why and how many rows per table; the erased data is not kept.';
COMMENT ON COLUMN dpo.erasure_log.erasure_id IS 'Unique id of this erasure.';
COMMENT ON COLUMN dpo.erasure_log.performed_at IS 'When (UTC) the erasure was committed.';
COMMENT ON COLUMN dpo.erasure_log.performed_by IS 'Who ran it (the --by argument, e.g. the DPO''s name).';
COMMENT ON COLUMN dpo.erasure_log.reason IS 'The request it answers (the --reason argument, e.g. a case reference).';
COMMENT ON COLUMN dpo.erasure_log.selector_kind IS 'How the person was named: handle, platform-id or person.';
COMMENT ON COLUMN dpo.erasure_log.selector_sha256 IS 'HMAC-SHA256 of the normalised selector keyed with the warehouse''s secret (meta.warehouse_secret), so a repeat request can be matched without keeping the value and a guessed handle cannot be confirmed; "withdrawn: unsalted" for erasures recorded before migration 9.';
COMMENT ON COLUMN dpo.erasure_log.counts IS 'Every place the erasure cleaned, with counts: rows deleted or rewritten per table, text redacted, the warehouse file rewritten, the read-only copy and the outputs published again, run logs; and the copies the product cannot reach (JSON).';
