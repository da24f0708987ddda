"""A draft post held as the weekly run holds a published one, so the weekly rules check it unchanged.

The stage is a DuckDB database of its own in memory, shaped by the warehouse's migrations and models (as
warehouse/lake_stage.py stages a week; copied from an empty one shaped once per process): the registers in force, the approved library's hashes and the approvals of
drafts checked before, then the draft stored as the platform's API would return it once posted (an X post with its
photos, or a YouTube video with its thumbnail), its images' fingerprints and readings beside it. The rules then read
`marts.*` exactly as they do every week. Nothing of the stage outlives the block that holds it.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from platforms import NAMES
from warehouse import image_readings, load
from warehouse.db import migrate
from warehouse.duckdb_session import open_database
from warehouse.sql_models import apply_models

DRAFT_ACCOUNT_ID = "draft-account"
DRAFT_POST_ID = "draft"
PLATFORMS = NAMES
_HASHTAG = re.compile(r"#(\w+)")


@dataclass(frozen=True)
class DraftImage:
    """One image of the draft: `fingerprint` as checks.media_hash gives it (sha256, n_bytes, width, height, phash,
    dhash) and `reading` as checks.images.reading.read_picture gives it (None: not read)."""

    fingerprint: dict[str, Any]
    reading: dict[str, Any] | None


@dataclass(frozen=True)
class Draft:
    platform: str
    text: str
    images: Sequence[DraftImage] = ()
    pupils_pictured: Sequence[str] = ()

    def media_key(self, position: int) -> str:
        """The image's key in findings: `image <n>`, from 1 (a YouTube draft's one image is its thumbnail)."""
        return DRAFT_POST_ID if self.platform == "youtube" else f"image-{position}"


@dataclass(frozen=True)
class Library:
    """What the draft is checked against: the registers in force (frames by register name, files by name as the
    loader hashed them), the approved library's hashes by file sha256, and the approvals of drafts checked before
    (rows of audit.post_approvals with their images' rows of audit.post_check_images)."""

    register_frames: dict[str, pl.DataFrame]
    register_files: dict[str, str]
    approved_hashes: dict[str, dict[str, Any]]
    post_approvals: list[dict[str, Any]] = field(default_factory=list)
    post_approval_images: list[dict[str, Any]] = field(default_factory=list)


@contextmanager
def draft_stage(library: Library, draft: Draft, as_of: date) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory warehouse holding `library` and `draft` as a published post, its models applied."""
    if draft.platform not in PLATFORMS:
        raise ValueError(f"no platform {draft.platform!r} (one of {', '.join(PLATFORMS)})")
    if draft.platform == "youtube" and len(draft.images) > 1:
        raise ValueError("a YouTube video has one thumbnail: give at most one --image for youtube")
    con = open_database(":memory:", {"autoinstall_known_extensions": False})
    try:
        con.execute(f"ATTACH '{_shaped_template()}' AS {TEMPLATE_ALIAS} (READ_ONLY)")
        con.execute(f"COPY FROM DATABASE {TEMPLATE_ALIAS} TO memory")
        con.execute(f"DETACH {TEMPLATE_ALIAS}")
        load.store_registers(con, library.register_frames, library.register_files, as_of)
        load.store_approved_hashes(con, library.approved_hashes)
        _store_approvals(con, library)
        _store_draft(con, draft, as_of)
        apply_models(con)
        yield con
    finally:
        con.close()


TEMPLATE_ALIAS = "shaped"
_template_lock = threading.Lock()
_template: list[Path] = []


def _shaped_template() -> Path:
    """An empty warehouse shaped by the migrations and models, made once per process in an owner-only temporary
    folder (removed at exit): copying it takes a fraction of running every migration for each draft, which a
    person waits for. It holds no row, so nothing personal."""
    with _template_lock:
        if not _template:
            folder = Path(tempfile.mkdtemp(prefix="socialaudit-draft-shape-"))
            atexit.register(shutil.rmtree, folder, ignore_errors=True)
            path = folder / "shape.duckdb"
            con = open_database(str(path), {"autoinstall_known_extensions": False})
            try:
                migrate(con)
                apply_models(con)
            finally:
                con.close()
            _template.append(path)
        return _template[0]


def _store_approvals(con: duckdb.DuckDBPyConnection, library: Library) -> None:
    # Only the approvals and their images: the checks themselves stay out, so the draft's own evidence never
    # speaks of checks (the weekly run's note of a published image's check: checks/rule_support/media.py).
    for row in library.post_approvals:
        con.execute(
            "INSERT INTO audit.post_approvals BY NAME SELECT * FROM (SELECT ? AS approval_id, ? AS check_id,"
            " ? AS approved_by, ? AS approved_at, ? AS platform, ?::VARCHAR[] AS pupils_pictured, ? AS verdict)",
            [
                row["approval_id"],
                row["check_id"],
                row["approved_by"],
                row["approved_at"],
                row["platform"],
                list(row["pupils_pictured"]),
                row["verdict"],
            ],
        )
    for row in library.post_approval_images:
        con.execute(
            "INSERT INTO audit.post_check_images (check_id, position, sha256, phash, dhash, faces)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [row["check_id"], row["position"], row["sha256"], row["phash"], row["dhash"], row["faces"]],
        )


def _store_draft(con: duckdb.DuckDBPyConnection, draft: Draft, as_of: date) -> None:
    now = load.now_utc()
    if draft.platform == "x":
        stream, payload = "posts", _x_payload(draft, now.strftime("%Y-%m-%dT%H:%M:%S.000Z"))
    else:
        stream, payload = "videos", _youtube_payload(draft, now.strftime("%Y-%m-%dT%H:%M:%SZ"))
    body = json.dumps(payload)
    con.execute(
        "INSERT INTO raw.snapshots (snapshot_id, platform, account_id, stream, as_of, run_id, fetched_at, n_pages,"
        " n_items, content_sha256, complete, source) VALUES ('draft', ?, ?, ?, ?, 'draft', ?, 1, 1, ?, true, 'api')",
        [draft.platform, DRAFT_ACCOUNT_ID, stream, as_of, now, hashlib.sha256(body.encode()).hexdigest()],
    )
    con.execute("INSERT INTO raw.api_pages VALUES ('draft', 1, '{}', ?, ?)", [body, now])
    load.store_media_fingerprints(
        con,
        [
            {
                **image.fingerprint,
                "media_ref": f"{draft.platform}:{draft.media_key(position)}",
                "platform": draft.platform,
                "account_id": DRAFT_ACCOUNT_ID,
                "url": _image_url(draft, position),
            }
            for position, image in enumerate(draft.images, start=1)
        ],
    )
    image_readings.store_readings(con, [image.reading for image in draft.images if image.reading is not None])


def _image_url(draft: Draft, position: int) -> str:
    return f"https://draft.invalid/{draft.media_key(position)}"


def _x_payload(draft: Draft, created_at: str) -> dict[str, Any]:
    keys = [draft.media_key(position) for position in range(1, len(draft.images) + 1)]
    post: dict[str, Any] = {
        "id": DRAFT_POST_ID,
        "text": draft.text,
        "created_at": created_at,
        "author_id": DRAFT_ACCOUNT_ID,
        "edit_history_tweet_ids": [DRAFT_POST_ID],
        "entities": {"hashtags": [{"tag": tag} for tag in _HASHTAG.findall(draft.text)]},
    }
    if keys:
        post["attachments"] = {"media_keys": keys}
    media = [
        {"media_key": key, "type": "photo", "url": _image_url(draft, position)}
        for position, key in enumerate(keys, start=1)
    ]
    return {"data": [post], "includes": {"media": media}}


def _youtube_payload(draft: Draft, published_at: str) -> dict[str, Any]:
    title, _, description = draft.text.strip().partition("\n")
    snippet: dict[str, Any] = {
        "title": title,
        "description": description.strip(),
        "publishedAt": published_at,
        "tags": _HASHTAG.findall(draft.text),
    }
    if draft.images:
        snippet["thumbnails"] = {"high": {"url": _image_url(draft, 1)}}
    return {"items": [{"id": DRAFT_POST_ID, "snippet": snippet, "status": {"privacyStatus": "public"}}]}
