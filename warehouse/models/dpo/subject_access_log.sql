-- Subject access requests answered (socialaudit sar), without the data exported.
CREATE OR REPLACE VIEW dpo.subject_access_log AS
SELECT request_id, performed_at, performed_by, reason, selector_kind, selector_hmac, export_folder, counts
FROM audit.subject_access_requests;
COMMENT ON VIEW dpo.subject_access_log IS 'Every subject access export made with socialaudit sar; never the data.';
COMMENT ON COLUMN dpo.subject_access_log.request_id IS 'Unique id of the request.';
COMMENT ON COLUMN dpo.subject_access_log.performed_at IS 'When (UTC) the export was written.';
COMMENT ON COLUMN dpo.subject_access_log.performed_by IS 'Who ran it (--by, else the operating-system user).';
COMMENT ON COLUMN dpo.subject_access_log.reason IS 'The request or case reference (--reason).';
COMMENT ON COLUMN dpo.subject_access_log.selector_kind IS 'handle, platform-id or person.';
COMMENT ON COLUMN dpo.subject_access_log.selector_hmac IS 'Keyed hash (HMAC-SHA256, the warehouse''s secret) of the selector: matches a repeated request, confirms no guess.';
COMMENT ON COLUMN dpo.subject_access_log.export_folder IS 'The folder the export was written to (socialaudit doctor checks it is owner-only).';
COMMENT ON COLUMN dpo.subject_access_log.counts IS 'Records exported per section (JSON).';
