-- Visible YouTube subscribers per audited week (only public subscriptions are visible).
CREATE OR REPLACE VIEW staging.stg_youtube__subscribers AS
WITH unnested AS (
    SELECT s.as_of, s.account_id, s.fetched_at, p.page_no,
           unnest(json_extract(p.payload, '$.items[*]')) AS sub
    FROM staging.stg_raw__current_snapshots AS s
    JOIN raw.api_pages AS p USING (snapshot_id)
    WHERE s.platform = 'youtube' AND s.stream = 'subscribers'
)
SELECT
    as_of,
    account_id,
    sub ->> 'id' AS subscription_id,
    sub -> 'subscriberSnippet' ->> 'channelId' AS channel_id,
    sub -> 'subscriberSnippet' ->> 'title' AS title,
    sub -> 'subscriberSnippet' ->> 'description' AS description,
    TRY_CAST(sub -> 'snippet' ->> 'publishedAt' AS TIMESTAMPTZ) AS subscribed_at,
    fetched_at
FROM unnested;
