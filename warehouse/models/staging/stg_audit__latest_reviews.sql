-- The latest review decision on each exception key: the one the weekly run honours (warehouse/lifecycle.py) and the
-- report shows beside an accepted or false-positive exception. Of two decisions recorded in the same instant, the
-- higher review_id wins, so each key has exactly one row.
CREATE OR REPLACE VIEW staging.stg_audit__latest_reviews AS
SELECT
    review_id, key, decision, status_before, status_after, reviewer, note, accepted_until, evidence_sha256, as_of,
    source, reviewed_at, event_id
FROM audit.reviews
QUALIFY row_number() OVER (PARTITION BY key ORDER BY reviewed_at DESC, review_id DESC) = 1;
