-- What retention deleted, run by run (counts only).
CREATE OR REPLACE VIEW dpo.purge_log AS
SELECT as_of, run_id, table_name, rule, cutoff, rows_deleted, purged_at FROM audit.purge_log;
COMMENT ON VIEW dpo.purge_log IS 'Every deletion made by retention: when, under which rule, from which table and how many rows.';
COMMENT ON COLUMN dpo.purge_log.as_of IS 'Audited week of the run that purged.';
COMMENT ON COLUMN dpo.purge_log.run_id IS 'The run (audit.runs).';
COMMENT ON COLUMN dpo.purge_log.table_name IS 'Table rows were deleted from.';
COMMENT ON COLUMN dpo.purge_log.rule IS 'The [retention] setting and value applied.';
COMMENT ON COLUMN dpo.purge_log.cutoff IS 'Rows older than this date were deleted.';
COMMENT ON COLUMN dpo.purge_log.rows_deleted IS 'How many rows.';
COMMENT ON COLUMN dpo.purge_log.purged_at IS 'When (UTC).';
