-- Every image the school published: X photos and video previews, YouTube thumbnails, the photos and video
-- thumbnails of the Facebook Page's own posts, Instagram images and carousel children, with their fingerprints and
-- the text they were published with (the X post's text, the video's title), and how many faces each shows (null:
-- not read; checks/images/).
CREATE OR REPLACE VIEW marts.fct_published_media AS
WITH x_media AS (
    SELECT
        'x' AS platform, m.account_id, m.post_id, m.media_key,
        'x:' || m.media_key AS media_ref, m.media_type,
        coalesce(m.url, m.preview_image_url) AS url, m.alt_text, p.created_at AS published_at,
        'https://x.com/i/status/' || m.post_id AS post_url, p.text AS post_text
    FROM staging.stg_x__media AS m
    JOIN staging.stg_x__posts AS p USING (post_id)
),
yt_thumbnails AS (
    SELECT
        'youtube', account_id, video_id, video_id,
        'youtube:' || video_id, 'thumbnail', thumbnail_url, NULL, published_at,
        'https://www.youtube.com/watch?v=' || video_id, title
    FROM marts.fct_published_videos
    WHERE thumbnail_url IS NOT NULL
),
fb_post_media AS (
    SELECT account_id, post_id, created_at, permalink_url, message, unnest(media_ids) AS media_id
    FROM staging.stg_facebook__posts
    WHERE NOT by_visitor
),
fb_media AS (
    SELECT
        'facebook', p.account_id, p.post_id, p.media_id, 'facebook:' || p.media_id, 'photo', NULL, ph.alt_text,
        p.created_at, p.permalink_url, p.message
    FROM fb_post_media AS p
    LEFT JOIN staging.stg_facebook__photos AS ph ON ph.account_id = p.account_id AND ph.photo_id = p.media_id
),
ig_media AS (
    SELECT
        'instagram', account_id, media_id, image_id, 'instagram:' || image_id, media_type, NULL, image_alt_text,
        published_at, permalink, caption
    FROM staging.stg_instagram__media
),
published AS (
    SELECT * FROM x_media
    UNION ALL
    SELECT * FROM yt_thumbnails
    UNION ALL
    SELECT * FROM fb_media
    UNION ALL
    SELECT * FROM ig_media
)
SELECT p.*, f.sha256, f.phash, f.dhash, f.error AS fetch_error, r.faces
FROM published AS p
LEFT JOIN raw.media_files AS f USING (media_ref)
LEFT JOIN raw.image_readings AS r ON r.sha256 = f.sha256 AND r.error IS NULL;
