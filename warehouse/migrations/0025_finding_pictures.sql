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
COMMENT ON TABLE audit.finding_pictures IS 'Thumbnails beside open photo findings in report.html; gone once the exception is not open, or the person shown is erased.';
COMMENT ON COLUMN audit.finding_pictures.key IS 'The exception.';
COMMENT ON COLUMN audit.finding_pictures.position IS 'Order beside it.';
COMMENT ON COLUMN audit.finding_pictures.role IS 'published or approved.';
COMMENT ON COLUMN audit.finding_pictures.label IS 'Alt text, never a name.';
COMMENT ON COLUMN audit.finding_pictures.sha256 IS 'Of the full image.';
COMMENT ON COLUMN audit.finding_pictures.jpeg IS 'JPEG, 160 px at most.';
