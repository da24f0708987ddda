-- What each weekly run could and could not read, per official account and stream, so a partial audit is never a
-- silent one: the DPO can ask which weeks left what unexamined, and why.

CREATE TABLE audit.stream_status (
    as_of       DATE NOT NULL,
    run_id      VARCHAR NOT NULL,
    platform    VARCHAR NOT NULL,
    account_id  VARCHAR NOT NULL,
    account     VARCHAR,
    stream      VARCHAR NOT NULL,
    status      VARCHAR NOT NULL,
    reason      VARCHAR,
    n_items     INTEGER,
    recorded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (as_of, platform, account_id, stream)
);
COMMENT ON TABLE audit.stream_status IS 'Per audited week (latest run of it), each stream of each official account: complete, capped (paging stopped at the configured limit), failed or skipped (needs a stream that failed). Exceptions depending on a failed or skipped stream were neither raised nor resolved that week.';
COMMENT ON COLUMN audit.stream_status.account IS 'The official account''s handle as configured in school.toml.';
COMMENT ON COLUMN audit.stream_status.stream IS 'x: account, followers, following, posts; youtube: channel, uploads, videos, subscribers, comments; media: downloads (images of posts and videos).';
COMMENT ON COLUMN audit.stream_status.status IS 'complete | capped | failed | skipped';
COMMENT ON COLUMN audit.stream_status.reason IS 'Why the stream was not read completely, in one line (no personal data).';
COMMENT ON COLUMN audit.stream_status.n_items IS 'Objects read (for media: images that could not be downloaded).';
