-- Every text the school published, one row per field, in reading order: X post text, hashtags and alt texts
-- (every post ever fetched), YouTube titles, descriptions and tags (the channel's latest videos fetch).
WITH latest_videos AS (
    SELECT v.*
    FROM staging.stg_youtube__videos AS v
    WHERE v.as_of = (
        SELECT max(s.as_of) FROM staging.stg_raw__current_snapshots AS s
        WHERE s.platform = 'youtube' AND s.stream = 'videos' AND s.account_id = v.account_id
    )
),
x_fields AS (
    SELECT p.account_id, p.post_id, 0 AS field_order, 'text' AS field, p.text AS value
    FROM staging.stg_x__posts AS p
    UNION ALL
    SELECT p.account_id, p.post_id, 1, 'hashtag', unnest(p.hashtags)
    FROM staging.stg_x__posts AS p
    UNION ALL
    SELECT m.account_id, m.post_id, 2 + m.position_in_post, 'alt_text', m.alt_text
    FROM staging.stg_x__media AS m
    WHERE m.post_id IS NOT NULL AND m.alt_text IS NOT NULL
),
yt_fields AS (
    SELECT account_id, video_id, 0 AS field_order, 'title' AS field, title AS value FROM latest_videos
    UNION ALL
    SELECT account_id, video_id, 1, 'description', description FROM latest_videos
    UNION ALL
    SELECT account_id, video_id, 2, 'tag', unnest(tags) FROM latest_videos
)
SELECT
    'x' AS platform, p.account_id, 'post' AS subject_kind, p.post_id AS subject_id,
    'https://x.com/i/status/' || p.post_id AS subject_url, p.text AS label_text,
    len(p.media_keys) > 0 AS carries_media, f.field, f.value, f.field_order
FROM staging.stg_x__posts AS p
JOIN x_fields AS f ON f.account_id = p.account_id AND f.post_id = p.post_id
UNION ALL
SELECT
    'youtube', v.account_id, 'video', v.video_id,
    'https://www.youtube.com/watch?v=' || v.video_id, v.title,
    true, f.field, f.value, f.field_order
FROM latest_videos AS v
JOIN yt_fields AS f ON f.account_id = v.account_id AND f.video_id = v.video_id
ORDER BY platform, account_id, subject_id, field_order
