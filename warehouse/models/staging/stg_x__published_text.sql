-- X's rows of marts.fct_published_text: every post ever fetched, one row per field: its text, hashtags, each
-- image's alt text and the lines read in its photos and video previews (media_key: the X media key).
CREATE OR REPLACE VIEW staging.stg_x__published_text AS
WITH fields AS (
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
    JOIN staging.stg_raw__image_text_lines AS r ON r.media_ref = 'x:' || m.media_key
    WHERE m.post_id IS NOT NULL
)
SELECT
    'x' AS platform, p.account_id, 'post' AS subject_kind, p.post_id AS subject_id,
    'https://x.com/i/status/' || p.post_id AS subject_url, p.text AS label_text,
    len(p.media_keys) > 0 AS carries_media, f.field, f.value, f.field_order, f.value_position,
    f.media_key, f.word_confidences
FROM staging.stg_x__posts AS p
JOIN fields AS f ON f.account_id = p.account_id AND f.post_id = p.post_id;
