-- The text read in images (certificates, name cards, posters), where each image is: a published one (media_ref) or a
-- file of the approved library a published image copies (approval_file; a file never published is never read). A
-- child's name read here is personal data like a post's text.
CREATE OR REPLACE VIEW dpo.image_text AS
WITH places AS (
    SELECT sha256, media_ref, NULL::VARCHAR AS approval_file FROM raw.media_files WHERE sha256 IS NOT NULL
    UNION
    SELECT DISTINCT file_sha256, NULL, file FROM ref.approved_media WHERE file_sha256 IS NOT NULL
)
SELECT p.media_ref, p.approval_file, t.line_no, t.text, t.confidence, r.read_at, r.reader
FROM raw.image_text AS t
JOIN raw.image_readings AS r USING (sha256)
JOIN places AS p USING (sha256);
COMMENT ON VIEW dpo.image_text IS 'Every line of text read (OCR) in a published image, or the approved library file it copies: names read raise pupil-named, numbers contact-details. Retention removes pupils'' names from old posts'' image lines; an erasure, the person''s name wherever read.';
COMMENT ON COLUMN dpo.image_text.media_ref IS 'The published image (dpo.media), or null for a library file.';
COMMENT ON COLUMN dpo.image_text.approval_file IS 'The approved library file (registers/approved_media/) a published image copies; null for a published image.';
COMMENT ON COLUMN dpo.image_text.line_no IS 'Reading order, from 1.';
COMMENT ON COLUMN dpo.image_text.text IS 'The words read, as read (an engine may split or misread a word).';
COMMENT ON COLUMN dpo.image_text.confidence IS 'The engine''s confidence in the line''s least certain word (0..1), not counting a doubt between I, l and 1.';
COMMENT ON COLUMN dpo.image_text.read_at IS 'When (UTC) the image was read.';
COMMENT ON COLUMN dpo.image_text.reader IS 'The OCR engine and face detector, with versions.';
