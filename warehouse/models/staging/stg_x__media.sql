-- X media objects (from includes.media; the API's copy before an imported archive's), with the post carrying it.
CREATE OR REPLACE VIEW staging.stg_x__media AS
WITH unnested AS (
    SELECT s.account_id, s.fetched_at, s.source, unnest(json_extract(p.payload, '$.includes.media[*]')) AS m
    FROM raw.snapshots AS s
    JOIN raw.api_pages AS p USING (snapshot_id)
    WHERE s.platform = 'x' AND s.stream = 'posts'
),
ranked AS (
    -- The API's copy first: it carries alt text, the archive's does not.
    SELECT *, row_number() OVER (
        PARTITION BY m ->> 'media_key' ORDER BY (source = 'archive'), fetched_at DESC
    ) AS copy_rank
    FROM unnested
),
carried_by AS (
    SELECT post_id, unnest(media_keys) AS media_key, generate_subscripts(media_keys, 1) AS position_in_post
    FROM staging.stg_x__posts
)
SELECT
    r.account_id,
    c.post_id,
    c.position_in_post,
    r.m ->> 'media_key' AS media_key,
    r.m ->> 'type' AS media_type,
    r.m ->> 'url' AS url,
    r.m ->> 'preview_image_url' AS preview_image_url,
    r.m ->> 'alt_text' AS alt_text,
    r.fetched_at,
    r.source
FROM ranked AS r
LEFT JOIN carried_by AS c ON c.media_key = (r.m ->> 'media_key')
WHERE r.copy_rank = 1;
