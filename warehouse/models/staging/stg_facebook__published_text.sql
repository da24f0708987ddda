-- Facebook's rows of marts.fct_published_text: the Page's own posts (not its visitors'), one row per field: the
-- message, each photo's alt text and the lines read in its photos (media_key: facebook:<photo id>).
CREATE OR REPLACE VIEW staging.stg_facebook__published_text AS
WITH post_media AS (
    SELECT account_id, post_id, unnest(media_ids) AS media_id, generate_subscripts(media_ids, 1) AS position
    FROM staging.stg_facebook__posts
    WHERE NOT by_visitor
),
fields AS (
    SELECT account_id, post_id, 0 AS field_order, 1 AS value_position, 'text' AS field, message AS value,
        NULL::VARCHAR AS media_key, NULL::DOUBLE[] AS word_confidences
    FROM staging.stg_facebook__posts WHERE NOT by_visitor
    UNION ALL
    SELECT m.account_id, m.post_id, 2 + m.position, 1, 'alt_text', ph.alt_text, NULL, NULL
    FROM post_media AS m
    JOIN staging.stg_facebook__photos AS ph ON ph.account_id = m.account_id AND ph.photo_id = m.media_id
    WHERE ph.alt_text IS NOT NULL
    UNION ALL
    SELECT m.account_id, m.post_id, 100 + m.position, r.line_no, 'image_text', r.text, 'facebook:' || m.media_id,
        r.word_confidences
    FROM post_media AS m
    JOIN staging.stg_raw__image_text_lines AS r ON r.media_ref = 'facebook:' || m.media_id
)
SELECT
    'facebook' AS platform, p.account_id, 'post' AS subject_kind, p.post_id AS subject_id,
    p.permalink_url AS subject_url, p.message AS label_text, len(p.media_ids) > 0 AS carries_media,
    f.field, f.value, f.field_order, f.value_position, f.media_key, f.word_confidences
FROM staging.stg_facebook__posts AS p
JOIN fields AS f ON f.account_id = p.account_id AND f.post_id = p.post_id
WHERE NOT p.by_visitor;
