-- The snapshot that counts for each stream and audited week: the latest fetch of that week.
CREATE OR REPLACE VIEW staging.stg_raw__current_snapshots AS
SELECT * EXCLUDE (rank_in_week)
FROM (
    SELECT
        s.*,
        row_number() OVER (
            PARTITION BY platform, account_id, stream, as_of ORDER BY fetched_at DESC, snapshot_id DESC
        ) AS rank_in_week
    FROM raw.snapshots AS s
)
WHERE rank_in_week = 1;
