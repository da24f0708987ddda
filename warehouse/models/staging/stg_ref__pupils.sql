-- The current version of the pupils register (the most recent load).
CREATE OR REPLACE VIEW staging.stg_ref__pupils AS
SELECT r.* EXCLUDE (load_id)
FROM ref.pupils AS r
WHERE r.load_id = (SELECT load_id FROM ref.register_loads ORDER BY loaded_at DESC, load_id DESC LIMIT 1);
