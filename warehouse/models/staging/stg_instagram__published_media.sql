-- Instagram's rows of marts.fct_published_media: every image and carousel child, with the caption.
CREATE OR REPLACE VIEW staging.stg_instagram__published_media AS
SELECT
    'instagram' AS platform, account_id, media_id AS post_id, image_id AS media_key,
    'instagram:' || image_id AS media_ref, media_type, NULL::VARCHAR AS url, image_alt_text AS alt_text,
    published_at, permalink AS post_url, caption AS post_text
FROM staging.stg_instagram__media;
