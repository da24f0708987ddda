-- Every subject an exception can be about that the platforms showed, per audited week: followers, following,
-- visible subscribers, comment threads and videos of that week, the posts and visible comments the latest
-- Facebook and Instagram fetches show, and every X post stored (posts arrive
-- incrementally, so a stored post counts as present), each platform's from the staging model its declaration
-- names; and every official account read. An exception whose subject is here is about something still on the
-- platform, so it cannot be "resolved: subject gone".
CREATE OR REPLACE VIEW marts.fct_subjects_present AS
{{ platform_rows: as_of, platform, account_id, subject_kind, subject_id }}
UNION ALL
SELECT as_of, platform, account_id, 'account', account_id
FROM (SELECT DISTINCT as_of, platform, account_id FROM raw.snapshots);
