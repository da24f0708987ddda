-- X's rows of marts.fct_official_account_settings: the official account's own user object, per audited week.
CREATE OR REPLACE VIEW staging.stg_x__account_settings AS
SELECT
    'x' AS platform, account_id, as_of, user_id AS platform_id, username AS handle, display_name, description,
    protected
FROM staging.stg_x__users
WHERE relation = 'account';
