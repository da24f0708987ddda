-- Every image the school published: X photos and video previews, YouTube thumbnails, with their fingerprints.
CREATE OR REPLACE VIEW marts.fct_published_media AS
WITH x_media AS (
    SELECT
        'x' AS platform, m.account_id, m.post_id, m.media_key,
        'x:' || m.media_key AS media_ref, m.media_type,
        coalesce(m.url, m.preview_image_url) AS url, m.alt_text, p.created_at AS published_at,
        'https://x.com/i/status/' || m.post_id AS post_url
    FROM staging.stg_x__media AS m
    JOIN staging.stg_x__posts AS p USING (post_id)
),
latest_videos AS (
    -- The channel's latest videos fetch decides, even when it found none (every video was deleted).
    SELECT v.* FROM staging.stg_youtube__videos AS v
    WHERE v.as_of = (
        SELECT max(s.as_of) FROM staging.stg_raw__current_snapshots AS s
        WHERE s.platform = 'youtube' AND s.stream = 'videos' AND s.account_id = v.account_id
    )
),
yt_thumbnails AS (
    SELECT
        'youtube', account_id, video_id, video_id,
        'youtube:' || video_id, 'thumbnail', thumbnail_url, NULL, published_at,
        'https://www.youtube.com/watch?v=' || video_id
    FROM latest_videos
    WHERE thumbnail_url IS NOT NULL
),
published AS (
    SELECT * FROM x_media
    UNION ALL
    SELECT * FROM yt_thumbnails
)
SELECT p.*, f.sha256, f.phash, f.dhash, f.error AS fetch_error
FROM published AS p
LEFT JOIN raw.media_files AS f USING (media_ref);
