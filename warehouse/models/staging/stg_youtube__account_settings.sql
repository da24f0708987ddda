-- YouTube's rows of marts.fct_official_account_settings: the channel, per audited week.
CREATE OR REPLACE VIEW staging.stg_youtube__account_settings AS
SELECT
    'youtube' AS platform, account_id, as_of, channel_id AS platform_id, custom_url AS handle, title AS display_name,
    description, NULL::BOOLEAN AS protected
FROM staging.stg_youtube__channel;
