-- Top-level comments on the channel's videos per audited week, one row per thread. A call lists one moderation
-- state, and YouTube returns a thread under every state its top-level comment or any reply is in (a published
-- thread with a held reply comes back as published and as heldForReview), so the copies are merged: the state is
-- the comment's own `moderationStatus` (returned to the owner), else `published` when a published listing held the
-- thread (only a published top-level comment is listed there), else the state its listing asked for.
CREATE OR REPLACE VIEW staging.stg_youtube__comments AS
WITH unnested AS (
    SELECT
        s.as_of, s.account_id, s.fetched_at, coalesce(p.request ->> 'moderationStatus', 'published') AS asked_state,
        unnest(json_extract(p.payload, '$.items[*]')) AS thread
    FROM staging.stg_raw__current_snapshots AS s
    JOIN raw.api_pages AS p USING (snapshot_id)
    WHERE s.platform = 'youtube' AND s.stream = 'comments'
),
copies AS (
    SELECT *, thread ->> 'id' AS thread_id, bool_or(asked_state = 'published') OVER (
        PARTITION BY as_of, account_id, thread ->> 'id'
    ) AS listed_published
    FROM unnested
)
SELECT DISTINCT ON (as_of, account_id, thread_id)
    as_of,
    account_id,
    thread_id,
    thread -> 'snippet' -> 'topLevelComment' ->> 'id' AS comment_id,
    coalesce(thread -> 'snippet' ->> 'videoId',
             thread -> 'snippet' -> 'topLevelComment' -> 'snippet' ->> 'videoId') AS video_id,
    thread -> 'snippet' -> 'topLevelComment' -> 'snippet' -> 'authorChannelId' ->> 'value' AS author_channel_id,
    thread -> 'snippet' -> 'topLevelComment' -> 'snippet' ->> 'authorDisplayName' AS author_display_name,
    coalesce(thread -> 'snippet' -> 'topLevelComment' -> 'snippet' ->> 'textOriginal',
             thread -> 'snippet' -> 'topLevelComment' -> 'snippet' ->> 'textDisplay') AS text,
    TRY_CAST(thread -> 'snippet' -> 'topLevelComment' -> 'snippet' ->> 'publishedAt' AS TIMESTAMPTZ) AS published_at,
    fetched_at,
    coalesce(
        thread -> 'snippet' -> 'topLevelComment' -> 'snippet' ->> 'moderationStatus',
        CASE WHEN listed_published THEN 'published' END,
        asked_state
    ) AS moderation_status
FROM copies
ORDER BY as_of, account_id, thread_id, (asked_state = 'published') DESC, fetched_at DESC;
