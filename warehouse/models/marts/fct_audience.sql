-- Everyone connected to an official account in a week, as each platform shows them (followers, following, visible
-- subscribers, commenters): each declared platform's rows, from the staging model it names for this mart
-- (platforms/; its header says what that platform lists). The input of identity resolution: every text field a
-- profile shows (profile_url: the address a profile links, expanded).
CREATE OR REPLACE VIEW marts.fct_audience AS
{{ platform_rows:
    as_of, platform, account_id, relation, subject_id, handle, display_name, description, location, created_at,
    protected, subject_url, profile_url }};
