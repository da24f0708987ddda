-- The official accounts' own settings, one row per account per audited week (X user object, YouTube channel,
-- Facebook Page, Instagram account): each platform's rows come from the staging model its declaration names.
CREATE OR REPLACE VIEW marts.fct_official_account_settings AS
{{ platform_rows: platform, account_id, as_of, platform_id, handle, display_name, description, protected }};
