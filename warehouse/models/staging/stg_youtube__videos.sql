-- YouTube video resources per audited week (the uploads playlist is re-read in full each run).
CREATE OR REPLACE VIEW staging.stg_youtube__videos AS
WITH unnested AS (
    SELECT s.as_of, s.account_id, s.fetched_at, unnest(json_extract(p.payload, '$.items[*]')) AS v
    FROM staging.stg_raw__current_snapshots AS s
    JOIN raw.api_pages AS p USING (snapshot_id)
    WHERE s.platform = 'youtube' AND s.stream = 'videos'
)
SELECT
    as_of,
    account_id,
    v ->> 'id' AS video_id,
    v -> 'snippet' ->> 'title' AS title,
    v -> 'snippet' ->> 'description' AS description,
    TRY_CAST(v -> 'snippet' ->> 'publishedAt' AS TIMESTAMPTZ) AS published_at,
    coalesce(json_extract_string(v, '$.snippet.tags[*]'), []::VARCHAR[]) AS tags,
    coalesce(
        v -> 'snippet' -> 'thumbnails' -> 'maxres' ->> 'url',
        v -> 'snippet' -> 'thumbnails' -> 'high' ->> 'url',
        v -> 'snippet' -> 'thumbnails' -> 'medium' ->> 'url',
        v -> 'snippet' -> 'thumbnails' -> 'default' ->> 'url'
    ) AS thumbnail_url,
    v -> 'status' ->> 'privacyStatus' AS privacy_status,
    coalesce(TRY_CAST(v -> 'status' ->> 'madeForKids' AS BOOLEAN), false) AS made_for_kids,
    fetched_at
FROM unnested;
