-- X's rows of marts.fct_subjects_present: followers and following per audited week, and every post stored (posts
-- arrive incrementally, so a stored post counts as present in every week).
CREATE OR REPLACE VIEW staging.stg_x__subjects_present AS
SELECT as_of, 'x' AS platform, account_id, relation AS subject_kind, user_id AS subject_id
FROM staging.stg_x__users
WHERE relation IN ('follower', 'following')
UNION ALL
SELECT w.as_of, 'x', p.account_id, 'post', p.post_id
FROM staging.stg_x__posts AS p
CROSS JOIN (SELECT DISTINCT as_of FROM raw.snapshots) AS w;
