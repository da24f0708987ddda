-- Every image of every draft checked before posting, with the check's verdict and whether it was approved: the
-- media rules say in their evidence when a published image was checked with a hold, or (once a school checks its
-- drafts) never checked at all.
CREATE OR REPLACE VIEW marts.dim_post_check_images AS
SELECT
    c.check_id, c.checked_at, c.platform, c.verdict, i.position, i.phash, i.dhash,
    EXISTS (SELECT 1 FROM audit.post_approvals AS a WHERE a.check_id = c.check_id) AS approved
FROM audit.post_checks AS c
JOIN audit.post_check_images AS i USING (check_id);
