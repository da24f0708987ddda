-- Policy exceptions that concern a register person, with their current status.
CREATE OR REPLACE VIEW dpo.exceptions_by_person AS
SELECT
    person_kind, person_id, key, rule, severity, status, platform, subject_kind, subject_id, subject_label,
    evidence, first_seen, last_seen, resolved_on
FROM audit.exceptions
WHERE person_id IS NOT NULL;
COMMENT ON VIEW dpo.exceptions_by_person IS 'Exceptions about a register person (e.g. a pupil following the school, or pictured without consent). Resolved ones go by [retention] resolved_exceptions_months.';
COMMENT ON COLUMN dpo.exceptions_by_person.person_kind IS 'pupil, former_pupil, staff or parent.';
COMMENT ON COLUMN dpo.exceptions_by_person.person_id IS 'The register id concerned.';
COMMENT ON COLUMN dpo.exceptions_by_person.key IS 'The exception key (audit.exceptions.key).';
COMMENT ON COLUMN dpo.exceptions_by_person.rule IS 'The policy rule (dpo.rules).';
COMMENT ON COLUMN dpo.exceptions_by_person.severity IS 'low, medium, high or critical.';
COMMENT ON COLUMN dpo.exceptions_by_person.status IS 'new, open, acknowledged, accepted, reopened or resolved.';
COMMENT ON COLUMN dpo.exceptions_by_person.platform IS '{{ platform_names }}.';
COMMENT ON COLUMN dpo.exceptions_by_person.subject_kind IS 'follower, following, subscriber, post, video, comment or account.';
COMMENT ON COLUMN dpo.exceptions_by_person.subject_id IS 'The platform id of the account or post.';
COMMENT ON COLUMN dpo.exceptions_by_person.subject_label IS 'Handle, or title/first words of the post.';
COMMENT ON COLUMN dpo.exceptions_by_person.evidence IS 'Why the rule raised it.';
COMMENT ON COLUMN dpo.exceptions_by_person.first_seen IS 'First audited week it was found.';
COMMENT ON COLUMN dpo.exceptions_by_person.last_seen IS 'Latest audited week it was found.';
COMMENT ON COLUMN dpo.exceptions_by_person.resolved_on IS 'When it stopped being found (null while open).';
