-- Every comment with an author channel on the channel's videos per audited week, in every moderation state read:
-- top-level comments and replies (embedded or listed), one row per comment. A reply whose own payload does not
-- say its video takes its thread's.
CREATE OR REPLACE VIEW marts.fct_comments AS
WITH top_level AS (
    SELECT DISTINCT ON (as_of, account_id, comment_id)
        as_of, account_id, thread_id, comment_id, video_id, FALSE AS is_reply, moderation_status,
        author_channel_id, author_display_name, text, published_at
    FROM staging.stg_youtube__comments
    WHERE comment_id IS NOT NULL
    ORDER BY as_of, account_id, comment_id, moderation_status
),
thread_videos AS (
    SELECT DISTINCT ON (as_of, account_id, thread_id) as_of, account_id, thread_id, video_id
    FROM top_level
    ORDER BY as_of, account_id, thread_id, video_id
)
SELECT * FROM top_level WHERE author_channel_id IS NOT NULL
UNION ALL
SELECT
    r.as_of, r.account_id, r.thread_id, r.comment_id, coalesce(r.video_id, t.video_id), TRUE, r.moderation_status,
    r.author_channel_id, r.author_display_name, r.text, r.published_at
FROM staging.stg_youtube__comment_replies AS r
LEFT JOIN thread_videos AS t USING (as_of, account_id, thread_id)
WHERE r.author_channel_id IS NOT NULL
  AND NOT EXISTS (
      SELECT 1 FROM top_level AS c
      WHERE c.as_of = r.as_of AND c.account_id = r.account_id AND c.comment_id = r.comment_id
  );
