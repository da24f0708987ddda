-- X posts known to no longer exist: a run looked them up (GET /2/tweets?ids=, the posts that still had open
-- exceptions) and X answered `resource-not-found` for them (the problem type spelled with api.x.com or
-- api.twitter.com: X uses both), or the school's X archive lists them in `deleted-tweets.js` (the posts the school
-- deleted; stream `deleted_posts`, imported by `socialaudit import-x-archive`). Post ids are never reused, so a
-- post found deleted stays deleted. An error of any other kind (not authorised, a fault) says nothing about the post.
CREATE OR REPLACE VIEW staging.stg_x__deleted_posts AS
WITH answered AS (
    SELECT
        s.account_id, s.as_of, s.fetched_at,
        string_split(json_extract_string(p.request, '$.ids'), ',') AS asked,
        unnest(json_extract(p.payload, '$.errors[*]')) AS e
    FROM raw.snapshots AS s
    JOIN raw.api_pages AS p USING (snapshot_id)
    WHERE s.platform = 'x' AND s.stream = 'post_lookup'
),
looked_up AS (
    SELECT
        account_id,
        coalesce(json_extract_string(e, '$.resource_id'), json_extract_string(e, '$.value')) AS post_id,
        as_of, fetched_at
    FROM answered
    WHERE json_extract_string(e, '$.type') IN (
            'https://api.x.com/2/problems/resource-not-found',
            'https://api.twitter.com/2/problems/resource-not-found'
        )
      AND json_extract_string(e, '$.resource_type') = 'tweet'
      AND list_contains(asked, coalesce(json_extract_string(e, '$.resource_id'), json_extract_string(e, '$.value')))
),
archived AS (
    SELECT s.account_id, d ->> 'id' AS post_id, s.as_of, s.fetched_at
    FROM raw.snapshots AS s
    JOIN raw.api_pages AS p USING (snapshot_id), unnest(json_extract(p.payload, '$.data[*]')) AS x(d)
    WHERE s.platform = 'x' AND s.stream = 'deleted_posts'
)
SELECT account_id, post_id, min(as_of) AS found_deleted_on, min(fetched_at) AS found_deleted_at
FROM (SELECT * FROM looked_up UNION ALL SELECT * FROM archived)
WHERE post_id IS NOT NULL
GROUP BY account_id, post_id;
