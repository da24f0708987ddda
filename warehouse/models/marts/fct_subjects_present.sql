-- Every subject an exception can be about that the platforms showed, per audited week: followers, following,
-- visible subscribers, comment threads and videos of that week, the posts and visible comments the latest
-- Facebook and Instagram fetches show, and every X post stored (posts arrive
-- incrementally, so a stored post counts as present). An exception whose subject is here is about something
-- still on the platform, so it cannot be "resolved: subject gone".
CREATE OR REPLACE VIEW marts.fct_subjects_present AS
SELECT as_of, 'x' AS platform, account_id, relation AS subject_kind, user_id AS subject_id
FROM staging.stg_x__users
WHERE relation IN ('follower', 'following')
UNION ALL
SELECT as_of, 'youtube', account_id, 'subscriber', channel_id FROM staging.stg_youtube__subscribers
UNION ALL
SELECT as_of, 'youtube', account_id, 'comment', thread_id FROM staging.stg_youtube__comments
UNION ALL
SELECT as_of, 'youtube', account_id, 'video', video_id FROM staging.stg_youtube__videos
UNION ALL
SELECT w.as_of, 'x', p.account_id, 'post', p.post_id
FROM staging.stg_x__posts AS p
CROSS JOIN (SELECT DISTINCT as_of FROM raw.snapshots) AS w
UNION ALL
SELECT w.as_of, 'facebook', p.account_id, 'post', p.post_id
FROM staging.stg_facebook__posts AS p
CROSS JOIN (SELECT DISTINCT as_of FROM raw.snapshots) AS w
UNION ALL
SELECT DISTINCT w.as_of, 'instagram', m.account_id, 'post', m.media_id
FROM staging.stg_instagram__media AS m
CROSS JOIN (SELECT DISTINCT as_of FROM raw.snapshots) AS w
UNION ALL
SELECT w.as_of, c.platform, c.account_id, 'comment', c.comment_id
FROM marts.fct_meta_comments AS c
CROSS JOIN (SELECT DISTINCT as_of FROM raw.snapshots) AS w
UNION ALL
SELECT as_of, platform, account_id, 'account', account_id
FROM (SELECT DISTINCT as_of, platform, account_id FROM raw.snapshots);
