-- Everyone in the registers in force, one row per person: the names rules look for, and for pupils their status,
-- date of birth and photo consent (null for staff and parents).
CREATE OR REPLACE VIEW marts.dim_register_people AS
SELECT
    'pupil' AS person_kind, pupil_id AS person_id, forename, preferred_name, surname,
    status, date_of_birth, leaving_date, photo_consent
FROM staging.stg_ref__pupils
UNION ALL
SELECT 'staff', staff_id, forename, preferred_name, surname, NULL, NULL, NULL, NULL FROM staging.stg_ref__staff
UNION ALL
SELECT 'parent', parent_id, forename, NULL, surname, NULL, NULL, NULL, NULL FROM staging.stg_ref__parents;
