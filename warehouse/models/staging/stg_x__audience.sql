-- X's rows of marts.fct_audience: the official account's followers and following, per audited week, with every text
-- field a profile shows (profile_url: the address the profile links, expanded).
CREATE OR REPLACE VIEW staging.stg_x__audience AS
SELECT
    as_of, 'x' AS platform, account_id, relation, user_id AS subject_id,
    username AS handle, display_name, description, location, created_at, protected,
    'https://x.com/' || username AS subject_url,
    coalesce(url_expanded, url) AS profile_url
FROM staging.stg_x__users
WHERE relation IN ('follower', 'following');
