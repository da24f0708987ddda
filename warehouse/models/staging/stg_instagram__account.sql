-- The Instagram professional account node per audited week.
CREATE OR REPLACE VIEW staging.stg_instagram__account AS
SELECT
    s.as_of, s.account_id, c ->> 'id' AS ig_user_id, c ->> 'username' AS username, c ->> 'name' AS name,
    c ->> 'biography' AS biography, TRY_CAST(c ->> 'followers_count' AS BIGINT) AS followers_count, s.fetched_at
FROM staging.stg_raw__current_snapshots AS s
JOIN raw.api_pages AS p USING (snapshot_id),
LATERAL (SELECT unnest(json_extract(p.payload, '$.data[*]')) AS c)
WHERE s.platform = 'instagram' AND s.stream = 'account';
