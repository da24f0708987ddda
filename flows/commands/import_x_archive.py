"""`socialaudit import-x-archive`: store the posts and images of the X account archive a school downloaded, so the
next weekly run audits the account's whole history, beyond the newest 3,200 posts the API serves."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO

from flows.commands.parameters import (
    ISO_DATE,
    PATH,
    Declared,
    argument,
    config_option,
    db_option,
    one_of,
    option,
    sandbox_option,
)
from flows.warehouse_location import warehouse_location

NAME = "import-x-archive"
SECTION = "Running the audit"
HELP = "import the posts and images of an X account archive (ZIP) into the warehouse"
DRAWS_ON_TERMINAL = True  # a live display or a progress line
# Images held in memory at once while their chunk is read in parallel: enough to keep every core busy.
IMAGES_AT_ONCE_PER_CORE = 8


def options() -> list[Declared]:
    return [
        argument("archive", type=PATH, metavar="ARCHIVE.zip", help="the archive X sent the school"),
        db_option(),
        one_of(config_option(), sandbox_option(), required=True),
        option(
            "--as-of", type=ISO_DATE, default=None, help="the date recorded for the import (default: today)"
        ),
    ]


class ProgressBar:
    """A one-line bar on a terminal; a line every 10,000 posts otherwise (logs of a scheduled job)."""

    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30) -> None:
        self.label = label
        # Standard error as it is now, not as it was when this module was imported (it may have been replaced since).
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.interactive = self.stream.isatty()
        self.total: int | None = None

    def update(self, done: int) -> None:
        if self.interactive and (done % 50 == 0 or done == self.total):
            if self.total:
                filled = self.width * min(done, self.total) // self.total
                bar = "#" * filled + "." * (self.width - filled)
                self.stream.write(f"\r{self.label} [{bar}] {done}/{self.total}")
            else:
                self.stream.write(f"\r{self.label}: {done}")
            self.stream.flush()
        elif not self.interactive and done % 10_000 == 0:
            print(f"{self.label}: {done}", file=self.stream, flush=True)

    def finish(self, done: int) -> None:
        if self.interactive:
            self.total = self.total or done
            self.update(done)
            self.stream.write("\n")
            self.stream.flush()


def run(args: argparse.Namespace) -> int:
    from flows.config.school import load_config
    from flows.credentials import warehouse_key
    from warehouse.db import use_encryption_key

    school_toml = args.sandbox / "school.toml" if args.sandbox is not None else args.config
    config = load_config(school_toml)
    use_encryption_key(warehouse_key(config))
    try:
        result = import_archive(
            args.archive,
            warehouse_location(args.db, config, sandbox=args.sandbox is not None),
            {a.id: a.handle for a in config.accounts_on("x")},
            args.as_of or datetime.now(UTC).date(),
            config.api.media_max_bytes,
            read_images=config.images.read,
        )
    finally:
        use_encryption_key(None)
    print(
        f"@{result['handle']}: {result['posts']} posts stored ({result['already_held']} already held), "
        f"{result['images']} images fingerprinted ({result['images_read']} read), {result['images_missing']} not in the archive "
        f"(the next run fetches those), {result['deleted']} deleted posts recorded; the next run audits them"
    )
    if result["unmatched_notes"]:
        print(
            f"{result['unmatched_notes']} long post text(s) in note-tweet.js matched no post of tweets.js: those "
            "posts are audited as cut short (their first 280 characters)"
        )
    return 0


def import_archive(
    archive_path: Path,
    db: Path,
    x_accounts: dict[str, str],
    as_of: date,
    max_media_bytes: int,
    *,
    read_images: bool = False,
) -> dict[str, Any]:
    """Read the archive, fingerprint its images straight from the ZIP and (`read_images`, school.toml's
    `[images] read`) read what is written in them and count their faces, as a weekly run does; store all of it.
    Returns counts."""
    from checks.images.reading import ReadOnce, examine, in_parallel, usable_cores
    from checks.images.reading import ready as image_reader_ready
    from checks.media_hash import UnreadableImage
    from connectors.x_archive import ArchiveRefused, XArchive, read_archive
    from warehouse.archive import held_posts, store_archive_posts

    if read_images:
        image_reader_ready()  # before anything is read, with what to install when it is missing

    with XArchive(archive_path, max_media_bytes) as archive:
        owner = archive.account()
        if owner.account_id not in x_accounts:
            configured = ", ".join(f"@{h} ({i})" for i, h in x_accounts.items()) or "none"
            raise ArchiveRefused(
                f"the archive is @{owner.username} ({owner.account_id}) (data/account.js), which is not an X "
                f"account in school.toml (configured: {configured}); nothing was stored"
            )
        held, fingerprinted, read_before = held_posts(db, owner.account_id)
        already_read = ReadOnce(read_before).already_read if read_images else None
        progress = ProgressBar("reading posts")
        contents = read_archive(archive, owner.account_id, frozenset(held), on_post=progress.update)
        progress.finish(contents.n_read)
        wanted = {f"x:{m.media_key}": m for m in contents.media}
        wanted = {ref: m for ref, m in wanted.items() if ref not in fingerprinted}
        images = ProgressBar("fingerprinting images")
        images.total = len(wanted)
        rows: list[dict[str, Any]] = []
        readings: list[dict[str, Any]] = []

        def examined(item: tuple[dict[str, Any], bytes | None]) -> dict[str, Any]:
            row, data = item
            if data is None:
                return row
            try:
                found = examine(data, already_read)
            except UnreadableImage as error:
                return {**row, "error": f"archive image: {error}"[:500]}
            return {**row, **found}

        ordered = sorted(wanted.items())
        # The ZIP is read on this thread (one file handle, its reads are not made to be shared); the decoding and
        # reading run one image per core, a chunk at a time, so no more than a chunk's bytes are held at once.
        chunk = IMAGES_AT_ONCE_PER_CORE * usable_cores()
        for start in range(0, len(ordered), chunk):
            batch: list[tuple[dict[str, Any], bytes | None]] = []
            for ref, media in ordered[start : start + chunk]:
                row: dict[str, Any] = {
                    "media_ref": ref,
                    "platform": "x",
                    "account_id": owner.account_id,
                    "url": media.url,
                    "error": None,
                }
                data: bytes | None = None
                try:
                    data = archive.image(media)
                    if data is None:
                        row["error"] = (
                            f"not in the X archive (no data/tweets_media/{media.post_id}-<file>); "
                            "the next run downloads it"
                        )
                except ArchiveRefused as error:
                    row["error"] = f"archive image: {error}"[:500]
                batch.append((row, data))

            for row in in_parallel(examined, batch):
                if "reading" in row:
                    readings.append(row.pop("reading"))
                rows.append(row)
            images.update(len(rows))
        if wanted:
            images.finish(len(wanted))
    counts = store_archive_posts(db, contents.snapshot(), rows, as_of, contents.deleted_snapshot(), readings)
    return {
        **counts,
        "unmatched_notes": contents.unmatched_notes,
        "handle": x_accounts[owner.account_id],
        "already_held": contents.n_read - contents.n_posts,
        "files": contents.files,
    }
