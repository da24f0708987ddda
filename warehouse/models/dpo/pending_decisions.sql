-- Closing decisions on critical exceptions waiting for a second person.
CREATE OR REPLACE VIEW dpo.pending_decisions AS
SELECT p.key, e.rule, e.severity, p.decision, p.proposed_by, p.proposed_os_user, p.note, p.accepted_until,
       p.as_of, p.source, p.proposed_at
FROM audit.pending_decisions AS p
LEFT JOIN audit.exceptions AS e USING (key);
COMMENT ON VIEW dpo.pending_decisions IS 'A closing decision (accept, false positive) on a critical exception, proposed by one person, recorded once a second on the same path (another signed-in identity or operating-system user) confirms it.';
COMMENT ON COLUMN dpo.pending_decisions.key IS 'The exception key (audit.exceptions.key).';
COMMENT ON COLUMN dpo.pending_decisions.rule IS 'The policy rule (dpo.rules).';
COMMENT ON COLUMN dpo.pending_decisions.severity IS 'The exception''s severity (critical).';
COMMENT ON COLUMN dpo.pending_decisions.decision IS 'accept or false-positive.';
COMMENT ON COLUMN dpo.pending_decisions.proposed_by IS 'Who proposed it: the signed-in identity, or the --by name (the person is proposed_os_user).';
COMMENT ON COLUMN dpo.pending_decisions.proposed_os_user IS 'The operating-system user (real uid) that proposed it on the command line: a second person must differ.';
COMMENT ON COLUMN dpo.pending_decisions.note IS 'Why.';
COMMENT ON COLUMN dpo.pending_decisions.accepted_until IS 'For accept: the last day it would hold.';
COMMENT ON COLUMN dpo.pending_decisions.as_of IS 'The audited week the proposer was looking at.';
COMMENT ON COLUMN dpo.pending_decisions.source IS 'cli or review-app.';
COMMENT ON COLUMN dpo.pending_decisions.proposed_at IS 'When (UTC).';
