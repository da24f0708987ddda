-- The account's media of its latest fetch, one row per published image: the media itself, or each child of a
-- carousel (`position` in the carousel), with the caption and alt text, and whether commenting is on.
CREATE OR REPLACE VIEW staging.stg_instagram__media AS
WITH latest AS (
    SELECT s.account_id, s.snapshot_id
    FROM staging.stg_raw__current_snapshots AS s
    WHERE s.platform = 'instagram' AND s.stream = 'media'
      AND s.as_of = (SELECT max(l.as_of) FROM staging.stg_raw__current_snapshots AS l
                     WHERE l.platform = 'instagram' AND l.stream = 'media' AND l.account_id = s.account_id)
),
media AS (
    SELECT l.account_id, unnest(json_extract(p.payload, '$.data[*]')) AS m
    FROM latest AS l JOIN raw.api_pages AS p USING (snapshot_id)
)
SELECT
    account_id, m ->> 'id' AS media_id, m ->> 'caption' AS caption, m ->> 'alt_text' AS alt_text,
    m ->> 'media_type' AS media_type, TRY_CAST(m ->> 'timestamp' AS TIMESTAMPTZ) AS published_at,
    m ->> 'permalink' AS permalink, c.child ->> 'id' AS image_id, coalesce(c.child ->> 'alt_text', m ->> 'alt_text') AS image_alt_text,
    c.position, TRY_CAST(m ->> 'is_comment_enabled' AS BOOLEAN) AS comments_enabled
FROM media, (SELECT unnest(json_extract(m, '$.children.data[*]')) AS child,
                    unnest(generate_series(1, len(json_extract(m, '$.children.data[*]')))) AS position) AS c
UNION ALL
SELECT
    account_id, m ->> 'id', m ->> 'caption', m ->> 'alt_text', m ->> 'media_type',
    TRY_CAST(m ->> 'timestamp' AS TIMESTAMPTZ), m ->> 'permalink', m ->> 'id', m ->> 'alt_text', 1,
    TRY_CAST(m ->> 'is_comment_enabled' AS BOOLEAN)
FROM media
WHERE coalesce(json_array_length(m, '$.children.data'), 0) = 0;
