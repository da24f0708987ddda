-- Every image the school published (photos, video previews and thumbnails, carousel children): each declared
-- platform's rows, from the staging model it names for this mart (platforms/), with the text they were published
-- with (a post's text, a video's title), their fingerprints, and how many faces each shows (null: not read;
-- checks/images/).
CREATE OR REPLACE VIEW marts.fct_published_media AS
WITH published AS (
    {{ platform_rows:
        platform, account_id, post_id, media_key, media_ref, media_type, url, alt_text, published_at, post_url,
        post_text }}
)
SELECT p.*, f.sha256, f.phash, f.dhash, f.error AS fetch_error, r.faces
FROM published AS p
LEFT JOIN raw.media_files AS f USING (media_ref)
LEFT JOIN raw.image_readings AS r ON r.sha256 = f.sha256 AND r.error IS NULL;
