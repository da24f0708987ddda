"""A tiny school where one pupil is named and pictured beside another, and every byte store a run leaves behind,
for the data-protection tests (erasure searches them all; a subject access export must not show the other pupil)."""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from tests.builders.tiny_dataset import PHOTO_SPORTS, X_ACCOUNT_ID, X_HANDLE

NAMED_POST_ID = "1850000000000000013"
NAMED_POST_TEXT = "Well done Alfie Price and Ellie Brown at sports day! #WellDoneAlfiePrice"


def name_two_pupils_in_a_post(dataset: Path) -> None:
    """A new post names P0001 (Alfie Price) and P0002 (Ellie Brown) with the sports photo, whose approval pictures
    them both."""
    posts_file = dataset / "x" / X_HANDLE / "posts.json"
    posts = json.loads(posts_file.read_text(encoding="utf-8"))
    posts["data"].insert(
        0,
        {
            "id": NAMED_POST_ID,
            "text": NAMED_POST_TEXT,
            "created_at": "2026-11-02T15:30:00.000Z",
            "author_id": X_ACCOUNT_ID,
            "edit_history_tweet_ids": [NAMED_POST_ID],
            "lang": "en",
            "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 1, "quote_count": 0},
            "attachments": {"media_keys": [PHOTO_SPORTS]},
        },
    )
    posts_file.write_text(json.dumps(posts, indent=2), encoding="utf-8")
    approvals = dataset / "registers" / "approved_media.csv"
    rows = list(csv.reader(approvals.open(encoding="utf-8")))
    for row in rows[1:]:
        if row[0] == "A001":
            row[-1] = "P0001;P0002"
    with approvals.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def prefect_database_files() -> list[Path]:
    """The SQLite file (and its -wal/-shm) of the Prefect server the tests talk to, from Prefect's own settings."""
    from prefect.settings import get_current_settings

    url = str(get_current_settings().server.database.connection_url.get_secret_value())  # type: ignore[union-attr]
    path = Path(url.split("///", 1)[1]) if "sqlite" in url else None
    assert path is not None and path.exists(), f"not a SQLite Prefect database: {url.split(':')[0]}"
    checkpoint = sqlite3.connect(path)  # a checkpoint moves the WAL into the file: both are searched anyway
    try:
        checkpoint.execute("PRAGMA wal_checkpoint(PASSIVE)")
    finally:
        checkpoint.close()
    return [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]


def files_under(*roots: Path, skip: Iterable[Path] = ()) -> Iterator[Path]:
    skipped = [s.resolve() for s in skip]
    for root in roots:
        for path in [root] if root.is_file() else root.rglob("*"):
            if path.is_file() and not any(path.resolve().is_relative_to(s) for s in skipped):
                yield path


def hits(files: Iterable[Path], needles: Iterable[str]) -> dict[str, list[str]]:
    """Which needle (case-insensitive, as UTF-8 bytes) each file holds, files with none left out."""
    folded = [(n, n.lower().encode()) for n in needles]
    found: dict[str, list[str]] = {}
    for path in files:
        data = path.read_bytes().lower()
        held = [n for n, b in folded if b in data]
        if held:
            found[str(path)] = held
    return found
