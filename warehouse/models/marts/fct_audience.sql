-- Everyone connected to an official account in a week: X followers and following, visible YouTube subscribers
-- and commenters (of a top-level comment or a reply, in any moderation state), and the commenters a Facebook Page's
-- or an Instagram account's token is shown (by name on Facebook, by username on Instagram), as last read, in the
-- latest week that read the account (neither platform lists followers). The input of identity resolution: every
-- text field a profile shows (profile_url: the address an X profile links, expanded). Each platform's rows come
-- from the staging model its declaration names.
CREATE OR REPLACE VIEW marts.fct_audience AS
{{ platform_rows:
    as_of, platform, account_id, relation, subject_id, handle, display_name, description, location, created_at,
    protected, subject_url, profile_url }};
