-- One account may be several people: a shared account naming two pupils is read as each of them, one row per
-- person, so a finding is raised for each. The week's rows of a subject are numbered in the order the resolver
-- gave them (0: its best reading).

CREATE TABLE audit.identities_per_person (
    as_of        DATE NOT NULL,
    platform     VARCHAR NOT NULL,
    account_id   VARCHAR NOT NULL,
    relation     VARCHAR NOT NULL,
    subject_id   VARCHAR NOT NULL,
    person_kind  VARCHAR NOT NULL,
    person_id    VARCHAR,
    confidence   DOUBLE NOT NULL,
    evidence     VARCHAR NOT NULL,
    person_order INTEGER NOT NULL,
    PRIMARY KEY (as_of, platform, account_id, relation, subject_id, person_order)
);
INSERT INTO audit.identities_per_person
SELECT as_of, platform, account_id, relation, subject_id, person_kind, person_id, confidence, evidence, 0
FROM audit.identities;
DROP TABLE audit.identities;
ALTER TABLE audit.identities_per_person RENAME TO identities;
COMMENT ON TABLE audit.identities IS 'Who each follower/following/subscriber/commenter was resolved to be, with confidence and evidence, per week: one row per person an account was read as (a shared account naming two pupils has two).';
COMMENT ON COLUMN audit.identities.as_of IS 'The audited week.';
COMMENT ON COLUMN audit.identities.platform IS 'x or youtube.';
COMMENT ON COLUMN audit.identities.account_id IS 'The official account they are connected to.';
COMMENT ON COLUMN audit.identities.relation IS 'follower, following, subscriber or commenter.';
COMMENT ON COLUMN audit.identities.subject_id IS 'The platform id of the account.';
COMMENT ON COLUMN audit.identities.person_kind IS 'pupil, former_pupil, staff, parent or unknown.';
COMMENT ON COLUMN audit.identities.person_id IS 'The register id matched, if any.';
COMMENT ON COLUMN audit.identities.confidence IS 'Match confidence, 0..1.';
COMMENT ON COLUMN audit.identities.evidence IS 'The signals that agreed (declared handle, name, age cues, ...).';
COMMENT ON COLUMN audit.identities.person_order IS 'Which of the people the account was read as: 0 its best reading, 1 and on the others a shared account names.';
