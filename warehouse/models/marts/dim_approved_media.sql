-- The approved media register in force, each approval with its library file's cached perceptual hashes.
CREATE OR REPLACE VIEW marts.dim_approved_media AS
SELECT a.approval_id, a.file, a.platform, a.post_id, h.phash, h.dhash, a.pupils_pictured
FROM staging.stg_ref__approved_media AS a
LEFT JOIN ref.approved_media_hashes AS h ON h.file_sha256 = a.file_sha256;
