"""Storing posts imported from an X account archive: as raw pages marked `archive`, with their images'
fingerprints, in one transaction, so the next weekly run audits them as it audits the API's posts."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from warehouse import image_readings, load
from warehouse.db import connect, migrate
from warehouse.sql_models import apply_models


def held_posts(db_path: Path, account_id: str) -> tuple[frozenset[str], set[str], set[str]]:
    """Post ids already stored for the account (from any source, or known deleted), media already fingerprinted
    and the sha256 of images already read: an import stores none of them again."""
    if not db_path.exists():
        return frozenset(), set(), set()
    con = connect(db_path)
    try:
        migrate(con)
        apply_models(con)
        posts = frozenset(
            str(row[0])
            for row in con.execute(
                "SELECT post_id FROM staging.stg_x__posts WHERE account_id = $account"
                " UNION SELECT post_id FROM staging.stg_x__deleted_posts WHERE account_id = $account",
                {"account": account_id},
            ).fetchall()
        )
        return posts, set(load.known_media_refs(con)), image_readings.images_read(con)
    finally:
        con.close()


def store_archive_posts(
    db_path: Path,
    snapshot: load.SnapshotLike,
    media: Iterable[dict[str, Any]],
    as_of: date,
    deleted: load.SnapshotLike | None = None,
    readings: Iterable[dict[str, Any]] = (),
) -> dict[str, int]:
    """Store the archive's posts, the posts it lists as deleted, the image fingerprints and what was read in the
    images (so the next run downloads none of them again to read it); nothing at all if anything fails."""
    media = list(media)
    con = connect(db_path)
    try:
        migrate(con)
        con.execute("BEGIN TRANSACTION")
        try:
            apply_models(con)
            run_id = f"archive-import-{uuid.uuid4().hex[:12]}"
            stored = load.store_snapshot(con, snapshot, as_of, run_id)
            if deleted is not None:
                load.store_snapshot(con, deleted, as_of, run_id)
            load.store_media_fingerprints(con, media)
            images_read = image_readings.store_readings(con, readings)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        con.close()
    return {
        "posts": len(snapshot.items) if stored else 0,
        "deleted": len(deleted.items) if deleted is not None else 0,
        "images": sum(1 for m in media if not m.get("error")),
        "images_missing": sum(1 for m in media if m.get("error")),
        "images_read": images_read,
    }
