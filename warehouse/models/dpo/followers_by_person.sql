-- Platform accounts matched to a register person, week by week: "which accounts do we think are this person?".
CREATE OR REPLACE VIEW dpo.followers_by_person AS
SELECT
    i.person_kind,
    i.person_id,
    i.platform,
    i.relation,
    i.subject_id,
    a.handle,
    a.display_name,
    i.confidence,
    i.evidence,
    i.as_of
FROM audit.identities AS i
LEFT JOIN marts.fct_audience AS a USING (as_of, platform, account_id, relation, subject_id)
WHERE i.person_id IS NOT NULL;
COMMENT ON VIEW dpo.followers_by_person IS 'Every week an account connected to an official account was matched to a register person, with the evidence. Purpose: the follower rules (pupil-follower, staff-personal-follower, ...).';
COMMENT ON COLUMN dpo.followers_by_person.person_kind IS 'pupil, former_pupil, staff or parent.';
COMMENT ON COLUMN dpo.followers_by_person.person_id IS 'The register id matched.';
COMMENT ON COLUMN dpo.followers_by_person.platform IS '{{ platform_names }}.';
COMMENT ON COLUMN dpo.followers_by_person.relation IS 'follower, following, subscriber or commenter.';
COMMENT ON COLUMN dpo.followers_by_person.subject_id IS 'The platform id of the account.';
COMMENT ON COLUMN dpo.followers_by_person.handle IS 'The account''s handle that week (null once raw pages are purged).';
COMMENT ON COLUMN dpo.followers_by_person.display_name IS 'Its display name that week (null once raw pages are purged).';
COMMENT ON COLUMN dpo.followers_by_person.confidence IS 'Match confidence, 0..1.';
COMMENT ON COLUMN dpo.followers_by_person.evidence IS 'The signals that agreed (declared handle, name, age cues, ...).';
COMMENT ON COLUMN dpo.followers_by_person.as_of IS 'The audited week.';
