-- What each stream cost and what the platform could not return beside it (issue 22): YouTube quota units and X
-- dollars spent per stream, the X estimate the spend guard checked, and the objects a platform named in `errors`
-- beside the data of a page it answered (a quoted post X cannot return).

ALTER TABLE audit.stream_status ADD COLUMN partial_errors INTEGER;
ALTER TABLE audit.stream_status ADD COLUMN quota_units INTEGER;
ALTER TABLE audit.stream_status ADD COLUMN cost_usd DOUBLE;
ALTER TABLE audit.stream_status ADD COLUMN estimated_cost_usd DOUBLE;
COMMENT ON COLUMN audit.stream_status.partial_errors IS 'Objects the platform said, beside the data it returned, that it could not return (X `errors` in a 200 with `data`): the stream was read, these objects were not.';
COMMENT ON COLUMN audit.stream_status.quota_units IS 'YouTube: quota units this stream spent from the Google Cloud project''s daily allowance (every request counts, retries and refusals included).';
COMMENT ON COLUMN audit.stream_status.cost_usd IS 'X: what X bills for the resources this stream returned, at the price school.toml [api] x_app_owned_by_account implies (the posts row includes the look-ups of posts with open exceptions).';
COMMENT ON COLUMN audit.stream_status.estimated_cost_usd IS 'X, on the account row: the run''s whole X bill as estimated before any paid read (checked against [api] max_x_cost_per_run).';
