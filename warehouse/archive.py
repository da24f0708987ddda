"""Storing posts imported from an X account archive: as raw pages marked `archive`, with their images'
fingerprints, in one transaction, so the next weekly run audits them as it audits the API's posts."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from warehouse import load
from warehouse.db import connect, migrate
from warehouse.sql_models import apply_models


def held_posts(db_path: Path, account_id: str) -> tuple[frozenset[str], set[str]]:
    """Post ids already stored for the account (from any source, or known deleted) and media already
    fingerprinted: an import stores neither again."""
    if not db_path.exists():
        return frozenset(), set()
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
        return posts, set(load.known_media_refs(con))
    finally:
        con.close()


def store_archive_posts(
    db_path: Path,
    snapshot: load.SnapshotLike,
    media: Iterable[dict[str, Any]],
    as_of: date,
    deleted: load.SnapshotLike | None = None,
) -> dict[str, int]:
    """Store the archive's posts, the posts it lists as deleted and the image fingerprints; nothing at all if
    anything fails."""
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
    }
