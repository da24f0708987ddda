-- The retention policy in force, with what the latest run purged under each rule.
CREATE OR REPLACE VIEW dpo.retention_status AS
WITH latest AS (
    SELECT table_name, rule, sum(rows_deleted) AS rows_deleted, max(purged_at) AS purged_at
    FROM audit.purge_log
    GROUP BY table_name, rule
)
SELECT
    p.table_name, p.rule, p.keep_for, p.what, p.cutoff, p.as_of,
    coalesce(l.rows_deleted, 0) AS rows_purged_to_date,
    l.purged_at AS last_purged_at
FROM meta.retention_policy AS p
LEFT JOIN latest AS l ON l.table_name = p.table_name AND starts_with(l.rule, p.rule || '=');
COMMENT ON VIEW dpo.retention_status IS 'Each retention rule (school.toml [retention], or its default), the cutoff the latest run applied and rows purged so far.';
COMMENT ON COLUMN dpo.retention_status.table_name IS 'The warehouse table the rule applies to.';
COMMENT ON COLUMN dpo.retention_status.rule IS 'The [retention] setting name.';
COMMENT ON COLUMN dpo.retention_status.keep_for IS 'How long the data is kept, in words.';
COMMENT ON COLUMN dpo.retention_status.what IS 'Which rows the rule removes once they are older than the cutoff.';
COMMENT ON COLUMN dpo.retention_status.cutoff IS 'The cutoff date computed at the latest run.';
COMMENT ON COLUMN dpo.retention_status.as_of IS 'The audited week of the latest run.';
COMMENT ON COLUMN dpo.retention_status.rows_purged_to_date IS 'Rows deleted under this rule by all runs (audit.purge_log).';
COMMENT ON COLUMN dpo.retention_status.last_purged_at IS 'When (UTC) the rule last deleted something.';
