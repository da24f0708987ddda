-- Only the right people see and decide (issue 26): who read, decided, exported or queried what, when and from
-- where; a closing decision on a safeguarding-critical exception waiting for a second person; the longest an
-- acceptance may last; and the operating-system user beside a name given on the command line.

CREATE TABLE audit.access_log (
    access_id   VARCHAR PRIMARY KEY,
    accessed_at TIMESTAMP NOT NULL,
    identity    VARCHAR NOT NULL,
    os_user     VARCHAR,
    via         VARCHAR NOT NULL,
    origin      VARCHAR NOT NULL,
    action      VARCHAR NOT NULL,
    object      VARCHAR,
    detail      VARCHAR
);
COMMENT ON TABLE audit.access_log IS 'Every view of an exception (list or detail), decision, subject access export, erasure, sql query and export: who, when, from where, what. Kept under [retention] access_log_months.';
COMMENT ON COLUMN audit.access_log.access_id IS 'Unique id of the entry.';
COMMENT ON COLUMN audit.access_log.accessed_at IS 'When (UTC).';
COMMENT ON COLUMN audit.access_log.identity IS 'Who: the signed-in identity in the review app (the identity provider''s e-mail claim, or local:NAME for a local account); on the command line the --by name, else the operating-system user.';
COMMENT ON COLUMN audit.access_log.os_user IS 'The operating-system user that ran the command (the real uid, not $USER); none for the review app.';
COMMENT ON COLUMN audit.access_log.via IS 'review-app or cli.';
COMMENT ON COLUMN audit.access_log.origin IS 'From where: the client address the review app saw (after a trusted reverse proxy), or cli@HOSTNAME.';
COMMENT ON COLUMN audit.access_log.action IS 'list (a list of exceptions shown), view (one exception and its evidence), decide, decide-refused, proposal (a closing decision on a critical exception awaiting a second person), denied (a page or decision refused for the role), access-log (the DPO read this log), sar, erase, sql, export (exceptions list), registers-accept.';
COMMENT ON COLUMN audit.access_log.object IS 'What: the exception key, the list''s filters, the subject access request or erasure id, the query text.';
COMMENT ON COLUMN audit.access_log.detail IS 'The decision, the number of rows shown or returned, or why it was refused.';

-- A closing decision (accept, false positive) on a critical exception is proposed by one person and recorded only
-- when a second person confirms it.
CREATE TABLE audit.pending_decisions (
    key             VARCHAR PRIMARY KEY,
    decision        VARCHAR NOT NULL,
    proposed_by     VARCHAR NOT NULL,
    proposed_os_user VARCHAR,
    note            VARCHAR NOT NULL,
    accepted_until  DATE,
    evidence_sha256 VARCHAR NOT NULL,
    as_of           DATE NOT NULL,
    source          VARCHAR NOT NULL,
    proposed_at     TIMESTAMP NOT NULL
);
COMMENT ON TABLE audit.pending_decisions IS 'A decision closing a safeguarding-critical exception (accept, false-positive) proposed by one person, waiting for a second to confirm it; removed when confirmed, withdrawn, or the evidence changes.';
COMMENT ON COLUMN audit.pending_decisions.key IS 'The exception key.';
COMMENT ON COLUMN audit.pending_decisions.decision IS 'accept or false-positive.';
COMMENT ON COLUMN audit.pending_decisions.proposed_by IS 'Who proposed it (signed-in identity, or the --by name).';
COMMENT ON COLUMN audit.pending_decisions.proposed_os_user IS 'The operating-system user, when proposed on the command line.';
COMMENT ON COLUMN audit.pending_decisions.note IS 'Why.';
COMMENT ON COLUMN audit.pending_decisions.accepted_until IS 'For accept: the last day it would hold.';
COMMENT ON COLUMN audit.pending_decisions.evidence_sha256 IS 'The evidence it was proposed on: a changed evidence drops the proposal.';
COMMENT ON COLUMN audit.pending_decisions.as_of IS 'The audited week the proposer was looking at.';
COMMENT ON COLUMN audit.pending_decisions.source IS 'cli or review-app.';
COMMENT ON COLUMN audit.pending_decisions.proposed_at IS 'When (UTC).';

ALTER TABLE audit.reviews ADD COLUMN os_user VARCHAR;
ALTER TABLE audit.reviews ADD COLUMN seconded_by VARCHAR;
COMMENT ON COLUMN audit.reviews.os_user IS 'The operating-system user that recorded the decision on the command line (beside the --by name); none for the review app, whose reviewer is the signed-in identity.';
COMMENT ON COLUMN audit.reviews.seconded_by IS 'For a closing decision on a critical exception: the second person who confirmed it (the reviewer proposed it).';

CREATE TABLE meta.review_policy (
    max_accept_days INTEGER NOT NULL,
    as_of           DATE NOT NULL
);
COMMENT ON TABLE meta.review_policy IS 'The review policy in force, from school.toml [reviews], written by each run: the longest an acceptance may last.';
COMMENT ON COLUMN meta.review_policy.max_accept_days IS 'An acceptance may last at most this many days after the audited week.';
COMMENT ON COLUMN meta.review_policy.as_of IS 'The run that wrote it.';
