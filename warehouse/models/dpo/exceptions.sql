-- Every exception the audits have raised, whoever or whatever it is about, with its current status.
CREATE OR REPLACE VIEW dpo.exceptions AS
SELECT
    key, rule, severity, status, platform, account, subject_kind, subject_id, subject_label, subject_url,
    person_kind, person_id, confidence, evidence, first_seen, last_seen, resolved_on
FROM audit.exceptions;
COMMENT ON VIEW dpo.exceptions IS 'Every exception raised, open or closed, with its status now (dpo.exceptions_by_person: those about a register person; audit.exception_events: each one''s history). Resolved ones go by [retention] resolved_exceptions_months.';
COMMENT ON COLUMN dpo.exceptions.key IS 'The exception key (audit.exceptions.key).';
COMMENT ON COLUMN dpo.exceptions.rule IS 'The policy rule (dpo.rules).';
COMMENT ON COLUMN dpo.exceptions.severity IS 'low, medium, high or critical.';
COMMENT ON COLUMN dpo.exceptions.status IS 'new, open, acknowledged, accepted, false_positive, reopened or resolved.';
COMMENT ON COLUMN dpo.exceptions.platform IS '{{ platform_names }}.';
COMMENT ON COLUMN dpo.exceptions.account IS 'The official account (handle or channel id).';
COMMENT ON COLUMN dpo.exceptions.subject_kind IS 'follower, following, subscriber, post, video, comment or account.';
COMMENT ON COLUMN dpo.exceptions.subject_id IS 'The platform id of the account or post.';
COMMENT ON COLUMN dpo.exceptions.subject_label IS 'Handle, or title/first words of the post.';
COMMENT ON COLUMN dpo.exceptions.subject_url IS 'Link to the platform object.';
COMMENT ON COLUMN dpo.exceptions.person_kind IS 'pupil, former_pupil, staff or parent; null when no register person is concerned.';
COMMENT ON COLUMN dpo.exceptions.person_id IS 'The register id concerned, or null.';
COMMENT ON COLUMN dpo.exceptions.confidence IS '0..1: how sure the rule is.';
COMMENT ON COLUMN dpo.exceptions.evidence IS 'Why the rule raised it.';
COMMENT ON COLUMN dpo.exceptions.first_seen IS 'First audited week it was found.';
COMMENT ON COLUMN dpo.exceptions.last_seen IS 'Latest audited week it was found.';
COMMENT ON COLUMN dpo.exceptions.resolved_on IS 'When it stopped being found (null while open).';
