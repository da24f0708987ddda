-- Everyone in the school's registers as held by the warehouse, one row per person and kind, across all versions.
CREATE OR REPLACE VIEW dpo.register_people AS
WITH loads AS (
    SELECT load_id, loaded_at, loaded_at = max(loaded_at) OVER () AS is_current FROM ref.register_loads
),
people AS (
    SELECT 'pupil' AS person_kind, pupil_id AS person_id, forename, surname, load_id,
           status AS register_status, photo_consent,
           list_transform(known_handles, h -> h.platform || ':' || h.handle) AS handles
    FROM ref.pupils
    UNION ALL
    SELECT 'staff', staff_id, forename, surname, load_id, role, NULL,
           list_transform(personal_handles, h -> h.platform || ':' || h.handle)
           || list_transform(official_handles, h -> h.platform || ':' || h.handle)
    FROM ref.staff
    UNION ALL
    SELECT 'parent', parent_id, forename, surname, load_id, NULL, NULL,
           list_transform(known_handles, h -> h.platform || ':' || h.handle)
    FROM ref.parents
)
SELECT
    person_kind,
    person_id,
    arg_max(forename, loaded_at) AS forename,
    arg_max(surname, loaded_at) AS surname,
    arg_max(register_status, loaded_at) AS register_status,
    arg_max(photo_consent, loaded_at) AS photo_consent,
    arg_max(array_to_string(handles, ';'), loaded_at) AS declared_handles,
    min(loaded_at) AS first_held,
    max(loaded_at) AS last_loaded,
    bool_or(is_current) AS in_current_register,
    count(*) AS register_versions
FROM people JOIN loads USING (load_id)
GROUP BY person_kind, person_id;
COMMENT ON VIEW dpo.register_people IS 'Everyone in the school''s registers (pupils, staff, parents) as held, across every register version kept. Purpose: recognising people in the audience and in published media.';
COMMENT ON COLUMN dpo.register_people.person_kind IS 'pupil, staff or parent (their register).';
COMMENT ON COLUMN dpo.register_people.person_id IS 'The school''s register id (pupil_id, staff_id or parent_id).';
COMMENT ON COLUMN dpo.register_people.forename IS 'Forename in the latest version naming them.';
COMMENT ON COLUMN dpo.register_people.surname IS 'Surname in the latest version naming them.';
COMMENT ON COLUMN dpo.register_people.register_status IS 'Pupils: current or left; staff: role; parents: empty.';
COMMENT ON COLUMN dpo.register_people.photo_consent IS 'Pupils only: granted, refused or withdrawn.';
COMMENT ON COLUMN dpo.register_people.declared_handles IS 'Handles the register declares (platform:handle; ...).';
COMMENT ON COLUMN dpo.register_people.first_held IS 'When (UTC) a register naming them was first loaded.';
COMMENT ON COLUMN dpo.register_people.last_loaded IS 'When (UTC) the latest version naming them was loaded.';
COMMENT ON COLUMN dpo.register_people.in_current_register IS 'True if the version in force names them.';
COMMENT ON COLUMN dpo.register_people.register_versions IS 'Kept versions naming them (older ones go by [retention] register_versions_months).';
