-- The videos the YouTube channel publishes now: every video of its latest videos fetch that anyone but the owner can
-- see (a private video is not published: made private, its findings resolve; made public again, they return). That
-- fetch decides even when it found none (every video was deleted), so a video gone from the channel is gone here.
CREATE OR REPLACE VIEW marts.fct_published_videos AS
SELECT v.*
FROM staging.stg_youtube__videos AS v
WHERE v.as_of = (
    SELECT max(s.as_of) FROM staging.stg_raw__current_snapshots AS s
    WHERE s.platform = 'youtube' AND s.stream = 'videos' AND s.account_id = v.account_id
)
  AND coalesce(v.privacy_status, 'public') <> 'private';
