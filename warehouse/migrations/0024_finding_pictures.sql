-- The small pictures the report shows beside a media finding (checks/images/thumbnails.py): the published image
-- and the approved image it matched, each at most 160 px on its long side. Kept only while the finding is open.

CREATE TABLE audit.finding_pictures (
    key       VARCHAR NOT NULL,
    position  INTEGER NOT NULL,
    role      VARCHAR NOT NULL,
    label     VARCHAR NOT NULL,
    sha256    VARCHAR NOT NULL,
    jpeg      BLOB NOT NULL,
    PRIMARY KEY (key, position)
);
COMMENT ON TABLE audit.finding_pictures IS 'Thumbnails of the images an open media finding is about (unapproved-media, consent-breach), shown in report.html: made from the bytes the run held when it downloaded the image or read the approved library, never fetched again. A row lives only while its exception is open: each run drops those of exceptions resolved, accepted or marked false positive, and an erasure drops those of the person''s exceptions, wherever else those pictures are shown, and the approved files that picture the person.';
COMMENT ON COLUMN audit.finding_pictures.key IS 'The exception (audit.exceptions).';
COMMENT ON COLUMN audit.finding_pictures.position IS 'The picture''s place beside the finding, from 1.';
COMMENT ON COLUMN audit.finding_pictures.role IS 'published (the image on the platform) or approved (the approved library file it matched).';
COMMENT ON COLUMN audit.finding_pictures.label IS 'The picture''s alternative text in the report: "the published picture" or "approved picture <approval_id>", never a name.';
COMMENT ON COLUMN audit.finding_pictures.sha256 IS 'sha256 of the full image''s bytes (raw.media_files, ref.approved_media.file_sha256).';
COMMENT ON COLUMN audit.finding_pictures.jpeg IS 'The thumbnail: JPEG, at most 160 px on the long side, quality 70, no metadata.';
