-- Facebook's rows of marts.fct_audience: the commenters the Page's token is shown (by name; Facebook lists no
-- followers), as last read, in the latest week that read the Page.
CREATE OR REPLACE VIEW staging.stg_facebook__audience AS
SELECT DISTINCT ON (c.account_id, c.author_id)
    w.as_of, 'facebook' AS platform, c.account_id, 'commenter' AS relation, c.author_id AS subject_id,
    NULL::VARCHAR AS handle, c.author_name AS display_name, NULL::VARCHAR AS description, NULL::VARCHAR AS location,
    NULL::TIMESTAMP AS created_at, NULL::BOOLEAN AS protected, NULL::VARCHAR AS subject_url,
    NULL::VARCHAR AS profile_url
FROM marts.fct_meta_comments AS c
JOIN (
    SELECT account_id, max(as_of) AS as_of FROM raw.snapshots WHERE platform = 'facebook' GROUP BY ALL
) AS w USING (account_id)
-- a comment whose author the token was not shown is judged on its text alone (pupil-named-in-comment)
WHERE c.platform = 'facebook' AND c.author_id IS NOT NULL AND NOT coalesce(c.by_school, false)
ORDER BY c.account_id, c.author_id, c.comment_id;
