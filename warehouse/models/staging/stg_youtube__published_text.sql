-- YouTube's rows of marts.fct_published_text: every video the channel publishes, one row per field: its title,
-- description, tags and the lines read in its thumbnail (media_key: the video id).
CREATE OR REPLACE VIEW staging.stg_youtube__published_text AS
WITH fields AS (
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
    JOIN staging.stg_raw__image_text_lines AS r ON r.media_ref = 'youtube:' || v.video_id
)
SELECT
    'youtube' AS platform, v.account_id, 'video' AS subject_kind, v.video_id AS subject_id,
    'https://www.youtube.com/watch?v=' || v.video_id AS subject_url, v.title AS label_text,
    true AS carries_media, f.field, f.value, f.field_order, f.value_position, f.media_key, f.word_confidences
FROM marts.fct_published_videos AS v
JOIN fields AS f ON f.account_id = v.account_id AND f.video_id = v.video_id;
