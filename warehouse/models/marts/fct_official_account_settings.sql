-- The official accounts' own settings (an X user object, a YouTube channel, a Facebook Page, ...), one row per account
-- per audited week: each declared platform's rows, from the staging model it names for this mart (platforms/).
CREATE OR REPLACE VIEW marts.fct_official_account_settings AS
{{ platform_rows: platform, account_id, as_of, platform_id, handle, display_name, description, protected }};
