-- Every X post held (posts arrive incrementally, from the API or from an imported X archive), one copy of each:
-- the API's when there is one (it carries alt text; the archive does not), else the newest. A post X says was
-- deleted is left out, so its exceptions resolve.
CREATE OR REPLACE VIEW staging.stg_x__posts AS
WITH unnested AS (
    SELECT s.account_id, s.fetched_at, s.source, unnest(json_extract(p.payload, '$.data[*]')) AS t
    FROM raw.snapshots AS s
    JOIN raw.api_pages AS p USING (snapshot_id)
    WHERE s.platform = 'x' AND s.stream = 'posts'
),
ranked AS (
    SELECT *, row_number() OVER (
        PARTITION BY t ->> 'id' ORDER BY (source = 'archive'), fetched_at DESC
    ) AS copy_rank
    FROM unnested
)
SELECT
    account_id,
    t ->> 'id' AS post_id,
    t ->> 'text' AS text,
    TRY_CAST(t ->> 'created_at' AS TIMESTAMPTZ) AS created_at,
    t ->> 'author_id' AS author_id,
    coalesce(json_extract_string(t, '$.attachments.media_keys[*]'), []::VARCHAR[]) AS media_keys,
    coalesce(json_extract_string(t, '$.entities.hashtags[*].tag'), []::VARCHAR[]) AS hashtags,
    fetched_at,
    source
FROM ranked
WHERE copy_rank = 1
  AND (t ->> 'id') NOT IN (SELECT post_id FROM staging.stg_x__deleted_posts);
