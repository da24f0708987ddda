-- Published images the audit fingerprinted: hashes only, the images themselves are never stored.
CREATE OR REPLACE VIEW dpo.media AS
SELECT
    media_ref, platform, account_id, url, sha256, phash, width, height, fetched_at, error
FROM raw.media_files;
COMMENT ON VIEW dpo.media IS 'Images published by the official accounts, as fingerprints (sha256 and perceptual hash) so they can be matched to the approved media register; no image bytes are held.';
COMMENT ON COLUMN dpo.media.media_ref IS 'x:<media_key> or youtube:<video id> (thumbnail).';
COMMENT ON COLUMN dpo.media.platform IS 'x or youtube.';
COMMENT ON COLUMN dpo.media.account_id IS 'The official account that published it.';
COMMENT ON COLUMN dpo.media.url IS 'Where the platform serves the image.';
COMMENT ON COLUMN dpo.media.sha256 IS 'sha256 of the downloaded bytes.';
COMMENT ON COLUMN dpo.media.phash IS 'Perceptual hash used to match approved images.';
COMMENT ON COLUMN dpo.media.width IS 'Width in pixels.';
COMMENT ON COLUMN dpo.media.height IS 'Height in pixels.';
COMMENT ON COLUMN dpo.media.fetched_at IS 'When (UTC) it was downloaded and fingerprinted.';
COMMENT ON COLUMN dpo.media.error IS 'Why it could not be fingerprinted (too large, not an image, ...), else null.';
