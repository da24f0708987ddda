-- What retention deleted, run by run (counts only).
CREATE OR REPLACE VIEW dpo.purge_log AS
SELECT as_of, run_id, table_name, rule, cutoff, rows_deleted, purged_at FROM audit.purge_log;
COMMENT ON VIEW dpo.purge_log IS 'Every deletion retention made.';
COMMENT ON COLUMN dpo.purge_log.as_of IS 'The audited week of that run.';
COMMENT ON COLUMN dpo.purge_log.run_id IS 'The weekly run that enforced it (audit.runs.run_id).';
COMMENT ON COLUMN dpo.purge_log.table_name IS 'The warehouse table rows were deleted from.';
COMMENT ON COLUMN dpo.purge_log.rule IS 'The [retention] setting applied, e.g. raw_pages_weeks=8.';
COMMENT ON COLUMN dpo.purge_log.cutoff IS 'Rows older than this date were deleted.';
COMMENT ON COLUMN dpo.purge_log.rows_deleted IS 'How many rows were deleted.';
COMMENT ON COLUMN dpo.purge_log.purged_at IS 'When (UTC) committed with the run.';
