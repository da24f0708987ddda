-- Every comment and reply on a Facebook Page's or an Instagram account's posts, as last read: a post's comments come
-- from the latest run that read them (a run reads them again only when the post changed or has an open exception),
-- for the posts the latest fetch still lists. A hidden comment is out of public view and left out, and so is every
-- comment on an Instagram post whose commenting is off (Instagram hides them). `author_id` is null when the token
-- was not shown who wrote it.
CREATE OR REPLACE VIEW marts.fct_meta_comments AS
WITH pages AS (
    SELECT s.platform, s.account_id, s.as_of, s.fetched_at, p.request ->> 'post' AS post_id, p.payload
    FROM raw.snapshots AS s JOIN raw.api_pages AS p USING (snapshot_id)
    WHERE s.platform IN ('facebook', 'instagram') AND s.stream = 'comments'
),
last_read AS (
    SELECT platform, account_id, post_id, max(fetched_at) AS fetched_at FROM pages GROUP BY ALL
),
comments AS (
    SELECT p.platform, p.account_id, p.post_id, unnest(json_extract(p.payload, '$.data[*]')) AS c
    FROM pages AS p JOIN last_read USING (platform, account_id, post_id, fetched_at)
),
posts AS (
    SELECT 'facebook' AS platform, account_id, post_id, len(media_ids) > 0 AS carries_media, permalink_url AS post_url
    FROM staging.stg_facebook__posts
    UNION ALL
    SELECT DISTINCT 'instagram', account_id, media_id, true, permalink FROM staging.stg_instagram__media
    WHERE comments_enabled IS DISTINCT FROM false
)
SELECT DISTINCT ON (c.platform, c.account_id, c ->> 'id')
    c.platform, c.account_id, c.post_id, c ->> 'id' AS comment_id,
    coalesce(c -> 'parent' ->> 'id', c ->> 'parent_id') AS parent_id,
    coalesce(c ->> 'message', c ->> 'text') AS text,
    coalesce(c -> 'from' ->> 'id', c ->> 'username') AS author_id,
    coalesce(c -> 'from' ->> 'name', c -> 'from' ->> 'username', c ->> 'username') AS author_name,
    coalesce(c -> 'from' ->> 'id', c ->> 'username') = c.account_id AS by_school,
    p.carries_media, p.post_url
FROM comments AS c
JOIN posts AS p ON p.platform = c.platform AND p.account_id = c.account_id AND p.post_id = c.post_id
WHERE coalesce(TRY_CAST(c ->> 'is_hidden' AS BOOLEAN), TRY_CAST(c ->> 'hidden' AS BOOLEAN), false) = false
ORDER BY c.platform, c.account_id, c ->> 'id';
