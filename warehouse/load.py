"""Writes into the warehouse: raw snapshots with their cursors, media fingerprints, register versions, results."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol

import duckdb
import polars as pl

from warehouse.arrow_stream import registered
from warehouse.portable import upsert


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# Streams read incrementally (by since_id): a fetch holds only what is new, never a full snapshot.
INCREMENTAL_STREAMS = frozenset({"posts"})


class PageLike(Protocol):
    """What the warehouse keeps of one API response (connectors.paging.Page has this shape)."""

    @property
    def page_no(self) -> int: ...
    @property
    def request(self) -> dict[str, Any]: ...
    @property
    def payload(self) -> dict[str, Any]: ...
    @property
    def fetched_at(self) -> datetime: ...


class SnapshotLike(Protocol):
    """What the warehouse needs of one fetched stream (connectors.paging.Snapshot has this shape)."""

    @property
    def platform(self) -> str: ...
    @property
    def account_id(self) -> str: ...
    @property
    def stream(self) -> str: ...
    @property
    def pages(self) -> Sequence[PageLike]: ...
    @property
    def complete(self) -> bool: ...
    @property
    def cursor(self) -> str | None: ...
    @property
    def items(self) -> list[dict[str, Any]]: ...
    def content_sha256(self) -> str: ...


SOURCES = ("api", "archive")


def read_cursor(con: duckdb.DuckDBPyConnection, platform: str, account_id: str, stream: str) -> str | None:
    row = con.execute(
        "SELECT cursor_value FROM meta.sync_cursors WHERE platform = ? AND account_id = ? AND stream = ?",
        [platform, account_id, stream],
    ).fetchone()
    return str(row[0]) if row else None


@dataclass
class StoredContent:
    """What the warehouse already holds of the week's streams, read once for all of a run's snapshots (on a lake
    each read costs ~25 ms): the content hash of each stream's snapshot that counts this week, and every content
    hash an incremental stream has stored."""

    as_of: date
    current: dict[tuple[str, str, str], str] = field(default_factory=dict)
    seen: set[tuple[str, str, str, str]] = field(default_factory=set)

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection, as_of: date) -> StoredContent:
        current = con.execute(
            "SELECT platform, account_id, stream, content_sha256 FROM staging.stg_raw__current_snapshots"
            " WHERE as_of = ?",
            [as_of],
        ).fetchall()
        seen = con.execute(
            "SELECT DISTINCT platform, account_id, stream, content_sha256 FROM raw.snapshots"
            " WHERE stream IN (SELECT unnest(?))",
            [sorted(INCREMENTAL_STREAMS)],
        ).fetchall()
        return cls(
            as_of,
            {(str(p), str(a), str(st)): str(sha) for p, a, st, sha in current},
            {(str(p), str(a), str(st), str(sha)) for p, a, st, sha in seen},
        )

    def holds(self, snapshot: SnapshotLike, content_sha256: str) -> bool:
        stream = (snapshot.platform, snapshot.account_id, snapshot.stream)
        if snapshot.stream in INCREMENTAL_STREAMS:
            return (*stream, content_sha256) in self.seen
        return self.current.get(stream) == content_sha256

    def add(self, snapshot: SnapshotLike, content_sha256: str) -> None:
        stream = (snapshot.platform, snapshot.account_id, snapshot.stream)
        self.current[stream] = content_sha256
        self.seen.add((*stream, content_sha256))


def store_snapshot(
    con: duckdb.DuckDBPyConnection,
    snapshot: SnapshotLike,
    as_of: date,
    run_id: str,
    stored: StoredContent | None = None,
) -> str | None:
    """Append a snapshot unless the same content is already stored for that week; returns the id written.

    Incremental streams with nothing new store nothing. The cursor moves in the caller's transaction, so a
    crash can never leave a cursor pointing past rows that were not written. `stored`: what the week holds, read
    once by the caller storing several snapshots (`StoredContent.read`), kept up to date here.
    """
    incremental = snapshot.stream in INCREMENTAL_STREAMS
    n_items = len(snapshot.items)
    content_sha256 = snapshot.content_sha256()
    if incremental and n_items == 0:
        return None
    if stored is None or stored.as_of != as_of:
        stored = StoredContent.read(con, as_of)
    if stored.holds(snapshot, content_sha256):
        return None
    stored.add(snapshot, content_sha256)
    snapshot_id = uuid.uuid4().hex
    fetched_at = max((_naive_utc(p.fetched_at) for p in snapshot.pages), default=now_utc())
    con.execute(
        "INSERT INTO raw.snapshots (snapshot_id, platform, account_id, stream, as_of, run_id, fetched_at,"
        " n_pages, n_items, content_sha256, complete, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            snapshot_id,
            snapshot.platform,
            snapshot.account_id,
            snapshot.stream,
            as_of,
            run_id,
            fetched_at,
            len(snapshot.pages),
            n_items,
            content_sha256,
            snapshot.complete,
            _source(snapshot),
        ],
    )
    if snapshot.pages:
        con.executemany(
            "INSERT INTO raw.api_pages VALUES (?, ?, ?, ?, ?)",
            [
                [
                    snapshot_id,
                    p.page_no,
                    json.dumps(p.request, default=str),
                    json.dumps(p.payload),
                    _naive_utc(p.fetched_at),
                ]
                for p in snapshot.pages
            ],
        )
    if snapshot.cursor is not None:
        upsert(
            con,
            "meta.sync_cursors",
            ("platform", "account_id", "stream"),
            ("platform", "account_id", "stream", "cursor_value", "as_of", "updated_at"),
            [[snapshot.platform, snapshot.account_id, snapshot.stream, snapshot.cursor, as_of, now_utc()]],
        )
    return snapshot_id


def _source(snapshot: SnapshotLike) -> str:
    # Connectors' snapshots say where they came from; anything else was fetched from an API.
    source = str(getattr(snapshot, "source", "api"))
    if source not in SOURCES:
        raise ValueError(f"unknown snapshot source {source!r}")
    return source


def known_media_refs(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    """Media already fingerprinted successfully, with the version fingerprinted: never downloaded again
    unless the platform shows a different version."""
    return {
        str(row[0]): row[1]
        for row in con.execute(
            "SELECT media_ref, version FROM raw.media_files WHERE error IS NULL"
        ).fetchall()
    }


def store_media_fingerprints(con: duckdb.DuckDBPyConnection, rows: Iterable[dict[str, Any]]) -> int:
    columns = [
        "media_ref",
        "platform",
        "account_id",
        "url",
        "sha256",
        "n_bytes",
        "width",
        "height",
        "phash",
        "dhash",
    ]
    batch = [
        [row.get(c) for c in columns] + [now_utc(), row.get("error"), row.get("version")] for row in rows
    ]
    upsert(con, "raw.media_files", ("media_ref",), [*columns, "fetched_at", "error", "version"], batch)
    return len(batch)


REGISTER_TABLES = ("pupils", "staff", "parents", "approved_media")


def store_registers(
    con: duckdb.DuckDBPyConnection,
    frames: dict[str, pl.DataFrame],
    file_hashes: dict[str, str],
    as_of: date,
    reading: dict[str, Any] | None = None,
) -> str:
    """Load a register version unless the latest load has exactly these files; returns the load in force."""
    fingerprint = json.dumps(file_hashes, sort_keys=True)
    latest = con.execute(
        "SELECT load_id, files FROM ref.register_loads ORDER BY loaded_at DESC LIMIT 1"
    ).fetchone()
    if latest and json.dumps(json.loads(latest[1]), sort_keys=True) == fingerprint:
        return str(latest[0])
    load_id = hashlib.sha256(fingerprint.encode()).hexdigest()[:16] + "-" + uuid.uuid4().hex[:8]
    con.execute(
        "INSERT INTO ref.register_loads VALUES (?, ?, ?, ?, ?)",
        [load_id, now_utc(), as_of, fingerprint, json.dumps(reading or {}, sort_keys=True)],
    )
    for table in REGISTER_TABLES:
        frame = frames[table].with_columns(pl.lit(load_id).alias("load_id"))
        columns = [c[0] for c in con.execute(f"DESCRIBE ref.{table}").fetchall()]
        missing = [c for c in columns if c not in frame.columns]
        frame = frame.with_columns([pl.lit(None).alias(c) for c in missing]).select(columns)
        with registered(con, "register_frame", frame):
            con.execute(f"INSERT INTO ref.{table} SELECT * FROM register_frame")
    return load_id


def cached_approved_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    """The approved files' hashes with their crops'; a file hashed before its crops were kept is left out, so it is
    fingerprinted again (every picture has at least two crops: it can be of one of the three shapes at most)."""
    crops: dict[str, dict[str, dict[str, str]]] = {}
    for sha, ratio, phash, dhash in con.execute(
        "SELECT file_sha256, ratio, phash, dhash FROM ref.approved_media_crop_hashes"
    ).fetchall():
        crops.setdefault(sha, {})[ratio] = {"phash": phash, "dhash": dhash}
    rows = con.execute(
        "SELECT file_sha256, phash, dhash, width, height FROM ref.approved_media_hashes"
    ).fetchall()
    return {
        r[0]: {"phash": r[1], "dhash": r[2], "width": r[3], "height": r[4], "crops": crops[r[0]]}
        for r in rows
        if r[0] in crops
    }


def store_approved_hashes(con: duckdb.DuckDBPyConnection, hashes: dict[str, dict[str, Any]]) -> None:
    if not hashes:
        return
    upsert(
        con,
        "ref.approved_media_hashes",
        ("file_sha256",),
        ("file_sha256", "phash", "dhash", "width", "height", "computed_at"),
        [[sha, h["phash"], h["dhash"], h["width"], h["height"], now_utc()] for sha, h in hashes.items()],
        replace=False,
    )
    crop_rows = [
        [sha, ratio, crop["phash"], crop["dhash"], now_utc()]
        for sha, h in hashes.items()
        for ratio, crop in h.get("crops", {}).items()
    ]
    if crop_rows:
        upsert(
            con,
            "ref.approved_media_crop_hashes",
            ("file_sha256", "ratio"),
            ("file_sha256", "ratio", "phash", "dhash", "computed_at"),
            crop_rows,
            replace=False,
        )


def store_validation_results(
    con: duckdb.DuckDBPyConnection, as_of: date, run_id: str, results: Iterable[dict[str, Any]]
) -> None:
    """The week's outcome of each suite, replacing an earlier attempt's only when it differs. One read and one
    delete for every suite together: on a lake each statement costs ~15-25 ms, whatever it touches."""
    held = {
        str(row[0]): row[1:]
        for row in con.execute(
            "SELECT suite, success, blocking, n_rows, results FROM audit.validation_results WHERE as_of = ?",
            [as_of],
        ).fetchall()
    }
    fresh: dict[str, list[Any]] = {}
    for r in results:
        outcome = json.dumps(r["results"], sort_keys=True)
        previous = held.get(r["suite"])
        same = previous is not None and tuple(previous[:3]) == (r["success"], r["blocking"], r["n_rows"])
        if previous is not None and (
            r["n_rows"] == 0 or (same and json.dumps(json.loads(previous[3]), sort_keys=True) == outcome)
        ):
            # The week was already validated this way, or this attempt brought nothing new to validate
            # (an incremental stream re-read the same week): the first record stands.
            continue
        row = [as_of, r["suite"], run_id, r["success"], r["blocking"], r["n_rows"], outcome, now_utc()]
        fresh[r["suite"]] = [*row, r.get("content_sha256"), r.get("reused_from")]
        held[r["suite"]] = (r["success"], r["blocking"], r["n_rows"], outcome)
    if not fresh:
        return
    con.execute(
        "DELETE FROM audit.validation_results WHERE as_of = ? AND suite IN (SELECT unnest(?))",
        [as_of, list(fresh)],
    )
    con.executemany(
        "INSERT INTO audit.validation_results (as_of, suite, run_id, success, blocking, n_rows, results,"
        " validated_at, content_sha256, reused_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        list(fresh.values()),
    )


def latest_raw_validations(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, Any]]:
    """Each raw suite's newest stored outcome with the hash of what it validated (checks.raw_data.frames reuses
    it when this week's rows hash the same)."""
    rows = con.execute(
        "SELECT suite, as_of, success, blocking, n_rows, results, content_sha256, reused_from"
        " FROM audit.validation_results WHERE content_sha256 IS NOT NULL"
        " QUALIFY row_number() OVER (PARTITION BY suite ORDER BY as_of DESC) = 1"
    ).fetchall()
    return {
        suite: {
            "suite": suite,
            "success": success,
            "blocking": blocking,
            "n_rows": n_rows,
            "results": json.loads(results),
            "content_sha256": sha,
            # A copy of a copy names the week that really ran the suite.
            "validated_as_of": (reused_from or as_of).isoformat(),
        }
        for suite, as_of, success, blocking, n_rows, results, sha, reused_from in rows
    }


SUBJECT_KEY = ("platform", "account_id", "relation", "subject_id")


def numbered_per_person(identities: pl.DataFrame) -> pl.DataFrame:
    """The identities with `person_order`: an account read as several people (a shared account) has a row for
    each, numbered in the order the resolver gave them, 0 its best reading."""
    if "person_order" in identities.columns or not identities.height:
        return identities
    return identities.with_columns(
        pl.int_range(pl.len(), dtype=pl.Int32).over(SUBJECT_KEY).alias("person_order")
    )


def upsert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, as_of: date) -> None:
    """Replace one week's rows of a per-week table with `frame` (so re-running a week never duplicates)."""
    con.execute(f"DELETE FROM {table} WHERE as_of = ?", [as_of])
    if frame.height:
        columns = [c[0] for c in con.execute(f"DESCRIBE {table}").fetchall()]
        with registered(con, "week_frame", frame.select(columns)):
            con.execute(f"INSERT INTO {table} SELECT * FROM week_frame")


def record_run(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    run_id: str,
    mode: str,
    school_name: str,
    started_at: datetime,
    summary: dict[str, Any],
) -> dict[str, Any]:
    """Record the week's run; returns the summary as stored.

    A re-run of a week finds the exceptions already raised or resolved by the earlier attempt (its own counts
    are zeros): the week's counts are the sum over its attempts, so the summary never falls back to zero."""
    previous = con.execute("SELECT attempts, summary FROM audit.runs WHERE as_of = ?", [as_of]).fetchone()
    attempts = (previous[0] if previous else 0) + 1
    earlier = json.loads(previous[1]) if previous and previous[1] else {}
    stored = {
        **summary,
        **{
            name: int(earlier.get(name) or 0) + int(summary.get(name) or 0)
            for name in WEEK_COUNTERS
            if name in summary or name in earlier
        },
    }
    if earlier:
        stored["this_attempt"] = {name: summary[name] for name in WEEK_COUNTERS if name in summary}
    con.execute("DELETE FROM audit.runs WHERE as_of = ?", [as_of])
    con.execute(
        "INSERT INTO audit.runs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [as_of, run_id, mode, school_name, _naive_utc(started_at), now_utc(), attempts, json.dumps(stored)],
    )
    return stored


# Lifecycle events of a week: each happens once per week however often the week is re-run, so they add up.
WEEK_COUNTERS = ("raised", "seen", "reopened", "resolved", "expired", "kept")
