-- Instagram's rows of marts.fct_official_account_settings: the professional account, per audited week.
CREATE OR REPLACE VIEW staging.stg_instagram__account_settings AS
SELECT
    'instagram' AS platform, account_id, as_of, ig_user_id AS platform_id, username AS handle, name AS display_name,
    biography AS description, NULL::BOOLEAN AS protected
FROM staging.stg_instagram__account;
