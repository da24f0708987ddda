"""The small pictures the report shows beside a media finding: the published image, and the approved one it matched.

Safeguarding and data protection: these are pictures of children, so a thumbnail is as small as a person needs
to recognise the photo (THUMBNAIL_SIDE px on the long side, JPEG quality THUMBNAIL_QUALITY, a few KB) and is made
only from bytes the run already holds: a published image as it is examined after its one download
(`checks/images/reading.py` `examine`), an approved image from the school's own library folder. Nothing is ever
downloaded for a thumbnail. A run's thumbnails of images that are no media finding's never leave memory: the checks
pass keeps (`finding_pictures`) only those of the week's media findings (the rules that read pixels), and the
warehouse (`warehouse/finding_pictures.py`) keeps them only while the finding is open, inside the week's one
transaction. An image downloaded in an earlier week that becomes a finding later has no thumbnail (its bytes are
gone): the report says so and links to the post.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from PIL import Image

from checks.media_hash import UnreadableImage, decode_upright
from checks.rule_support.media import Approvals, load_approvals, load_published_media

THUMBNAIL_SIDE = 160
THUMBNAIL_QUALITY = 70
PUBLISHED, APPROVED = "published", "approved"


def thumbnail(picture: Image.Image) -> bytes:
    """`picture` (upright, as `decode_upright` gives it) shrunk to at most THUMBNAIL_SIDE px on its long side, as
    a baseline JPEG without metadata (no EXIF: no place, no camera, no time)."""
    small = picture.convert("RGB")
    small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, format="JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
    return out.getvalue()


@dataclass(frozen=True)
class PictureSource:
    """Where a run's thumbnails come from: the published images examined this run (their `thumbnail`, by sha256)
    and the approved library's folder (a matched approval's file, read from the school's own disk)."""

    published: Mapping[str, bytes] = field(default_factory=dict)
    library_dir: Path | None = None

    @classmethod
    def of_media(cls, media: list[dict[str, Any]], library_dir: Path | None) -> PictureSource:
        return cls({m["sha256"]: m["thumbnail"] for m in media if m.get("thumbnail")}, library_dir)

    def library_thumbnail(self, name: str, sha256: str | None) -> bytes | None:
        """The approved file `name`'s thumbnail, when the folder still holds the very file the register hashed."""
        if self.library_dir is None or not name or sha256 is None:
            return None
        path = self.library_dir / name
        try:
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() != sha256:
                return None
            return thumbnail(decode_upright(data))
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
                    "jpeg": source.published.get(sha),
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
