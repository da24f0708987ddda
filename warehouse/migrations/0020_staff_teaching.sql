-- What a school's MIS exports about who teaches where: the year groups and the classes a member of staff teaches
-- (staff.csv `year_groups`, `classes`; docs/contracts/registers.md). Identity resolution reads a child described by
-- their teacher ("Mrs Ward's class") with them.

ALTER TABLE ref.staff ADD COLUMN year_groups VARCHAR[];
ALTER TABLE ref.staff ADD COLUMN classes VARCHAR[];
COMMENT ON COLUMN ref.staff.year_groups IS 'Year groups the member of staff teaches (N1, N2, R, 1..13), from staff.csv year_groups; empty when the export does not say.';
COMMENT ON COLUMN ref.staff.classes IS 'Names of the classes the member of staff teaches (e.g. Oak, 5W), from staff.csv classes; empty when the export does not say.';
