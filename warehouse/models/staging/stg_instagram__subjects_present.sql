-- Instagram's rows of marts.fct_subjects_present: the media and visible comments the latest fetches show, present
-- in every audited week.
CREATE OR REPLACE VIEW staging.stg_instagram__subjects_present AS
SELECT DISTINCT w.as_of, 'instagram' AS platform, m.account_id, 'post' AS subject_kind, m.media_id AS subject_id
FROM staging.stg_instagram__media AS m
CROSS JOIN (SELECT DISTINCT as_of FROM raw.snapshots) AS w
UNION ALL
SELECT w.as_of, 'instagram', c.account_id, 'comment', c.comment_id
FROM marts.fct_meta_comments AS c
CROSS JOIN (SELECT DISTINCT as_of FROM raw.snapshots) AS w
WHERE c.platform = 'instagram';
