-- Facebook's rows of marts.fct_official_account_settings: the Page, per audited week.
CREATE OR REPLACE VIEW staging.stg_facebook__account_settings AS
SELECT
    'facebook' AS platform, account_id, as_of, page_id AS platform_id, username AS handle, name AS display_name,
    description, NULL::BOOLEAN AS protected
FROM staging.stg_facebook__page;
