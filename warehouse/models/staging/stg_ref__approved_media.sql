-- The current version of the approved_media register (the most recent load).
CREATE OR REPLACE VIEW staging.stg_ref__approved_media AS
SELECT r.* EXCLUDE (load_id)
FROM ref.approved_media AS r
WHERE r.load_id = (SELECT load_id FROM ref.register_loads ORDER BY loaded_at DESC, load_id DESC LIMIT 1);
