-- Facebook's rows of marts.fct_subjects_present: the posts and visible comments the latest fetches show, present in
-- every audited week.
CREATE OR REPLACE VIEW staging.stg_facebook__subjects_present AS
SELECT w.as_of, 'facebook' AS platform, p.account_id, 'post' AS subject_kind, p.post_id AS subject_id
FROM staging.stg_facebook__posts AS p
CROSS JOIN (SELECT DISTINCT as_of FROM raw.snapshots) AS w
UNION ALL
SELECT w.as_of, 'facebook', c.account_id, 'comment', c.comment_id
FROM marts.fct_meta_comments AS c
CROSS JOIN (SELECT DISTINCT as_of FROM raw.snapshots) AS w
WHERE c.platform = 'facebook';
