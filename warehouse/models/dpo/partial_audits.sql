-- What each week's runs could not read completely, and why (a partial audit is never a silent one): the run that
-- audits the week now, and every earlier run of the week that a re-run replaced.
CREATE OR REPLACE VIEW dpo.partial_audits AS
SELECT as_of, run_id, platform, account_id, account, stream, status, reason, n_items, recorded_at,
    FALSE AS replaced, CAST(NULL AS VARCHAR) AS replaced_by
FROM audit.stream_status
WHERE status <> 'complete'
UNION ALL
SELECT as_of, run_id, platform, account_id, account, stream, status, reason, n_items, recorded_at,
    TRUE AS replaced, replaced_by
FROM audit.replaced_stream_status;
COMMENT ON VIEW dpo.partial_audits IS 'Streams a weekly run could not read completely: exceptions depending on them were neither raised nor resolved that week. A run a later run of the week replaced is kept, marked replaced.';
COMMENT ON COLUMN dpo.partial_audits.as_of IS 'The audited week.';
COMMENT ON COLUMN dpo.partial_audits.run_id IS 'The run (audit.runs) that read the stream.';
COMMENT ON COLUMN dpo.partial_audits.platform IS '{{ platform_names }}, or media (image downloads).';
COMMENT ON COLUMN dpo.partial_audits.account_id IS 'Platform id of the official account.';
COMMENT ON COLUMN dpo.partial_audits.account IS 'The official account''s handle as configured in school.toml.';
COMMENT ON COLUMN dpo.partial_audits.stream IS '{{ platform_streams }}; media: downloads (images of posts and videos).';
COMMENT ON COLUMN dpo.partial_audits.status IS 'capped (stopped at the page limit: nothing resolved), failed, or skipped (needs a failed stream).';
COMMENT ON COLUMN dpo.partial_audits.reason IS 'Why, in one line (no personal data).';
COMMENT ON COLUMN dpo.partial_audits.n_items IS 'Objects read (for media: images that could not be downloaded).';
COMMENT ON COLUMN dpo.partial_audits.recorded_at IS 'When (UTC).';
COMMENT ON COLUMN dpo.partial_audits.replaced IS 'True for a run a later run of the week replaced; false for the one the report comes from.';
COMMENT ON COLUMN dpo.partial_audits.replaced_by IS 'The run (audit.runs) that replaced it, or null.';
