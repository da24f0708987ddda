-- Every X post held (posts arrive incrementally, from the API or from an imported X archive), one copy of each:
-- the API's when there is one (it carries alt text; the archive does not), else the newest. A post X says was
-- deleted is left out, so its exceptions resolve.
-- Posts the school quotes or reposts arrive beside its own (`includes.tweets`): their images are published by
-- the school too, so `media_keys` lists them after the post's own attachments.
-- A post over 280 characters is read whole: its `note_tweet.text` (`note_post` in the 2026 OpenAPI spelling),
-- whose `text` is cut short. An edited post is audited as its latest version: a version another held post lists
-- earlier in its `edit_history_tweet_ids` is no longer a live post, so it is left out (its exceptions resolve).
CREATE OR REPLACE VIEW staging.stg_x__posts AS
WITH unnested AS (
    SELECT s.account_id, s.fetched_at, s.source, p.snapshot_id, unnest(json_extract(p.payload, '$.data[*]')) AS t
    FROM raw.snapshots AS s
    JOIN raw.api_pages AS p USING (snapshot_id)
    WHERE s.platform = 'x' AND s.stream = 'posts'
),
ranked AS (
    SELECT *, row_number() OVER (
        PARTITION BY t ->> 'id' ORDER BY (source = 'archive'), fetched_at DESC
    ) AS copy_rank
    FROM unnested
),
included AS (
    SELECT p.snapshot_id, i.inc ->> 'id' AS ref_id,
        coalesce(json_extract_string(i.inc, '$.attachments.media_keys[*]'), []::VARCHAR[]) AS ref_keys
    FROM raw.api_pages AS p, unnest(json_extract(p.payload, '$.includes.tweets[*]')) AS i(inc)
),
superseded AS (
    SELECT DISTINCT unnest(list_slice(h.ids, 1, len(h.ids) - 1)) AS post_id
    FROM (
        SELECT coalesce(
            json_extract_string(t, '$.edit_history_tweet_ids[*]'),
            json_extract_string(t, '$.edit_history_post_ids[*]')
        ) AS ids
        FROM unnested
    ) AS h
    WHERE len(h.ids) > 1
),
shared AS (
    SELECT r.t ->> 'id' AS post_id, flatten(list(inc.ref_keys ORDER BY inc.ref_id)) AS shared_keys
    FROM ranked AS r, unnest(json_extract(r.t, '$.referenced_tweets[*]')) AS ref(reference)
    JOIN included AS inc ON inc.snapshot_id = r.snapshot_id AND inc.ref_id = (ref.reference ->> 'id')
    WHERE r.copy_rank = 1 AND (ref.reference ->> 'type') IN ('quoted', 'retweeted')
    GROUP BY 1
)
SELECT
    r.account_id,
    r.t ->> 'id' AS post_id,
    coalesce(r.t -> 'note_tweet' ->> 'text', r.t -> 'note_post' ->> 'text', r.t ->> 'text') AS text,
    TRY_CAST(r.t ->> 'created_at' AS TIMESTAMPTZ) AS created_at,
    r.t ->> 'author_id' AS author_id,
    list_concat(
        coalesce(json_extract_string(r.t, '$.attachments.media_keys[*]'), []::VARCHAR[]),
        list_filter(
            coalesce(s.shared_keys, []::VARCHAR[]),
            k -> NOT list_contains(coalesce(json_extract_string(r.t, '$.attachments.media_keys[*]'), []::VARCHAR[]), k)
        )
    ) AS media_keys,
    CASE
        WHEN len(json_extract_string(r.t, '$.note_tweet.entities.hashtags[*].tag')) > 0
            THEN json_extract_string(r.t, '$.note_tweet.entities.hashtags[*].tag')
        WHEN len(json_extract_string(r.t, '$.note_post.entities.hashtags[*].tag')) > 0
            THEN json_extract_string(r.t, '$.note_post.entities.hashtags[*].tag')
        ELSE coalesce(json_extract_string(r.t, '$.entities.hashtags[*].tag'), []::VARCHAR[])
    END AS hashtags,
    r.fetched_at,
    r.source
FROM ranked AS r
LEFT JOIN shared AS s ON s.post_id = (r.t ->> 'id')
WHERE r.copy_rank = 1
  AND (r.t ->> 'id') NOT IN (SELECT post_id FROM staging.stg_x__deleted_posts)
  AND (r.t ->> 'id') NOT IN (SELECT post_id FROM superseded);
