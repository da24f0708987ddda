-- Replies to the comment threads per audited week: those embedded in a thread (`part=replies`, a few at most)
-- and those read with comments.list (stream `comment_replies`). A reply both embedded and listed is one row,
-- the listed copy preferred (it is the complete read).
CREATE OR REPLACE VIEW staging.stg_youtube__comment_replies AS
WITH threads AS (
    SELECT s.as_of, s.account_id, s.fetched_at, unnest(json_extract(p.payload, '$.items[*]')) AS thread
    FROM staging.stg_raw__current_snapshots AS s
    JOIN raw.api_pages AS p USING (snapshot_id)
    WHERE s.platform = 'youtube' AND s.stream = 'comments'
),
embedded AS (
    SELECT
        as_of, account_id, fetched_at, 2 AS preference,
        thread ->> 'id' AS thread_id,
        coalesce(thread -> 'snippet' ->> 'videoId',
                 thread -> 'snippet' -> 'topLevelComment' -> 'snippet' ->> 'videoId') AS thread_video_id,
        unnest(json_extract(thread, '$.replies.comments[*]')) AS reply
    FROM threads
),
listed AS (
    SELECT
        s.as_of, s.account_id, s.fetched_at, 1 AS preference,
        p.request ->> 'parentId' AS thread_id,
        NULL AS thread_video_id,
        unnest(json_extract(p.payload, '$.items[*]')) AS reply
    FROM staging.stg_raw__current_snapshots AS s
    JOIN raw.api_pages AS p USING (snapshot_id)
    WHERE s.platform = 'youtube' AND s.stream = 'comment_replies'
),
replies AS (
    SELECT * FROM embedded
    UNION ALL
    SELECT * FROM listed
)
SELECT DISTINCT ON (as_of, account_id, reply ->> 'id')
    as_of,
    account_id,
    coalesce(reply -> 'snippet' ->> 'parentId', thread_id) AS thread_id,
    reply ->> 'id' AS comment_id,
    coalesce(reply -> 'snippet' ->> 'videoId', thread_video_id) AS video_id,
    reply -> 'snippet' -> 'authorChannelId' ->> 'value' AS author_channel_id,
    reply -> 'snippet' ->> 'authorDisplayName' AS author_display_name,
    coalesce(reply -> 'snippet' ->> 'textOriginal', reply -> 'snippet' ->> 'textDisplay') AS text,
    TRY_CAST(reply -> 'snippet' ->> 'publishedAt' AS TIMESTAMPTZ) AS published_at,
    fetched_at,
    coalesce(reply -> 'snippet' ->> 'moderationStatus', 'published') AS moderation_status
FROM replies
WHERE reply ->> 'id' IS NOT NULL
ORDER BY as_of, account_id, reply ->> 'id', preference, fetched_at DESC;
