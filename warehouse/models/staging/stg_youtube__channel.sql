-- The YouTube channel resource per audited week.
CREATE OR REPLACE VIEW staging.stg_youtube__channel AS
SELECT
    s.as_of,
    s.account_id,
    c ->> 'id' AS channel_id,
    c -> 'snippet' ->> 'title' AS title,
    c -> 'snippet' ->> 'customUrl' AS custom_url,
    c -> 'snippet' ->> 'description' AS description,
    c -> 'contentDetails' -> 'relatedPlaylists' ->> 'uploads' AS uploads_playlist_id,
    TRY_CAST(c -> 'statistics' ->> 'subscriberCount' AS BIGINT) AS subscriber_count,
    TRY_CAST(c -> 'statistics' ->> 'hiddenSubscriberCount' AS BOOLEAN) AS hidden_subscriber_count,
    TRY_CAST(c -> 'statistics' ->> 'videoCount' AS BIGINT) AS video_count,
    s.fetched_at
FROM staging.stg_raw__current_snapshots AS s
JOIN raw.api_pages AS p USING (snapshot_id),
LATERAL (SELECT unnest(json_extract(p.payload, '$.items[*]')) AS c)
WHERE s.platform = 'youtube' AND s.stream = 'channel';
