-- Drafts checked before they are posted (`socialaudit check-post`, the review app's "Check a post" page) and the
-- approvals given to them. An approval's images are read by the media rules beside approved_media.csv, so the
-- published copies are recognised next week; the checks' image fingerprints let next week's evidence say when a
-- published image was checked with a hold, or never checked at all.

CREATE TABLE audit.post_checks (
    check_id         VARCHAR PRIMARY KEY,
    checked_at       TIMESTAMP NOT NULL,
    checked_by       VARCHAR NOT NULL,
    via              VARCHAR NOT NULL,
    platform         VARCHAR NOT NULL,
    draft_text       VARCHAR,
    pupils_pictured  VARCHAR[] NOT NULL,
    verdict          VARCHAR NOT NULL,
    findings         JSON NOT NULL
);
COMMENT ON TABLE audit.post_checks IS 'One row per draft checked before posting: who checked it, the draft''s text, the pupils its photos show as the poster declared them, and the verdict with every finding. The text is personal data (it may name a child): retention removes it after raw_pages_weeks, an erasure removes the person''s name from it, subject access lists it.';
COMMENT ON COLUMN audit.post_checks.check_id IS 'Id of the check.';
COMMENT ON COLUMN audit.post_checks.checked_at IS 'When (UTC) the draft was checked.';
COMMENT ON COLUMN audit.post_checks.checked_by IS 'Who checked it: the signed-in poster, or the operating-system user of the command line.';
COMMENT ON COLUMN audit.post_checks.via IS 'cli or app.';
COMMENT ON COLUMN audit.post_checks.platform IS 'Where the draft is to be posted: x or youtube.';
COMMENT ON COLUMN audit.post_checks.draft_text IS 'The draft''s text; null once retention or an erasure removed it.';
COMMENT ON COLUMN audit.post_checks.pupils_pictured IS 'Register pupil_ids the poster declared the photos show.';
COMMENT ON COLUMN audit.post_checks.verdict IS 'ok (nothing stands in the way) or hold (findings to settle before posting).';
COMMENT ON COLUMN audit.post_checks.findings IS 'The findings, as check-post --format json lists them (rule, severity, evidence, image).';

CREATE TABLE audit.post_check_images (
    check_id  VARCHAR NOT NULL,
    position  INTEGER NOT NULL,
    sha256    VARCHAR NOT NULL,
    phash     VARCHAR,
    dhash     VARCHAR,
    faces     INTEGER,
    image     BLOB,
    PRIMARY KEY (check_id, position)
);
COMMENT ON TABLE audit.post_check_images IS 'The images of each checked draft: fingerprints (kept, so a published copy is recognised) and the image itself for the approver to see (removed by retention after raw_pages_weeks, and by an erasure of a pupil it pictures).';
COMMENT ON COLUMN audit.post_check_images.check_id IS 'The check (audit.post_checks).';
COMMENT ON COLUMN audit.post_check_images.position IS 'The image''s place in the draft, from 1.';
COMMENT ON COLUMN audit.post_check_images.sha256 IS 'sha256 of the image bytes.';
COMMENT ON COLUMN audit.post_check_images.phash IS 'Perceptual hash (pHash), as the media rules compare published images.';
COMMENT ON COLUMN audit.post_check_images.dhash IS 'Difference hash (dHash).';
COMMENT ON COLUMN audit.post_check_images.faces IS 'Faces detected: a count, never who.';
COMMENT ON COLUMN audit.post_check_images.image IS 'The image bytes as uploaded; null once retention or an erasure removed them.';

CREATE TABLE audit.post_approvals (
    approval_id      VARCHAR PRIMARY KEY,
    check_id         VARCHAR NOT NULL,
    approved_by      VARCHAR NOT NULL,
    approved_at      TIMESTAMP NOT NULL,
    platform         VARCHAR NOT NULL,
    pupils_pictured  VARCHAR[] NOT NULL,
    verdict          VARCHAR NOT NULL
);
COMMENT ON TABLE audit.post_approvals IS 'Approvals of checked drafts: each approved draft''s images count as approved media for its platform (beside approved_media.csv), with the pupils they picture, whose consent is read again every week.';
COMMENT ON COLUMN audit.post_approvals.approval_id IS 'Id of the approval (post-approval:<n> in exceptions'' evidence).';
COMMENT ON COLUMN audit.post_approvals.check_id IS 'The check approved (audit.post_checks).';
COMMENT ON COLUMN audit.post_approvals.approved_by IS 'Who approved it (an approver of the review app, or named on the command line).';
COMMENT ON COLUMN audit.post_approvals.approved_at IS 'When (UTC) it was approved.';
COMMENT ON COLUMN audit.post_approvals.platform IS 'The platform the approval covers: x or youtube.';
COMMENT ON COLUMN audit.post_approvals.pupils_pictured IS 'Register pupil_ids the approved images show.';
COMMENT ON COLUMN audit.post_approvals.verdict IS 'The check''s verdict when it was approved.';
