-- Each fact said once in docs/data-dictionary.md, which is generated from these descriptions: a stored table's
-- description no longer repeats what its column descriptions (audit.remediations.stage,
-- audit.exception_events.event) or the dpo view showing it (dpo.post_checks, dpo.image_text,
-- dpo.exception_reviews) already say.
COMMENT ON TABLE audit.exception_events IS 'Append-only history of every exception, one row per event.';
COMMENT ON TABLE audit.post_checks IS 'One row per draft checked before posting (dpo.post_checks).';
COMMENT ON TABLE audit.post_check_images IS 'Each checked draft''s images: fingerprints (kept, to recognise a published copy) and the image for the approver.';
COMMENT ON TABLE audit.remediations IS 'Append-only: one row per step (stage) of each action on an exception.';
COMMENT ON TABLE audit.reviews IS 'Append-only: every review decision on an exception (dpo.exception_reviews).';
COMMENT ON COLUMN audit.reviews.evidence_sha256 IS 'The finding''s fingerprint when decided: a false positive reopens when it changes.';
COMMENT ON COLUMN audit.stream_status.cost_usd IS 'X: what X bills for what this stream returned, at the price [api] x_app_owned_by_account implies, a resource once a UTC day (one an earlier stream returned is not counted again); the posts row includes look-ups of posts with open exceptions.';
COMMENT ON TABLE raw.image_text IS 'Lines of text read in each image (a certificate, a name card): personal data when they name someone (dpo.image_text).';
