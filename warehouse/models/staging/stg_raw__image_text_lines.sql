-- The lines of text read in each published image (checks/images/), by the image's media_ref, with the engine's
-- confidence in each word: the platforms' published-text models name their images' lines from here.
CREATE OR REPLACE VIEW staging.stg_raw__image_text_lines AS
SELECT f.media_ref, t.line_no, t.text, t.word_confidences
FROM raw.media_files AS f
JOIN raw.image_text AS t USING (sha256);
