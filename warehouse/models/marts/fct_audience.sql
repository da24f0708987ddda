-- Everyone connected to an official account in a week: X followers and following, visible YouTube subscribers
-- and commenters (of a top-level comment or a reply, in any moderation state), and the commenters a Facebook Page's
-- or an Instagram account's token is shown (by name on Facebook, by username on Instagram), as last read, in the
-- latest week that read the account (neither platform lists followers). The input of identity resolution: every
-- text field a profile shows (profile_url: the address an X profile links, expanded).
CREATE OR REPLACE VIEW marts.fct_audience AS
SELECT
    as_of, 'x' AS platform, account_id, relation, user_id AS subject_id,
    username AS handle, display_name, description, location, created_at, protected,
    'https://x.com/' || username AS subject_url,
    coalesce(url_expanded, url) AS profile_url
FROM staging.stg_x__users
WHERE relation IN ('follower', 'following')
UNION ALL
SELECT
    as_of, 'youtube', account_id, 'subscriber', channel_id,
    NULL, title, description, NULL, NULL, NULL,
    'https://www.youtube.com/channel/' || channel_id, NULL
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
)
UNION ALL
SELECT * FROM (
    SELECT DISTINCT ON (c.platform, c.account_id, c.author_id)
        w.as_of, c.platform, c.account_id, 'commenter', c.author_id,
        CASE WHEN c.platform = 'instagram' THEN c.author_name END,
        c.author_name, NULL, NULL, NULL, NULL,
        CASE WHEN c.platform = 'instagram' THEN 'https://www.instagram.com/' || c.author_name || '/' END,
        NULL
    FROM marts.fct_meta_comments AS c
    JOIN (
        SELECT platform, account_id, max(as_of) AS as_of
        FROM raw.snapshots WHERE platform IN ('facebook', 'instagram') GROUP BY ALL
    ) AS w USING (platform, account_id)
    -- a comment whose author the token was not shown is judged on its text alone (pupil-named-in-comment)
    WHERE c.author_id IS NOT NULL AND NOT coalesce(c.by_school, false)
    ORDER BY c.platform, c.account_id, c.author_id, c.comment_id
);
