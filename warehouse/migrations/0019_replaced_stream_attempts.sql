-- A week's run replaced by a re-run of the same week keeps what it could not read: the DPO can still see that the
-- week was once audited partially, by which run, and which run replaced it.

CREATE TABLE audit.replaced_stream_status (
    as_of          DATE NOT NULL,
    run_id         VARCHAR NOT NULL,
    platform       VARCHAR NOT NULL,
    account_id     VARCHAR NOT NULL,
    account        VARCHAR,
    stream         VARCHAR NOT NULL,
    status         VARCHAR NOT NULL,
    reason         VARCHAR,
    n_items        INTEGER,
    recorded_at    TIMESTAMP NOT NULL,
    replaced_by    VARCHAR NOT NULL,
    replaced_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (as_of, run_id, platform, account_id, stream)
);
COMMENT ON TABLE audit.replaced_stream_status IS 'Append-only: the rows of audit.stream_status a later run of the same week replaced (only streams not read completely are kept).';
COMMENT ON COLUMN audit.replaced_stream_status.replaced_by IS 'The run (audit.runs) whose statuses replaced these.';
COMMENT ON COLUMN audit.replaced_stream_status.replaced_at IS 'When (UTC).';
