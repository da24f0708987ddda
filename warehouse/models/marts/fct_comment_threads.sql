-- Comment threads on the channel's videos per audited week whose top-level comment has an author channel, one row
-- per thread: who wrote it, on which video, and what it says.
CREATE OR REPLACE VIEW marts.fct_comment_threads AS
SELECT DISTINCT ON (as_of, account_id, thread_id)
    as_of, account_id, thread_id, comment_id, video_id, author_channel_id, author_display_name, text
FROM staging.stg_youtube__comments
WHERE author_channel_id IS NOT NULL;
