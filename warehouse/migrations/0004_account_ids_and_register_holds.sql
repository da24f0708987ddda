-- Exception keys on the official account's platform id (a renamed handle must not lose decisions); how each
-- register version was read; register versions held until a person confirms them; per-run register notices.

ALTER TABLE audit.exceptions ADD COLUMN account_id VARCHAR;
ALTER TABLE audit.findings ADD COLUMN account_id VARCHAR;
COMMENT ON COLUMN audit.exceptions.account_id IS 'Platform id of the official account (X user id, YouTube channel id); part of the key.';
COMMENT ON COLUMN audit.findings.account_id IS 'Platform id of the official account (X user id, YouTube channel id); part of the key.';

-- Until now keys and `account` carried the handle from school.toml. The raw account payloads say which
-- platform id each handle belonged to: X `users/me` (data.username), YouTube channels (snippet.customUrl).
CREATE TEMP TABLE account_handles AS
SELECT DISTINCT s.platform, lower(ltrim(json_extract_string(p.payload, '$.data.username'), '@')) AS label, s.account_id
FROM raw.snapshots AS s JOIN raw.api_pages AS p USING (snapshot_id)
WHERE s.platform = 'x' AND s.stream = 'account' AND json_extract_string(p.payload, '$.data.username') IS NOT NULL
UNION
SELECT DISTINCT s.platform, lower(json_extract_string(c, '$.snippet.customUrl')) AS label, s.account_id
FROM raw.snapshots AS s JOIN raw.api_pages AS p USING (snapshot_id),
LATERAL (SELECT unnest(json_extract(p.payload, '$.items[*]')) AS c)
WHERE s.platform = 'youtube' AND s.stream = 'channel' AND json_extract_string(c, '$.snippet.customUrl') IS NOT NULL
UNION
SELECT DISTINCT platform, lower(account_id) AS label, account_id FROM raw.snapshots;

UPDATE audit.exceptions SET account_id = h.account_id
FROM account_handles AS h
WHERE h.platform = audit.exceptions.platform AND h.label = lower(ltrim(audit.exceptions.account, '@'));
UPDATE audit.findings SET account_id = h.account_id
FROM account_handles AS h
WHERE h.platform = audit.findings.platform AND h.label = lower(ltrim(audit.findings.account, '@'));

CREATE TEMP TABLE rekeyed AS
SELECT key AS old_key, rule || ':' || platform || ':' || account_id || ':' || subject_kind || ':' || subject_id AS new_key
FROM audit.exceptions
WHERE account_id IS NOT NULL;

UPDATE audit.exception_events SET key = r.new_key FROM rekeyed AS r WHERE audit.exception_events.key = r.old_key;
UPDATE audit.reviews SET key = r.new_key FROM rekeyed AS r WHERE audit.reviews.key = r.old_key;
UPDATE audit.exceptions SET key = r.new_key FROM rekeyed AS r WHERE audit.exceptions.key = r.old_key;
UPDATE audit.findings
SET key = rule || ':' || platform || ':' || account_id || ':' || subject_kind || ':' || subject_id
WHERE account_id IS NOT NULL;

DROP TABLE rekeyed;
DROP TABLE account_handles;

ALTER TABLE ref.register_loads ADD COLUMN reading JSON;
COMMENT ON COLUMN ref.register_loads.reading IS 'How each file was read: encoding, delimiter, line endings, date forms, header mapping, ignored columns (JSON).';

CREATE TABLE ref.register_holds (
    register      VARCHAR NOT NULL,
    file_sha256   VARCHAR NOT NULL,
    first_held_on DATE NOT NULL,
    reasons       JSON NOT NULL,
    accepted_by   VARCHAR,
    accepted_at   TIMESTAMP,
    note          VARCHAR,
    PRIMARY KEY (register, file_sha256)
);
COMMENT ON TABLE ref.register_holds IS 'Register versions held back because they lost many people without marking them as leavers, or carry mangled names; the version before stays in force until a person accepts (socialaudit registers accept).';
COMMENT ON COLUMN ref.register_holds.register IS 'pupils | staff | parents.';
COMMENT ON COLUMN ref.register_holds.file_sha256 IS 'sha256 of the held file.';
COMMENT ON COLUMN ref.register_holds.first_held_on IS 'The audited week that first held it.';
COMMENT ON COLUMN ref.register_holds.reasons IS 'Why it was held (counts and register ids only, no names; JSON list of sentences).';
COMMENT ON COLUMN ref.register_holds.accepted_by IS 'Who confirmed the change (then the next run uses the file).';
COMMENT ON COLUMN ref.register_holds.accepted_at IS 'When (UTC) it was confirmed.';
COMMENT ON COLUMN ref.register_holds.note IS 'Why the change was confirmed.';

CREATE TABLE audit.register_notices (
    as_of    DATE NOT NULL,
    run_id   VARCHAR NOT NULL,
    kind     VARCHAR NOT NULL,
    file     VARCHAR NOT NULL,
    line     INTEGER,
    "column" VARCHAR,
    message  VARCHAR NOT NULL,
    CHECK (kind IN ('warning', 'held'))
);
COMMENT ON TABLE audit.register_notices IS 'What the week''s run said about the registers: warnings (usable but doubtful entries) and held versions; shown in the report''s Registers section.';
COMMENT ON COLUMN audit.register_notices.as_of IS 'The audited week.';
COMMENT ON COLUMN audit.register_notices.run_id IS 'The run that recorded it.';
COMMENT ON COLUMN audit.register_notices.kind IS 'warning | held.';
COMMENT ON COLUMN audit.register_notices.file IS 'The register file (pupils.csv, ...).';
COMMENT ON COLUMN audit.register_notices.line IS 'The line as a spreadsheet counts it (header = 1), if about one row.';
COMMENT ON COLUMN audit.register_notices."column" IS 'The column as written in the file, if about one column.';
COMMENT ON COLUMN audit.register_notices.message IS 'What is doubtful and what to do; names register ids, never a person''s name.';

-- Nursery pupils are in the contract now (registers as exported, DESIGN.md §5.2).
COMMENT ON COLUMN ref.pupils.year_group IS 'N1, N2, R, 1..13 (for a leaver, the year at leaving); written as the school''s export writes it (Reception, Year 5, Y5) and normalised to these codes.';
