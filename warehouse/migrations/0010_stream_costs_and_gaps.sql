-- What each stream cost and what the platform could not return beside it (issue 22): YouTube quota units and X
-- dollars spent per stream, the X estimate the spend guard checked, and the objects a platform named in `errors`
-- beside the data of a page it answered (a quoted post X cannot return).

ALTER TABLE audit.stream_status ADD COLUMN partial_errors INTEGER;
ALTER TABLE audit.stream_status ADD COLUMN quota_units INTEGER;
ALTER TABLE audit.stream_status ADD COLUMN cost_usd DOUBLE;
ALTER TABLE audit.stream_status ADD COLUMN estimated_cost_usd DOUBLE;
COMMENT ON COLUMN audit.stream_status.partial_errors IS 'Objects the platform said, beside the data it returned, that it could not return (X `errors` in a 200 with `data`): the stream was read, these objects were not.';
COMMENT ON COLUMN audit.stream_status.quota_units IS 'YouTube: quota units this stream spent from the Google Cloud project''s daily allowance (every request counts, retries and refusals included).';
COMMENT ON COLUMN audit.stream_status.cost_usd IS 'X: what X bills for the resources this stream returned, at the price school.toml [api] x_app_owned_by_account implies; X bills a resource once a UTC day, so a user an earlier stream returned (both a follower and followed) is not counted again. The posts row includes the look-ups of posts with open exceptions.';
COMMENT ON COLUMN audit.stream_status.estimated_cost_usd IS 'X, on the account row: the run''s whole X bill as estimated before any paid read, from the account''s public_metrics, last week''s posts count and mutual follows, and the posts to look up (checked against [api] max_x_cost_per_run).';
COMMENT ON COLUMN audit.exception_events.event IS 'raised, seen (found again), reviewed, resolved, reopened, expired (an acceptance ran out), or unseen: a YouTube subscriber out of the visible sample for [rules] subscriber_unseen_weeks weeks, put before a person once (the sample is capped, so absence resolves nothing).';
