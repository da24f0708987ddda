-- The videos the YouTube channel publishes now: every video of its latest videos fetch. That fetch decides even
-- when it found none (every video was deleted), so a video gone from the channel is gone from here.
CREATE OR REPLACE VIEW marts.fct_published_videos AS
SELECT v.*
FROM staging.stg_youtube__videos AS v
WHERE v.as_of = (
    SELECT max(s.as_of) FROM staging.stg_raw__current_snapshots AS s
    WHERE s.platform = 'youtube' AND s.stream = 'videos' AND s.account_id = v.account_id
);
