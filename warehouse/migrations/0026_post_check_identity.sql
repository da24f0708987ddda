-- An approval is a second person's: the identity who checked a draft is kept apart from the name shown, so an
-- approval by the same identity is refused (warehouse/people.py second_person_refusal), whatever name is typed.
ALTER TABLE audit.post_checks ADD COLUMN checked_identity VARCHAR;
-- Checks recorded before: on the command line the operating-system user in the brackets closing checked_by (or the
-- whole of it, the user alone); in the review app the signed-in identity, which checked_by already is.
UPDATE audit.post_checks SET checked_identity = CASE
    WHEN via = 'cli' AND regexp_matches(checked_by, '\(([^()]+)\)$') THEN regexp_extract(checked_by, '\(([^()]+)\)$', 1)
    ELSE checked_by
END;
COMMENT ON COLUMN audit.post_checks.checked_identity IS 'The identity who checked it, compared with an approver''s: the operating-system user on the command line, the signed-in identity in the review app.';
