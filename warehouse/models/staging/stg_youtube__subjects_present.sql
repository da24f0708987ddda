-- YouTube's rows of marts.fct_subjects_present: visible subscribers, comment threads and videos, per audited week.
CREATE OR REPLACE VIEW staging.stg_youtube__subjects_present AS
SELECT as_of, 'youtube' AS platform, account_id, 'subscriber' AS subject_kind, channel_id AS subject_id
FROM staging.stg_youtube__subscribers
UNION ALL
SELECT as_of, 'youtube', account_id, 'comment', thread_id FROM staging.stg_youtube__comments
UNION ALL
SELECT as_of, 'youtube', account_id, 'video', video_id FROM staging.stg_youtube__videos;
