-- Review decisions on exceptions: every acknowledgement, acceptance, false positive and reopening, who and why.
CREATE TABLE audit.reviews (
    review_id       VARCHAR PRIMARY KEY,
    key             VARCHAR NOT NULL,
    decision        VARCHAR NOT NULL,
    status_before   VARCHAR NOT NULL,
    status_after    VARCHAR NOT NULL,
    reviewer        VARCHAR NOT NULL,
    note            VARCHAR NOT NULL,
    accepted_until  DATE,
    evidence_sha256 VARCHAR NOT NULL,
    as_of           DATE NOT NULL,
    source          VARCHAR NOT NULL,
    reviewed_at     TIMESTAMP NOT NULL,
    event_id        VARCHAR NOT NULL,
    CHECK (decision IN ('acknowledge', 'accept', 'false-positive', 'reopen')),
    CHECK (decision <> 'accept' OR accepted_until IS NOT NULL)
);
COMMENT ON TABLE audit.reviews IS 'Append-only record of every review decision on an exception (acknowledge, accept until a date, false positive, reopen): who, when, why, and the evidence it was made on.';
COMMENT ON COLUMN audit.reviews.key IS 'The exception key (audit.exceptions.key).';
COMMENT ON COLUMN audit.reviews.decision IS 'acknowledge | accept | false-positive | reopen.';
COMMENT ON COLUMN audit.reviews.reviewer IS 'Who decided (name as given to the CLI or the review app).';
COMMENT ON COLUMN audit.reviews.note IS 'Why: the reason for an acceptance, the judgement behind a false positive.';
COMMENT ON COLUMN audit.reviews.accepted_until IS 'For accept: the last day the acceptance holds; the first weekly run after it reopens the exception.';
COMMENT ON COLUMN audit.reviews.evidence_sha256 IS 'sha256 of the evidence the decision was made on; a false positive reopens when the evidence changes.';
COMMENT ON COLUMN audit.reviews.as_of IS 'The audited week (audit.runs.as_of) whose results the reviewer was looking at.';
COMMENT ON COLUMN audit.reviews.source IS 'cli | review-app.';
COMMENT ON COLUMN audit.reviews.event_id IS 'The reviewed event this decision wrote to audit.exception_events.';
