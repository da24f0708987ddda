-- X user objects of followers, following and the account itself, one row per user per week.
CREATE OR REPLACE VIEW staging.stg_x__users AS
WITH pages AS (
    SELECT s.as_of, s.account_id, s.stream, s.fetched_at, p.page_no, p.payload
    FROM staging.stg_raw__current_snapshots AS s
    JOIN raw.api_pages AS p USING (snapshot_id)
    WHERE s.platform = 'x' AND s.stream IN ('followers', 'following', 'account')
),
users AS (
    SELECT
        as_of, account_id, stream, fetched_at, page_no,
        CASE WHEN stream = 'account' THEN [payload -> '$.data'] ELSE json_extract(payload, '$.data[*]') END AS list
    FROM pages
),
unnested AS (
    SELECT as_of, account_id, stream, fetched_at, page_no,
           unnest(list) AS u, generate_subscripts(list, 1) AS position_in_page
    FROM users
)
SELECT
    as_of,
    account_id,
    CASE stream WHEN 'followers' THEN 'follower' ELSE stream END AS relation,
    page_no * 100000 + position_in_page AS position,
    u ->> 'id' AS user_id,
    u ->> 'username' AS username,
    u ->> 'name' AS display_name,
    u ->> 'description' AS description,
    u ->> 'location' AS location,
    u ->> 'url' AS url,
    -- X shortens the profile's url to t.co; the address the person wrote is its expansion.
    u ->> '$.entities.url.urls[0].expanded_url' AS url_expanded,
    TRY_CAST(u ->> 'created_at' AS TIMESTAMPTZ) AS created_at,
    TRY_CAST(u ->> 'protected' AS BOOLEAN) AS protected,
    TRY_CAST(u -> 'public_metrics' ->> 'followers_count' AS BIGINT) AS followers_count,
    TRY_CAST(u -> 'public_metrics' ->> 'following_count' AS BIGINT) AS following_count,
    TRY_CAST(u -> 'public_metrics' ->> 'tweet_count' AS BIGINT) AS post_count,
    fetched_at
FROM unnested;
