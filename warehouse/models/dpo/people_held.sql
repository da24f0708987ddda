-- One row per person or account the warehouse holds anything about: the DPO's starting point.
CREATE OR REPLACE VIEW dpo.people_held AS
SELECT
    person_kind || ':' || person_id AS person_ref,
    'register' AS held_as,
    person_kind,
    person_id,
    forename || ' ' || surname AS label,
    first_held::DATE AS held_since,
    last_loaded::DATE AS last_updated,
    'named in the school''s ' || person_kind || ' register; used to recognise them among the official accounts'' audience and in published media' AS why
FROM dpo.register_people
UNION ALL
SELECT
    platform || ':' || subject_id,
    'platform account',
    person_kind,
    person_id,
    latest_label,
    first_seen,
    last_seen,
    'connected to an official ' || platform || ' account (' || relations || '); checked against the registers for the policy rules'
FROM dpo.platform_accounts;
COMMENT ON VIEW dpo.people_held IS 'Everyone the warehouse holds data about, from the registers or the platforms. Join on person_id to the other dpo views.';
COMMENT ON COLUMN dpo.people_held.person_ref IS 'pupil:ID, staff:ID or parent:ID for register people; PLATFORM:ID for platform accounts.';
COMMENT ON COLUMN dpo.people_held.held_as IS 'register or platform account.';
COMMENT ON COLUMN dpo.people_held.person_kind IS 'pupil, staff, parent, former_pupil or unknown.';
COMMENT ON COLUMN dpo.people_held.person_id IS 'Register id (for a platform account: the register person it was matched to, if any).';
COMMENT ON COLUMN dpo.people_held.label IS 'Name (register) or handle/display name (platform account).';
COMMENT ON COLUMN dpo.people_held.held_since IS 'When the warehouse first held data about them.';
COMMENT ON COLUMN dpo.people_held.last_updated IS 'Date of the latest data held.';
COMMENT ON COLUMN dpo.people_held.why IS 'Why the data is held, in words.';
