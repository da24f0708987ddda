"""The small pictures the report shows beside a media finding: the published image, and the approved one it matched.

Safeguarding and data protection: these are pictures of children, so a thumbnail is as small as a person needs
to recognise the photo (THUMBNAIL_SIDE px on the long side, JPEG quality THUMBNAIL_QUALITY, a few KB) and is made
only from bytes the run already holds: a published image as it is examined after its one download
(`checks/images/reading.py` `examine`), an approved image from the school's own library folder. Nothing is ever
downloaded for a thumbnail. A thumbnail is made only for a picture beside a media finding (the rules that read
pixels): the run keeps each examined image's downloaded bytes (`PublishedPictures`, up to MOST_KEPT_BYTES; past that
an image's thumbnail is made at once and its bytes let go) and the checks pass (`finding_pictures`) asks only for
the pictures of the week's media findings; the warehouse (`warehouse/finding_pictures.py`) keeps them only while
the finding is open, inside the week's one transaction. Nothing kept leaves memory. An image downloaded in an earlier week that becomes a finding later has no thumbnail (its bytes are
gone): the report says so and links to the post.
"""

from __future__ import annotations

import hashlib
import io
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from PIL import Image

from checks.media_hash import UnreadableImage, decode_upright
from checks.rule_support.media import Approvals, load_approvals, load_published_media

THUMBNAIL_SIDE = 160
THUMBNAIL_QUALITY = 70
# A first run downloads every image the accounts show; their bytes are kept for thumbnails up to this many, the rest
# are thumbnailed as they are examined (a school's first week fits: 117 images of ~150 KB on a small school).
MOST_KEPT_BYTES = 64 * 1024 * 1024
PUBLISHED, APPROVED = "published", "approved"


def thumbnail(picture: Image.Image) -> bytes:
    """`picture` (upright, as `decode_upright` gives it) shrunk to at most THUMBNAIL_SIDE px on its long side, as
    a baseline JPEG without metadata (no EXIF: no place, no camera, no time)."""
    small = picture.convert("RGB")
    small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, format="JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
    return out.getvalue()


class PublishedPictures:
    """The published images examined this run (checks/images/reading.py `examine`), by sha256, from which a
    finding's thumbnail is made when the checks pass asks for it (`thumbnail_of`): an image beside no finding is
    never thumbnailed. Its downloaded bytes are kept while fewer than MOST_KEPT_BYTES are; past that, its thumbnail
    is made at once from the picture already decoded."""

    def __init__(self, most_kept_bytes: int = MOST_KEPT_BYTES) -> None:
        self._most = most_kept_bytes
        self._kept_bytes = 0
        self._data: dict[str, bytes] = {}
        self._thumbnails: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def keep(self, sha256: str, data: bytes, upright: Image.Image) -> None:
        """An examined image: its bytes (`data`) and the picture decoded from them (`decode_upright`)."""
        with self._lock:
            if sha256 in self._data or sha256 in self._thumbnails:
                return
            if self._kept_bytes + len(data) <= self._most:
                self._data[sha256] = data
                self._kept_bytes += len(data)
                return
        made = thumbnail(upright)
        with self._lock:
            self._thumbnails.setdefault(sha256, made)

    def thumbnail_of(self, sha256: str) -> bytes | None:
        """The image's thumbnail (made once, when first asked), or None when this run did not examine it."""
        with self._lock:
            made = self._thumbnails.get(sha256)
            data = self._data.get(sha256)
        if made is not None or data is None:
            return made
        try:
            made = thumbnail(decode_upright(data, fit=THUMBNAIL_SIDE))
        except UnreadableImage:  # examined as an image: not met, but then there is no picture to show
            return None
        with self._lock:
            return self._thumbnails.setdefault(sha256, made)


@dataclass(frozen=True)
class PictureSource:
    """Where a run's thumbnails come from: the published images examined this run (`PublishedPictures`) and the
    approved library's folder (a matched approval's file, read from the school's own disk)."""

    published: PublishedPictures = field(default_factory=PublishedPictures)
    library_dir: Path | None = None

    def library_thumbnail(self, name: str, sha256: str | None) -> bytes | None:
        """The approved file `name`'s thumbnail, when the folder still holds the very file the register hashed."""
        if self.library_dir is None or not name or sha256 is None:
            return None
        path = self.library_dir / name
        try:
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() != sha256:
                return None
            return thumbnail(decode_upright(data, fit=THUMBNAIL_SIDE))
        except (OSError, UnreadableImage):
            return None


APPROVED_FILES = "SELECT a.approval_id, a.file, a.file_sha256 FROM staging.stg_ref__approved_media AS a WHERE a.file IS NOT NULL"


def finding_pictures(
    con: duckdb.DuckDBPyConnection,
    findings: list[dict[str, Any]],
    media_rules: set[str],
    max_distance: int,
    source: PictureSource,
    read_once: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """For each finding of a rule in `media_rules`: every image of its post or video (`published`, labelled "the
    published picture"), each followed by the approvals about it with a library file (`approved`, "approved picture
    A017"). Each row: key, position, role, label, sha256, and `jpeg` when this run holds the bytes (else None: the
    warehouse keeps the one it stored when the image was downloaded)."""
    keys_by_post: dict[tuple[str, str], list[str]] = {}
    for finding in findings:
        if finding["rule"] in media_rules:
            keys_by_post.setdefault((finding["platform"], finding["subject_id"]), []).append(finding["key"])
    if not keys_by_post:
        return []
    approvals = Approvals(load_approvals(con, read_once=read_once))
    files = {r[0]: (r[1], r[2]) for r in con.execute(APPROVED_FILES).fetchall()}
    shas = {
        (r[0], r[1]): r[2]
        for r in con.execute(
            "SELECT platform, media_key, sha256 FROM marts.fct_published_media WHERE sha256 IS NOT NULL"
        ).fetchall()
    }
    rows: list[dict[str, Any]] = []
    for post in load_published_media(con, read_once=read_once):
        keys = keys_by_post.get((post.platform, post.subject_id))
        if not keys:
            continue
        pictures: list[dict[str, Any]] = []
        for image in post.images:
            sha = shas.get((post.platform, image["media_key"]))
            if sha is None:
                continue
            pictures.append(
                {
                    "role": PUBLISHED,
                    "label": "the published picture",
                    "sha256": sha,
                    "jpeg": source.published.thumbnail_of(sha),
                }
            )
            for approval, _how in approvals.about(image, max_distance):
                name, file_sha = files.get(approval["approval_id"], (None, None))
                if name is None or file_sha is None:
                    continue
                pictures.append(
                    {
                        "role": APPROVED,
                        "label": f"approved picture {approval['approval_id']}",
                        "sha256": file_sha,
                        "jpeg": source.library_thumbnail(name, file_sha),
                    }
                )
        for key in keys:
            rows.extend({"key": key, "position": i, **p} for i, p in enumerate(pictures, start=1))
    return rows
