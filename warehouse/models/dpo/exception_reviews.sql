-- Every review decision with the exception it was about.
CREATE OR REPLACE VIEW dpo.exception_reviews AS
SELECT r.key, e.rule, e.severity, e.status AS current_status, r.decision, r.status_before, r.status_after,
       r.reviewer, r.note, r.accepted_until, r.as_of, r.reviewed_at, r.source, r.os_user, r.seconded_by
FROM audit.reviews AS r
LEFT JOIN audit.exceptions AS e USING (key);
COMMENT ON VIEW dpo.exception_reviews IS 'Every review decision, with the exception it was about.';
COMMENT ON COLUMN dpo.exception_reviews.key IS 'The exception key (audit.exceptions.key).';
COMMENT ON COLUMN dpo.exception_reviews.rule IS 'The policy rule (dpo.rules).';
COMMENT ON COLUMN dpo.exception_reviews.severity IS 'The exception''s severity now: low, medium, high or critical.';
COMMENT ON COLUMN dpo.exception_reviews.current_status IS 'The exception''s status now (later runs may have changed it).';
COMMENT ON COLUMN dpo.exception_reviews.decision IS 'acknowledge | accept | false-positive | reopen.';
COMMENT ON COLUMN dpo.exception_reviews.status_before IS 'Status when decided.';
COMMENT ON COLUMN dpo.exception_reviews.status_after IS 'Status it set.';
COMMENT ON COLUMN dpo.exception_reviews.reviewer IS 'Who decided: the signed-in identity, or the --by name (the operating-system user is os_user); for a critical exception closed by two people, the proposer.';
COMMENT ON COLUMN dpo.exception_reviews.note IS 'Why: the reason for an acceptance, the judgement behind a false positive.';
COMMENT ON COLUMN dpo.exception_reviews.accepted_until IS 'For accept: its last day; the first weekly run after it reopens or resolves the exception.';
COMMENT ON COLUMN dpo.exception_reviews.as_of IS 'The audited week the reviewer was looking at.';
COMMENT ON COLUMN dpo.exception_reviews.reviewed_at IS 'When (UTC).';
COMMENT ON COLUMN dpo.exception_reviews.source IS 'cli | review-app.';
COMMENT ON COLUMN dpo.exception_reviews.os_user IS 'The operating-system user on the command line; none in the review app.';
COMMENT ON COLUMN dpo.exception_reviews.seconded_by IS 'Closing a critical exception: the second person, who confirmed it.';
