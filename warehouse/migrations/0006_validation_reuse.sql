-- A raw suite's outcome depends only on the rows it read and on the suite itself, so an unchanged stream
-- (a follower list nobody joined or left) need not be validated again: the run copies last week's result
-- and says so.

ALTER TABLE audit.validation_results ADD COLUMN content_sha256 VARCHAR;
ALTER TABLE audit.validation_results ADD COLUMN reused_from DATE;
COMMENT ON COLUMN audit.validation_results.content_sha256 IS 'Raw suites: hash of the rows validated and of the suite definition; equal hashes give equal outcomes.';
COMMENT ON COLUMN audit.validation_results.reused_from IS 'Set when the rows were unchanged and the outcome was copied from the validation of that week instead of run again.';
