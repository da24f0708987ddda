-- Where each fetch came from (the API, or an X archive a school imported), why an exception was resolved, and
-- which version of a published image a fingerprint was taken from (a YouTube thumbnail replaced in place).

ALTER TABLE raw.snapshots ADD COLUMN source VARCHAR DEFAULT 'api';
UPDATE raw.snapshots SET source = 'api' WHERE source IS NULL;
COMMENT ON COLUMN raw.snapshots.source IS 'api (fetched by a run) or archive (posts imported from the X account archive by socialaudit import-x-archive).';

ALTER TABLE audit.exceptions ADD COLUMN resolved_reason VARCHAR;
COMMENT ON COLUMN audit.exceptions.resolved_reason IS 'Why a resolved exception was resolved: deleted (X says the post no longer exists), gone (its subject is no longer found), or NULL while not resolved.';

ALTER TABLE raw.media_files ADD COLUMN version VARCHAR;
COMMENT ON COLUMN raw.media_files.version IS 'What the platform showed of the image when it was fingerprinted (URL and declared size); a different version is fingerprinted again.';
