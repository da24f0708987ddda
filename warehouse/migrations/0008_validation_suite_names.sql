-- What a suite name says, for the DPO reading the table: from 2026-11-23 a raw suite exists only for a stream the
-- account's platform has and that was read that week (earlier weeks also hold empty, passing suites for the
-- other platform's streams and for streams that were not read).

COMMENT ON COLUMN audit.validation_results.suite IS 'A register (pupils, staff, parents, approved_media), or a raw stream of one official account as `<stream>@<account id>` (x_followers@1580000000000000001): one per stream read that week; a stream not read has none.';
