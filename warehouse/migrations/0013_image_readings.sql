-- Images read as a person would (checks/images/): the text written in them and how many faces they show, kept by
-- the image's sha256 beside its fingerprints, so an image is read once ever (a published copy next week, a library
-- file every week). The images themselves are still never stored; faces are counted and located, never recognised.

CREATE TABLE raw.image_readings (
    sha256      VARCHAR PRIMARY KEY,
    reader      VARCHAR NOT NULL,
    n_lines     INTEGER NOT NULL,
    faces       INTEGER NOT NULL,
    face_boxes  JSON NOT NULL,
    read_at     TIMESTAMP NOT NULL,
    error       VARCHAR
);
COMMENT ON TABLE raw.image_readings IS 'One row per distinct image read (published images, video previews, thumbnails and approved library files, by sha256): what read it, how many lines of text and how many faces it shows. No image, face crop, template or embedding is kept.';
COMMENT ON COLUMN raw.image_readings.sha256 IS 'sha256 of the image bytes (raw.media_files.sha256, ref.approved_media.file_sha256).';
COMMENT ON COLUMN raw.image_readings.reader IS 'The OCR engine and face detector with their versions.';
COMMENT ON COLUMN raw.image_readings.n_lines IS 'Lines of text read (in raw.image_text).';
COMMENT ON COLUMN raw.image_readings.faces IS 'Faces detected: a count, never who.';
COMMENT ON COLUMN raw.image_readings.face_boxes IS 'Where each face is, as [x, y, width, height] in the image''s pixels: boxes only.';
COMMENT ON COLUMN raw.image_readings.read_at IS 'When (UTC) the image was read.';
COMMENT ON COLUMN raw.image_readings.error IS 'Why the image could not be read, else null.';

CREATE TABLE raw.image_text (
    sha256            VARCHAR NOT NULL,
    line_no           INTEGER NOT NULL,
    text              VARCHAR NOT NULL,
    confidence        DOUBLE NOT NULL,
    word_confidences  DOUBLE[] NOT NULL,
    box               INTEGER[] NOT NULL,
    PRIMARY KEY (sha256, line_no)
);
COMMENT ON TABLE raw.image_text IS 'The lines of text read in each image (a certificate, a name card, a poster): personal data when they name someone, so retention, subject access and erasure reach them like the text of a post.';
COMMENT ON COLUMN raw.image_text.sha256 IS 'The image (raw.image_readings).';
COMMENT ON COLUMN raw.image_text.line_no IS 'Reading order, from 1.';
COMMENT ON COLUMN raw.image_text.text IS 'The words read, as read (an engine may split or misread a word).';
COMMENT ON COLUMN raw.image_text.confidence IS 'The engine''s confidence in the least certain word of the line (0..1).';
COMMENT ON COLUMN raw.image_text.word_confidences IS 'The engine''s confidence in each word (0..1), in order.';
COMMENT ON COLUMN raw.image_text.box IS 'Where the line is, as [x, y, width, height] in the image''s pixels.';

-- How many faces the images an exception is about show (unapproved-media): the report and the review app list
-- first the unapproved images that show people. Null for rules that look at no image.
ALTER TABLE audit.findings ADD COLUMN faces_shown INTEGER;
COMMENT ON COLUMN audit.findings.faces_shown IS 'Faces detected in the images the finding is about (unapproved-media), else null.';
ALTER TABLE audit.exceptions ADD COLUMN faces_shown INTEGER;
COMMENT ON COLUMN audit.exceptions.faces_shown IS 'Faces detected in the images the exception is about (unapproved-media), else null: listed first when above 0.';
