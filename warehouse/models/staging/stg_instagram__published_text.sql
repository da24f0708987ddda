-- Instagram's rows of marts.fct_published_text: every media, one row per field: the caption, each image's alt text
-- and the lines read in its images (media_key: instagram:<image id>).
CREATE OR REPLACE VIEW staging.stg_instagram__published_text AS
WITH fields AS (
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
    JOIN staging.stg_raw__image_text_lines AS r ON r.media_ref = 'instagram:' || m.image_id
)
SELECT
    'instagram' AS platform, m.account_id, 'post' AS subject_kind, m.media_id AS subject_id,
    m.permalink AS subject_url, m.caption AS label_text, true AS carries_media,
    f.field, f.value, f.field_order, f.value_position, f.media_key, f.word_confidences
FROM (SELECT DISTINCT account_id, media_id, permalink, caption FROM staging.stg_instagram__media) AS m
JOIN fields AS f ON f.account_id = m.account_id AND f.post_id = m.media_id;
