-- The warehouse's first shape: raw API payloads, the registers as loaded, the audit trail.
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS ref;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS marts;
CREATE SCHEMA IF NOT EXISTS audit;
CREATE SCHEMA IF NOT EXISTS dpo;

CREATE TABLE meta.sync_cursors (
    platform     VARCHAR NOT NULL,
    account_id   VARCHAR NOT NULL,
    stream       VARCHAR NOT NULL,
    cursor_value VARCHAR NOT NULL,
    as_of        DATE NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (platform, account_id, stream)
);
COMMENT ON TABLE meta.sync_cursors IS 'Where each incremental stream (X posts) resumes next run; written in the same transaction as the raw rows it covers.';

CREATE TABLE audit.runs (
    as_of        DATE PRIMARY KEY,
    run_id       VARCHAR NOT NULL,
    mode         VARCHAR NOT NULL,
    school_name  VARCHAR NOT NULL,
    started_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP NOT NULL,
    attempts     INTEGER NOT NULL,
    summary      JSON
);
COMMENT ON TABLE audit.runs IS 'One row per audited week (as_of date); re-running a week updates its row and counts the attempt.';

CREATE TABLE raw.snapshots (
    snapshot_id    VARCHAR PRIMARY KEY,
    platform       VARCHAR NOT NULL,
    account_id     VARCHAR NOT NULL,
    stream         VARCHAR NOT NULL,
    as_of          DATE NOT NULL,
    run_id         VARCHAR NOT NULL,
    fetched_at     TIMESTAMP NOT NULL,
    n_pages        INTEGER NOT NULL,
    n_items        INTEGER NOT NULL,
    content_sha256 VARCHAR NOT NULL,
    complete       BOOLEAN NOT NULL
);
COMMENT ON TABLE raw.snapshots IS 'One fetch of one API stream (followers, following, posts, videos, ...) for one official account; append-only.';

CREATE TABLE raw.api_pages (
    snapshot_id VARCHAR NOT NULL,
    page_no     INTEGER NOT NULL,
    request     JSON NOT NULL,
    payload     JSON NOT NULL,
    fetched_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (snapshot_id, page_no)
);
COMMENT ON TABLE raw.api_pages IS 'API response bodies exactly as received (one row per page), so any run can be re-derived; append-only.';

CREATE TABLE raw.media_files (
    media_ref    VARCHAR PRIMARY KEY,
    platform     VARCHAR NOT NULL,
    account_id   VARCHAR NOT NULL,
    url          VARCHAR NOT NULL,
    sha256       VARCHAR,
    n_bytes      BIGINT,
    width        INTEGER,
    height       INTEGER,
    phash        VARCHAR,
    dhash        VARCHAR,
    fetched_at   TIMESTAMP NOT NULL,
    error        VARCHAR
);
COMMENT ON TABLE raw.media_files IS 'Fingerprints of every published image (perceptual hashes); the image bytes themselves are never stored.';

CREATE TABLE ref.register_loads (
    load_id    VARCHAR PRIMARY KEY,
    loaded_at  TIMESTAMP NOT NULL,
    as_of      DATE NOT NULL,
    files      JSON NOT NULL
);
COMMENT ON TABLE ref.register_loads IS 'Each distinct version of the register CSVs loaded (sha256 per file); an unchanged register is not loaded twice.';

CREATE TABLE ref.pupils (
    load_id        VARCHAR NOT NULL,
    pupil_id       VARCHAR NOT NULL,
    forename       VARCHAR NOT NULL,
    surname        VARCHAR NOT NULL,
    preferred_name VARCHAR,
    date_of_birth  DATE NOT NULL,
    year_group     VARCHAR NOT NULL,
    status         VARCHAR NOT NULL,
    leaving_date   DATE,
    photo_consent  VARCHAR NOT NULL,
    known_handles  STRUCT(platform VARCHAR, handle VARCHAR)[],
    PRIMARY KEY (load_id, pupil_id)
);
COMMENT ON TABLE ref.pupils IS 'pupils.csv as loaded, one version per load_id (special care: children''s data).';

CREATE TABLE ref.staff (
    load_id          VARCHAR NOT NULL,
    staff_id         VARCHAR NOT NULL,
    forename         VARCHAR NOT NULL,
    surname          VARCHAR NOT NULL,
    preferred_name   VARCHAR,
    role             VARCHAR,
    personal_handles STRUCT(platform VARCHAR, handle VARCHAR)[],
    official_handles STRUCT(platform VARCHAR, handle VARCHAR)[],
    PRIMARY KEY (load_id, staff_id)
);
COMMENT ON TABLE ref.staff IS 'staff.csv as loaded, one version per load_id.';

CREATE TABLE ref.parents (
    load_id       VARCHAR NOT NULL,
    parent_id     VARCHAR NOT NULL,
    forename      VARCHAR,
    surname       VARCHAR NOT NULL,
    pupil_ids     VARCHAR[],
    known_handles STRUCT(platform VARCHAR, handle VARCHAR)[],
    PRIMARY KEY (load_id, parent_id)
);
COMMENT ON TABLE ref.parents IS 'parents.csv as loaded, one version per load_id.';

CREATE TABLE ref.approved_media (
    load_id         VARCHAR NOT NULL,
    approval_id     VARCHAR NOT NULL,
    file            VARCHAR,
    platform        VARCHAR NOT NULL,
    post_id         VARCHAR,
    approved_by     VARCHAR,
    approved_on     DATE,
    pupils_pictured VARCHAR[],
    file_sha256     VARCHAR,
    PRIMARY KEY (load_id, approval_id)
);
COMMENT ON TABLE ref.approved_media IS 'approved_media.csv as loaded; file_sha256 links an approval to its cached image hashes.';

CREATE TABLE ref.approved_media_hashes (
    file_sha256 VARCHAR PRIMARY KEY,
    phash       VARCHAR NOT NULL,
    dhash       VARCHAR NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    computed_at TIMESTAMP NOT NULL
);
COMMENT ON TABLE ref.approved_media_hashes IS 'Perceptual hashes of the approved image library, computed once per distinct file.';

CREATE TABLE audit.validation_results (
    as_of        DATE NOT NULL,
    suite        VARCHAR NOT NULL,
    run_id       VARCHAR NOT NULL,
    success      BOOLEAN NOT NULL,
    blocking     BOOLEAN NOT NULL,
    n_rows       INTEGER NOT NULL,
    results      JSON NOT NULL,
    validated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (as_of, suite)
);
COMMENT ON TABLE audit.validation_results IS 'great-expectations results for the registers and the raw data, per audited week and suite.';

CREATE TABLE audit.identities (
    as_of        DATE NOT NULL,
    platform     VARCHAR NOT NULL,
    account_id   VARCHAR NOT NULL,
    relation     VARCHAR NOT NULL,
    subject_id   VARCHAR NOT NULL,
    person_kind  VARCHAR NOT NULL,
    person_id    VARCHAR,
    confidence   DOUBLE NOT NULL,
    evidence     VARCHAR NOT NULL,
    PRIMARY KEY (as_of, platform, account_id, relation, subject_id)
);
COMMENT ON TABLE audit.identities IS 'Who each follower/following/subscriber/commenter was resolved to be, with confidence and evidence, per week.';

CREATE TABLE audit.findings (
    as_of         DATE NOT NULL,
    key           VARCHAR NOT NULL,
    rule          VARCHAR NOT NULL,
    severity      VARCHAR NOT NULL,
    platform      VARCHAR NOT NULL,
    account       VARCHAR NOT NULL,
    subject_kind  VARCHAR NOT NULL,
    subject_id    VARCHAR NOT NULL,
    subject_label VARCHAR,
    subject_url   VARCHAR,
    person_kind   VARCHAR,
    person_id     VARCHAR,
    confidence    DOUBLE NOT NULL,
    evidence      VARCHAR NOT NULL,
    evidence_sha256 VARCHAR NOT NULL,
    PRIMARY KEY (as_of, key)
);
COMMENT ON TABLE audit.findings IS 'What the policy rules found in each audited week, before lifecycle decisions.';

CREATE TABLE audit.exceptions (
    key           VARCHAR PRIMARY KEY,
    rule          VARCHAR NOT NULL,
    severity      VARCHAR NOT NULL,
    status        VARCHAR NOT NULL,
    platform      VARCHAR NOT NULL,
    account       VARCHAR NOT NULL,
    subject_kind  VARCHAR NOT NULL,
    subject_id    VARCHAR NOT NULL,
    subject_label VARCHAR,
    subject_url   VARCHAR,
    person_kind   VARCHAR,
    person_id     VARCHAR,
    confidence    DOUBLE NOT NULL,
    evidence      VARCHAR NOT NULL,
    evidence_sha256 VARCHAR NOT NULL,
    first_seen    DATE NOT NULL,
    last_seen     DATE NOT NULL,
    resolved_on   DATE,
    updated_at    TIMESTAMP NOT NULL
);
COMMENT ON TABLE audit.exceptions IS 'One row per exception key with its current lifecycle status.';

CREATE TABLE audit.exception_events (
    event_id  VARCHAR PRIMARY KEY,
    key       VARCHAR NOT NULL,
    as_of     DATE NOT NULL,
    event     VARCHAR NOT NULL,
    status    VARCHAR NOT NULL,
    actor     VARCHAR NOT NULL,
    note      VARCHAR,
    occurred_at TIMESTAMP NOT NULL
);
COMMENT ON TABLE audit.exception_events IS 'Append-only history of every exception: raised, seen again, reviewed, resolved, reopened, expired.';

CREATE TABLE meta.rules (
    rule        VARCHAR PRIMARY KEY,
    title       VARCHAR NOT NULL,
    policy      VARCHAR NOT NULL,
    what_counts VARCHAR NOT NULL
);
COMMENT ON TABLE meta.rules IS 'The policy rule catalogue as the running code defines it: id, title, policy clause, what counts as an exception.';
