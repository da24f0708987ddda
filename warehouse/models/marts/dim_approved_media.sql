-- The approved media register in force, each approval with its library file's cached perceptual hashes and its
-- Instagram crops' (`crops`: a list of {phash, dhash}); then the images of drafts approved after a check
-- (audit.post_approvals: check-post and the review app), one row each.
CREATE OR REPLACE VIEW marts.dim_approved_media AS
SELECT
    a.approval_id, a.file, a.platform, a.post_id, h.phash, h.dhash, a.pupils_pictured,
    (
        SELECT list({'phash': c.phash, 'dhash': c.dhash} ORDER BY c.ratio)
        FROM ref.approved_media_crop_hashes AS c WHERE c.file_sha256 = a.file_sha256
    ) AS crops
FROM staging.stg_ref__approved_media AS a
LEFT JOIN ref.approved_media_hashes AS h ON h.file_sha256 = a.file_sha256
UNION ALL
SELECT
    p.approval_id, 'checked draft ' || p.check_id || ' image ' || i.position, p.platform, NULL, i.phash, i.dhash,
    p.pupils_pictured, NULL
FROM audit.post_approvals AS p
JOIN audit.post_check_images AS i USING (check_id);
