-- YouTube's rows of marts.fct_audience: the visible subscribers, and the authors of top-level comments and replies
-- under the channel's videos (in any moderation state), per audited week.
CREATE OR REPLACE VIEW staging.stg_youtube__audience AS
SELECT
    as_of, 'youtube' AS platform, account_id, 'subscriber' AS relation, channel_id AS subject_id,
    NULL::VARCHAR AS handle, title AS display_name, description, NULL::VARCHAR AS location,
    NULL::TIMESTAMP AS created_at, NULL::BOOLEAN AS protected,
    'https://www.youtube.com/channel/' || channel_id AS subject_url, NULL::VARCHAR AS profile_url
FROM staging.stg_youtube__subscribers
UNION ALL
SELECT * FROM (
    SELECT DISTINCT ON (as_of, account_id, author_channel_id)
        as_of, 'youtube', account_id, 'commenter', author_channel_id,
        author_display_name, author_display_name, NULL, NULL, NULL, NULL,
        'https://www.youtube.com/channel/' || author_channel_id, NULL
    FROM marts.fct_comments
    WHERE author_channel_id <> account_id  -- the school's own replies under its videos: not its audience
    ORDER BY as_of, account_id, author_channel_id, is_reply, comment_id
);
