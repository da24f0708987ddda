-- The Facebook Page node per audited week.
CREATE OR REPLACE VIEW staging.stg_facebook__page AS
SELECT
    s.as_of, s.account_id, c ->> 'id' AS page_id, c ->> 'username' AS username, c ->> 'name' AS name,
    coalesce(c ->> 'about', c ->> 'description') AS description,
    TRY_CAST(c ->> 'fan_count' AS BIGINT) AS fan_count, TRY_CAST(c ->> 'followers_count' AS BIGINT) AS followers_count,
    s.fetched_at
FROM staging.stg_raw__current_snapshots AS s
JOIN raw.api_pages AS p USING (snapshot_id),
LATERAL (SELECT unnest(json_extract(p.payload, '$.data[*]')) AS c)
WHERE s.platform = 'facebook' AND s.stream = 'page';
