-- The official accounts' own settings, one row per account per audited week (X user object, YouTube channel,
-- Facebook Page, Instagram account).
CREATE OR REPLACE VIEW marts.fct_official_account_settings AS
SELECT 'x' AS platform, account_id, as_of, user_id AS platform_id, username AS handle, display_name, description,
    protected
FROM staging.stg_x__users
WHERE relation = 'account'
UNION ALL
SELECT 'youtube', account_id, as_of, channel_id, custom_url, title, description, NULL
FROM staging.stg_youtube__channel
UNION ALL
SELECT 'facebook', account_id, as_of, page_id, username, name, description, NULL FROM staging.stg_facebook__page
UNION ALL
SELECT 'instagram', account_id, as_of, ig_user_id, username, name, biography, NULL FROM staging.stg_instagram__account;
