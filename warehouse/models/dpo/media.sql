-- Published images the audit fingerprinted and read: hashes, a face count and how many lines of text were read in
-- each; the images themselves are never stored.
CREATE OR REPLACE VIEW dpo.media AS
SELECT
    f.media_ref, f.platform, f.account_id, f.url, f.sha256, f.phash, f.width, f.height, f.fetched_at, f.error,
    r.faces, r.n_lines AS text_lines
FROM raw.media_files AS f
LEFT JOIN raw.image_readings AS r USING (sha256);
COMMENT ON VIEW dpo.media IS 'Images the official accounts published, as fingerprints matched to the approved media, with faces counted (never recognised) and lines of text read; no image bytes are held.';
COMMENT ON COLUMN dpo.media.media_ref IS 'x:<media_key> or youtube:<video id> (thumbnail).';
COMMENT ON COLUMN dpo.media.platform IS '{{ platform_names }}.';
COMMENT ON COLUMN dpo.media.account_id IS 'The official account that published it.';
COMMENT ON COLUMN dpo.media.url IS 'Where the platform serves the image.';
COMMENT ON COLUMN dpo.media.sha256 IS 'sha256 of the downloaded bytes.';
COMMENT ON COLUMN dpo.media.phash IS 'Perceptual hash used to match approved images.';
COMMENT ON COLUMN dpo.media.width IS 'Width in pixels.';
COMMENT ON COLUMN dpo.media.height IS 'Height in pixels.';
COMMENT ON COLUMN dpo.media.fetched_at IS 'When (UTC) it was downloaded and fingerprinted.';
COMMENT ON COLUMN dpo.media.error IS 'Why it could not be fingerprinted (too large, not an image, ...).';
COMMENT ON COLUMN dpo.media.faces IS 'Faces detected (a count and boxes, never who); null when not read.';
COMMENT ON COLUMN dpo.media.text_lines IS 'Lines of text read (dpo.image_text); null when not read.';
