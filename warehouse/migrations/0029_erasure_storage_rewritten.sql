-- An erasure deletes the rows in its transaction; its storage (a DuckDB file's freed blocks, a lake's masked data
-- files and old snapshots) is rewritten afterwards, and that can fail or be stopped. The record says whether it was
-- done, so the DPO can tell, and so the next weekly run or erasure finds what is still owed and does it. Erasures
-- recorded before this column existed are rewritten once more by the next run: their records cannot say.
ALTER TABLE audit.erasures ADD COLUMN storage_rewritten_at TIMESTAMP;
COMMENT ON COLUMN audit.erasures.storage_rewritten_at IS 'When (UTC) the storage was rewritten after it, so no freed space keeps the erased rows; empty while owed: the next run or erasure does it.';
