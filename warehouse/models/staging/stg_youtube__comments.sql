-- Top-level comments on the channel's videos per audited week, with their moderation state: the comment's own
-- `moderationStatus` (returned to the owner), else the state the page was asked for (a call reads one state).
CREATE OR REPLACE VIEW staging.stg_youtube__comments AS
WITH unnested AS (
    SELECT
        s.as_of, s.account_id, s.fetched_at, p.request ->> 'moderationStatus' AS asked_state,
        unnest(json_extract(p.payload, '$.items[*]')) AS thread
    FROM staging.stg_raw__current_snapshots AS s
    JOIN raw.api_pages AS p USING (snapshot_id)
    WHERE s.platform = 'youtube' AND s.stream = 'comments'
)
SELECT
    as_of,
    account_id,
    thread ->> 'id' AS thread_id,
    thread -> 'snippet' -> 'topLevelComment' ->> 'id' AS comment_id,
    coalesce(thread -> 'snippet' ->> 'videoId',
             thread -> 'snippet' -> 'topLevelComment' -> 'snippet' ->> 'videoId') AS video_id,
    thread -> 'snippet' -> 'topLevelComment' -> 'snippet' -> 'authorChannelId' ->> 'value' AS author_channel_id,
    thread -> 'snippet' -> 'topLevelComment' -> 'snippet' ->> 'authorDisplayName' AS author_display_name,
    coalesce(thread -> 'snippet' -> 'topLevelComment' -> 'snippet' ->> 'textOriginal',
             thread -> 'snippet' -> 'topLevelComment' -> 'snippet' ->> 'textDisplay') AS text,
    TRY_CAST(thread -> 'snippet' -> 'topLevelComment' -> 'snippet' ->> 'publishedAt' AS TIMESTAMPTZ) AS published_at,
    fetched_at,
    coalesce(thread -> 'snippet' -> 'topLevelComment' -> 'snippet' ->> 'moderationStatus', asked_state, 'published')
        AS moderation_status
FROM unnested;
