-- Each fact said once in docs/data-dictionary.md, which is generated from these descriptions: the dictionary now says
-- once that times are UTC, so "(UTC)" leaves each time column's description; and a stored table's description no
-- longer repeats what its column descriptions (audit.remediations.stage, audit.exception_events.event) or the dpo
-- view showing it (dpo.post_checks, dpo.image_text, dpo.exception_reviews) already say.
COMMENT ON COLUMN audit.access_log.accessed_at IS 'When.';
COMMENT ON COLUMN audit.action_permissions.checked_at IS 'When.';
COMMENT ON COLUMN audit.erasures.performed_at IS 'When it was committed.';
COMMENT ON COLUMN audit.pending_decisions.proposed_at IS 'When.';
COMMENT ON COLUMN audit.post_approvals.approved_at IS 'When it was approved.';
COMMENT ON COLUMN audit.post_checks.checked_at IS 'When the draft was checked.';
COMMENT ON COLUMN audit.purge_log.purged_at IS 'When committed with the run.';
COMMENT ON COLUMN audit.remediations.recorded_at IS 'When.';
COMMENT ON COLUMN audit.replaced_stream_status.replaced_at IS 'When.';
COMMENT ON COLUMN audit.subject_access_requests.performed_at IS 'When the export was written.';
COMMENT ON COLUMN meta.output_folders.last_stored_at IS 'When.';
COMMENT ON COLUMN meta.warehouse_secret.created_at IS 'When it was made.';
COMMENT ON COLUMN raw.api_pages.fetched_at IS 'When the page arrived.';
COMMENT ON COLUMN raw.image_readings.read_at IS 'When the image was read.';
COMMENT ON COLUMN raw.snapshots.fetched_at IS 'When the fetch finished.';
COMMENT ON COLUMN ref.register_holds.accepted_at IS 'When it was confirmed.';
COMMENT ON COLUMN ref.register_loads.loaded_at IS 'When that version was loaded.';
COMMENT ON TABLE audit.exception_events IS 'Append-only history of every exception, one row per event.';
COMMENT ON TABLE audit.post_checks IS 'One row per draft checked before posting (dpo.post_checks).';
COMMENT ON TABLE audit.post_check_images IS 'Each checked draft''s images: fingerprints (kept, to recognise a published copy) and the image for the approver.';
COMMENT ON TABLE audit.remediations IS 'Append-only: one row per step (stage) of each action on an exception.';
COMMENT ON TABLE audit.reviews IS 'Append-only: every review decision on an exception (dpo.exception_reviews).';
COMMENT ON COLUMN audit.reviews.evidence_sha256 IS 'The finding''s fingerprint when decided: a false positive reopens when it changes.';
COMMENT ON COLUMN audit.stream_status.cost_usd IS 'X: what X bills for what this stream returned, at the price [api] x_app_owned_by_account implies, a resource once a UTC day (one an earlier stream returned is not counted again); the posts row includes look-ups of posts with open exceptions.';
COMMENT ON TABLE raw.image_text IS 'Lines of text read in each image (a certificate, a name card): personal data when they name someone (dpo.image_text).';
