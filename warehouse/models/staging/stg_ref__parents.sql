-- The current version of the parents register (the most recent load).
CREATE OR REPLACE VIEW staging.stg_ref__parents AS
SELECT r.* EXCLUDE (load_id)
FROM ref.parents AS r
WHERE r.load_id = (SELECT load_id FROM ref.register_loads ORDER BY loaded_at DESC, load_id DESC LIMIT 1);
