-- Every subject an exception can be about that the platforms showed, per audited week: each declared platform's
-- followers, subscribers, posts, videos and comments, from the staging model it names for this mart (platforms/;
-- a subject the platform's fetches keep, such as a stored X post, is present in every week), and every official
-- account read. An exception whose subject is here is about something still on the platform, so it cannot be
-- "resolved: subject gone".
CREATE OR REPLACE VIEW marts.fct_subjects_present AS
{{ platform_rows: as_of, platform, account_id, subject_kind, subject_id }}
UNION ALL
SELECT as_of, platform, account_id, 'account', account_id
FROM (SELECT DISTINCT as_of, platform, account_id FROM raw.snapshots);
