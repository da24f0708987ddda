-- Instagram's rows of marts.fct_audience: the commenters the account's token is shown (by username; Instagram lists
-- no followers), as last read, in the latest week that read the account.
CREATE OR REPLACE VIEW staging.stg_instagram__audience AS
SELECT DISTINCT ON (c.account_id, c.author_id)
    w.as_of, 'instagram' AS platform, c.account_id, 'commenter' AS relation, c.author_id AS subject_id,
    c.author_name AS handle, c.author_name AS display_name, NULL::VARCHAR AS description, NULL::VARCHAR AS location,
    NULL::TIMESTAMP AS created_at, NULL::BOOLEAN AS protected,
    'https://www.instagram.com/' || c.author_name || '/' AS subject_url, NULL::VARCHAR AS profile_url
FROM marts.fct_meta_comments AS c
JOIN (
    SELECT account_id, max(as_of) AS as_of FROM raw.snapshots WHERE platform = 'instagram' GROUP BY ALL
) AS w USING (account_id)
-- a comment whose author the token was not shown is judged on its text alone (pupil-named-in-comment)
WHERE c.platform = 'instagram' AND c.author_id IS NOT NULL AND NOT coalesce(c.by_school, false)
ORDER BY c.account_id, c.author_id, c.comment_id;
