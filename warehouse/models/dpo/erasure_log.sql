-- Erasure requests carried out (socialaudit erase), without the erased data.
CREATE OR REPLACE VIEW dpo.erasure_log AS
SELECT erasure_id, performed_at, performed_by, reason, selector_kind, selector_sha256, counts FROM audit.erasures;
COMMENT ON VIEW dpo.erasure_log IS 'Every erasure carried out with socialaudit erase: who, when, why and how many rows per table; the erased data is not kept.';
COMMENT ON COLUMN dpo.erasure_log.erasure_id IS 'Unique id of the erasure.';
COMMENT ON COLUMN dpo.erasure_log.performed_at IS 'When (UTC).';
COMMENT ON COLUMN dpo.erasure_log.performed_by IS 'Who ran it.';
COMMENT ON COLUMN dpo.erasure_log.reason IS 'The request or case reference.';
COMMENT ON COLUMN dpo.erasure_log.selector_kind IS 'handle, platform-id or person.';
COMMENT ON COLUMN dpo.erasure_log.selector_sha256 IS 'Keyed hash (HMAC-SHA256, the warehouse''s secret) of the selector, to match a repeated request without letting a guess be confirmed.';
COMMENT ON COLUMN dpo.erasure_log.counts IS 'Every place the erasure cleaned, with counts, and the copies it cannot reach (JSON).';
