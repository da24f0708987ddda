-- The Page's posts of its latest fetch (its own, and those others published on it: `by_visitor`), one row each,
-- with the photos and video thumbnails they carry (`media_ids`: each photo of a multi-photo post in order).
CREATE OR REPLACE VIEW staging.stg_facebook__posts AS
WITH latest AS (
    SELECT s.account_id, s.stream, s.snapshot_id
    FROM staging.stg_raw__current_snapshots AS s
    WHERE s.platform = 'facebook' AND s.stream IN ('posts', 'visitor_posts')
      AND s.as_of = (SELECT max(l.as_of) FROM staging.stg_raw__current_snapshots AS l
                     WHERE l.platform = 'facebook' AND l.stream = s.stream AND l.account_id = s.account_id)
),
unnested AS (
    SELECT l.account_id, l.stream, unnest(json_extract(p.payload, '$.data[*]')) AS post
    FROM latest AS l JOIN raw.api_pages AS p USING (snapshot_id)
),
attached AS (
    SELECT u.account_id, u.post ->> 'id' AS post_id, a.attachment
    FROM unnested AS u, unnest(json_extract(u.post, '$.attachments.data[*]')) AS a(attachment)
),
items AS (
    SELECT a.account_id, a.post_id, s.sub AS item
    FROM attached AS a, unnest(json_extract(a.attachment, '$.subattachments.data[*]')) AS s(sub)
    UNION ALL
    SELECT account_id, post_id, attachment FROM attached
    WHERE coalesce(json_array_length(attachment, '$.subattachments.data'), 0) = 0
),
media AS (
    SELECT account_id, post_id,
        list(coalesce(item -> 'target' ->> 'id', post_id)) FILTER (
            WHERE coalesce(item ->> 'type', item ->> 'media_type') LIKE 'photo%'
               OR coalesce(item ->> 'type', item ->> 'media_type') LIKE 'video%'
        ) AS media_ids
    FROM items GROUP BY account_id, post_id
)
SELECT DISTINCT ON (u.account_id, u.post ->> 'id')
    u.account_id, u.post ->> 'id' AS post_id, u.stream = 'visitor_posts' AS by_visitor, u.post ->> 'message' AS message,
    TRY_CAST(u.post ->> 'created_time' AS TIMESTAMPTZ) AS created_at, u.post ->> 'permalink_url' AS permalink_url,
    u.post -> 'from' ->> 'id' AS author_id, u.post -> 'from' ->> 'name' AS author_name,
    coalesce(m.media_ids, []::VARCHAR[]) AS media_ids
FROM unnested AS u
LEFT JOIN media AS m ON m.account_id = u.account_id AND m.post_id = (u.post ->> 'id')
ORDER BY u.account_id, u.post ->> 'id';
