-- Every text the school published, one row per field: Facebook Page posts' messages and photos' alt text,
-- Instagram captions and alt text, X post text, hashtags and alt texts (every post ever
-- fetched), YouTube titles, descriptions and tags (the channel's latest videos fetch), and the lines of text read in
-- their images (`image_text`: an X post's photos and video previews, a video's thumbnail; checks/images/), with the
-- image (`media_key`: the X media key, or the video id for a thumbnail) and the engine's confidence in each word.
-- Reading order within a post or video: field_order, then value_position (the hashtag's, tag's or line's place).
CREATE OR REPLACE VIEW marts.fct_published_text AS
WITH read_lines AS (
    SELECT f.media_ref, t.line_no, t.text, t.word_confidences
    FROM raw.media_files AS f
    JOIN raw.image_text AS t USING (sha256)
),
x_fields AS (
    SELECT
        p.account_id, p.post_id, 0 AS field_order, 1 AS value_position, 'text' AS field, p.text AS value,
        NULL::VARCHAR AS media_key, NULL::DOUBLE[] AS word_confidences
    FROM staging.stg_x__posts AS p
    UNION ALL
    SELECT p.account_id, p.post_id, 1, generate_subscripts(p.hashtags, 1), 'hashtag', unnest(p.hashtags), NULL, NULL
    FROM staging.stg_x__posts AS p
    UNION ALL
    SELECT m.account_id, m.post_id, 2 + m.position_in_post, 1, 'alt_text', m.alt_text, NULL, NULL
    FROM staging.stg_x__media AS m
    WHERE m.post_id IS NOT NULL AND m.alt_text IS NOT NULL
    UNION ALL
    SELECT m.account_id, m.post_id, 100 + m.position_in_post, r.line_no, 'image_text', r.text, m.media_key,
        r.word_confidences
    FROM staging.stg_x__media AS m
    JOIN read_lines AS r ON r.media_ref = 'x:' || m.media_key
    WHERE m.post_id IS NOT NULL
),
yt_fields AS (
    SELECT
        account_id, video_id, 0 AS field_order, 1 AS value_position, 'title' AS field, title AS value,
        NULL::VARCHAR AS media_key, NULL::DOUBLE[] AS word_confidences
    FROM marts.fct_published_videos
    UNION ALL
    SELECT account_id, video_id, 1, 1, 'description', description, NULL, NULL FROM marts.fct_published_videos
    UNION ALL
    SELECT account_id, video_id, 2, generate_subscripts(tags, 1), 'tag', unnest(tags), NULL, NULL
    FROM marts.fct_published_videos
    UNION ALL
    SELECT v.account_id, v.video_id, 3, r.line_no, 'image_text', r.text, v.video_id, r.word_confidences
    FROM marts.fct_published_videos AS v
    JOIN read_lines AS r ON r.media_ref = 'youtube:' || v.video_id
),
fb_post_media AS (
    SELECT account_id, post_id, unnest(media_ids) AS media_id, generate_subscripts(media_ids, 1) AS position
    FROM staging.stg_facebook__posts
    WHERE NOT by_visitor
),
fb_fields AS (
    SELECT account_id, post_id, 0 AS field_order, 1 AS value_position, 'text' AS field, message AS value,
        NULL::VARCHAR AS media_key, NULL::DOUBLE[] AS word_confidences
    FROM staging.stg_facebook__posts WHERE NOT by_visitor
    UNION ALL
    SELECT m.account_id, m.post_id, 2 + m.position, 1, 'alt_text', ph.alt_text, NULL, NULL
    FROM fb_post_media AS m
    JOIN staging.stg_facebook__photos AS ph ON ph.account_id = m.account_id AND ph.photo_id = m.media_id
    WHERE ph.alt_text IS NOT NULL
    UNION ALL
    SELECT m.account_id, m.post_id, 100 + m.position, r.line_no, 'image_text', r.text, 'facebook:' || m.media_id,
        r.word_confidences
    FROM fb_post_media AS m
    JOIN read_lines AS r ON r.media_ref = 'facebook:' || m.media_id
),
ig_fields AS (
    SELECT DISTINCT account_id, media_id AS post_id, 0 AS field_order, 1 AS value_position, 'text' AS field,
        caption AS value, NULL::VARCHAR AS media_key, NULL::DOUBLE[] AS word_confidences
    FROM staging.stg_instagram__media
    UNION ALL
    SELECT account_id, media_id, 2 + position, 1, 'alt_text', image_alt_text, NULL, NULL
    FROM staging.stg_instagram__media WHERE image_alt_text IS NOT NULL
    UNION ALL
    SELECT m.account_id, m.media_id, 100 + m.position, r.line_no, 'image_text', r.text, 'instagram:' || m.image_id,
        r.word_confidences
    FROM staging.stg_instagram__media AS m
    JOIN read_lines AS r ON r.media_ref = 'instagram:' || m.image_id
)
SELECT
    'x' AS platform, p.account_id, 'post' AS subject_kind, p.post_id AS subject_id,
    'https://x.com/i/status/' || p.post_id AS subject_url, p.text AS label_text,
    len(p.media_keys) > 0 AS carries_media, f.field, f.value, f.field_order, f.value_position,
    f.media_key, f.word_confidences
FROM staging.stg_x__posts AS p
JOIN x_fields AS f ON f.account_id = p.account_id AND f.post_id = p.post_id
UNION ALL
SELECT
    'youtube', v.account_id, 'video', v.video_id,
    'https://www.youtube.com/watch?v=' || v.video_id, v.title,
    true, f.field, f.value, f.field_order, f.value_position, f.media_key, f.word_confidences
FROM marts.fct_published_videos AS v
JOIN yt_fields AS f ON f.account_id = v.account_id AND f.video_id = v.video_id
UNION ALL
SELECT
    'facebook', p.account_id, 'post', p.post_id, p.permalink_url, p.message, len(p.media_ids) > 0,
    f.field, f.value, f.field_order, f.value_position, f.media_key, f.word_confidences
FROM staging.stg_facebook__posts AS p
JOIN fb_fields AS f ON f.account_id = p.account_id AND f.post_id = p.post_id
WHERE NOT p.by_visitor
UNION ALL
SELECT
    'instagram', m.account_id, 'post', m.media_id, m.permalink, m.caption, true,
    f.field, f.value, f.field_order, f.value_position, f.media_key, f.word_confidences
FROM (SELECT DISTINCT account_id, media_id, permalink, caption FROM staging.stg_instagram__media) AS m
JOIN ig_fields AS f ON f.account_id = m.account_id AND f.post_id = m.media_id;
