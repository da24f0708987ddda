-- YouTube's rows of marts.fct_published_media: the thumbnail of every video the channel publishes, with its title.
CREATE OR REPLACE VIEW staging.stg_youtube__published_media AS
SELECT
    'youtube' AS platform, account_id, video_id AS post_id, video_id AS media_key,
    'youtube:' || video_id AS media_ref, 'thumbnail' AS media_type, thumbnail_url AS url, NULL::VARCHAR AS alt_text,
    published_at, 'https://www.youtube.com/watch?v=' || video_id AS post_url, title AS post_text
FROM marts.fct_published_videos
WHERE thumbnail_url IS NOT NULL;
