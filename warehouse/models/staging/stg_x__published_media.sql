-- X's rows of marts.fct_published_media: every post's photos and video previews, with the post's text.
CREATE OR REPLACE VIEW staging.stg_x__published_media AS
SELECT
    'x' AS platform, m.account_id, m.post_id, m.media_key,
    'x:' || m.media_key AS media_ref, m.media_type,
    coalesce(m.url, m.preview_image_url) AS url, m.alt_text, p.created_at AS published_at,
    'https://x.com/i/status/' || m.post_id AS post_url, p.text AS post_text
FROM staging.stg_x__media AS m
JOIN staging.stg_x__posts AS p USING (post_id);
