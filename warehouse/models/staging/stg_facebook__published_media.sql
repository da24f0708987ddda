-- Facebook's rows of marts.fct_published_media: the photos and video thumbnails of the Page's own posts (not its
-- visitors'), with the post's message and each photo's alt text.
CREATE OR REPLACE VIEW staging.stg_facebook__published_media AS
WITH post_media AS (
    SELECT account_id, post_id, created_at, permalink_url, message, unnest(media_ids) AS media_id
    FROM staging.stg_facebook__posts
    WHERE NOT by_visitor
)
SELECT
    'facebook' AS platform, p.account_id, p.post_id, p.media_id AS media_key, 'facebook:' || p.media_id AS media_ref,
    'photo' AS media_type, NULL::VARCHAR AS url, ph.alt_text, p.created_at AS published_at,
    p.permalink_url AS post_url, p.message AS post_text
FROM post_media AS p
LEFT JOIN staging.stg_facebook__photos AS ph ON ph.account_id = p.account_id AND ph.photo_id = p.media_id;
