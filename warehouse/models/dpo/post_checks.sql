-- Drafts checked before posting (check-post, the review app's "Check a post"), each with its approval if it has one.
CREATE OR REPLACE VIEW dpo.post_checks AS
SELECT
    c.check_id, c.checked_at, c.checked_by, c.via, c.platform, c.draft_text, c.pupils_pictured, c.verdict,
    json_array_length(c.findings) AS findings, c.findings AS finding_details,
    (SELECT count(*) FROM audit.post_check_images AS i WHERE i.check_id = c.check_id) AS images,
    (SELECT count(*) FROM audit.post_check_images AS i WHERE i.check_id = c.check_id AND i.image IS NOT NULL)
        AS images_kept,
    a.approval_id, a.approved_by, a.approved_at
FROM audit.post_checks AS c
LEFT JOIN audit.post_approvals AS a USING (check_id);
COMMENT ON VIEW dpo.post_checks IS 'Every draft checked before posting, with its approval. An approved draft''s images count as approved media from the next run. Retention removes draft text and images after raw_pages_weeks; subject access and erasure reach the checks naming or picturing a person.';
COMMENT ON COLUMN dpo.post_checks.check_id IS 'Id of the check (check-post prints it).';
COMMENT ON COLUMN dpo.post_checks.checked_at IS 'When (UTC) the draft was checked.';
COMMENT ON COLUMN dpo.post_checks.checked_by IS 'Who checked it: the signed-in poster, or the --by name with the operating-system user in brackets (the user alone without --by).';
COMMENT ON COLUMN dpo.post_checks.via IS 'cli or app.';
COMMENT ON COLUMN dpo.post_checks.platform IS 'Where the draft is to be posted: x or youtube.';
COMMENT ON COLUMN dpo.post_checks.draft_text IS 'The draft''s text (may name a child); null once retention or an erasure removed it.';
COMMENT ON COLUMN dpo.post_checks.pupils_pictured IS 'Register pupil_ids the poster declared the photos show.';
COMMENT ON COLUMN dpo.post_checks.verdict IS 'ok (nothing stands in the way) or hold (findings to settle before posting).';
COMMENT ON COLUMN dpo.post_checks.findings IS 'Findings the check had.';
COMMENT ON COLUMN dpo.post_checks.finding_details IS 'Each finding: rule, severity, evidence, image.';
COMMENT ON COLUMN dpo.post_checks.images IS 'Images in the draft (fingerprints kept).';
COMMENT ON COLUMN dpo.post_checks.images_kept IS 'Images whose bytes are still held for the approver.';
COMMENT ON COLUMN dpo.post_checks.approval_id IS 'The approval, or null when the draft was never approved.';
COMMENT ON COLUMN dpo.post_checks.approved_by IS 'Who approved it, named as checked_by is.';
COMMENT ON COLUMN dpo.post_checks.approved_at IS 'When (UTC) it was approved.';
