-- Instagram shows a photo cropped to 4:5, 1.91:1 or 1:1: each approved file is fingerprinted at those centre crops
-- too, so a cropped copy of an approved photo matches it (docs/media-matching.md). One row per file and ratio.

CREATE TABLE ref.approved_media_crop_hashes (
    file_sha256 VARCHAR NOT NULL,
    ratio       VARCHAR NOT NULL,
    phash       VARCHAR NOT NULL,
    dhash       VARCHAR NOT NULL,
    computed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (file_sha256, ratio)
);
COMMENT ON TABLE ref.approved_media_crop_hashes IS 'Perceptual hashes of centre crops (Instagram''s 4:5, 1.91:1, 1:1) of each approved file.';
