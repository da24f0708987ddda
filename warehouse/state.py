"""What a run reads from the warehouse before fetching, so unchanged things are not fetched or hashed again."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import duckdb

from warehouse import image_readings, lake, load, register_versions
from warehouse.db import connect_waiting, migrate
from warehouse.privacy import storage_rewrite


@dataclass
class WarehouseState:
    cursors: dict[tuple[str, str, str], str] = field(default_factory=dict)
    # media_ref -> the version fingerprinted (None: fingerprinted before versions were recorded)
    known_media: dict[str, str | None] = field(default_factory=dict)
    # bytes of each YouTube thumbnail fingerprinted: a thumbnail replaced in place is seen by its new size
    thumbnail_bytes: dict[str, int] = field(default_factory=dict)
    retry_media: list[dict[str, Any]] = field(default_factory=list)
    approved_hashes: dict[str, dict[str, Any]] = field(default_factory=dict)
    registers_in_force: register_versions.RegistersInForce = field(
        default_factory=register_versions.RegistersInForce
    )
    accepted_holds: set[tuple[str, str]] = field(default_factory=set)
    # every stored register version, newest first: (as_of, sha256 per register file), for stale exports
    register_history: list[tuple[Any, dict[str, str]]] = field(default_factory=list)
    raw_validations: dict[str, dict[str, Any]] = field(default_factory=dict)
    # X posts with an exception not yet resolved, per official account: looked up each run to see if deleted
    posts_with_open_exceptions: dict[str, list[str]] = field(default_factory=dict)
    # Each X account's `tweet_count` as last stored: the posts since then are what a weekly run will read.
    tweet_counts: dict[str, int] = field(default_factory=dict)
    # Each X account's users both following it and followed by it, as last stored: X bills them once a day.
    mutual_follows: dict[str, int] = field(default_factory=dict)
    # Images read before, by sha256 (checks/images/): never read again
    images_read: set[str] = field(default_factory=set)
    # Published images fingerprinted but never read (before images were read, or while [images] read was off)
    media_never_read: list[dict[str, Any]] = field(default_factory=list)

    # Facebook and Instagram: the posts (and the posts of comments) with an exception not yet resolved, whose comments
    # are read again each run whatever else changed (a hidden or deleted comment is then seen to be so).
    open_meta_subjects: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    # Erasures a stopped process or a failed storage rewrite left unfinished (flows/erasure.py): the run finishes them.
    unfinished_erasures: list[str] = field(default_factory=list)

    def open_subjects(self, platform: str, account_id: str) -> frozenset[str]:
        return self.open_meta_subjects.get((platform, account_id), frozenset())

    def open_posts(self, account_id: str) -> list[str]:
        return self.posts_with_open_exceptions.get(account_id, [])

    def cursor(self, platform: str, account_id: str, stream: str) -> str | None:
        return self.cursors.get((platform, account_id, stream))


def read_state(db_path: Path, lock_wait_seconds: float = 120.0) -> WarehouseState:
    """Waits a bounded time while a review's short write holds the warehouse, rather than failing at once."""
    state = WarehouseState()
    if not db_path.exists() or lake.never_written(db_path):
        return state
    con = connect_waiting(db_path, lock_wait_seconds)
    try:
        migrate(con)
        for platform, account_id, stream, value in con.execute(
            "SELECT platform, account_id, stream, cursor_value FROM meta.sync_cursors"
        ).fetchall():
            state.cursors[(platform, account_id, stream)] = value
        state.known_media = load.known_media_refs(con)
        state.thumbnail_bytes = {
            str(r[0]): int(r[1])
            for r in con.execute(
                "SELECT media_ref, n_bytes FROM raw.media_files"
                " WHERE platform = 'youtube' AND error IS NULL AND n_bytes IS NOT NULL"
            ).fetchall()
        }
        state.retry_media = [
            {"media_ref": r[0], "platform": r[1], "account_id": r[2], "url": r[3]}
            for r in con.execute(
                "SELECT media_ref, platform, account_id, url FROM raw.media_files WHERE error IS NOT NULL"
            ).fetchall()
        ]
        state.approved_hashes = load.cached_approved_hashes(con)
        state.registers_in_force = register_versions.registers_in_force(con)
        state.accepted_holds = register_versions.accepted_holds(con)
        state.register_history = register_versions.register_history(con)
        state.raw_validations = load.latest_raw_validations(con)
        state.posts_with_open_exceptions = posts_with_open_exceptions(con)
        state.open_meta_subjects = open_meta_subjects(con)
        state.tweet_counts = last_tweet_counts(con)
        state.mutual_follows = last_mutual_follows(con)
        state.images_read = image_readings.images_read(con)
        state.media_never_read = image_readings.media_never_read(con)
        state.unfinished_erasures = storage_rewrite.owed_rewrites(con)
    finally:
        con.close()
    return state


def not_yet_fingerprinted(
    wanted: Iterable[dict[str, Any]], state: WarehouseState, read_images: bool = False
) -> list[dict[str, Any]]:
    """Media to download: referenced now or failed before, and never fingerprinted successfully (or the
    platform shows another version now); with `read_images`, also those fingerprinted but never read; then
    thumbnails to download only if their size changed."""
    by_ref = {item["media_ref"]: item for item in wanted}
    for item in state.retry_media:
        by_ref.setdefault(item["media_ref"], item)
    fresh = [item for ref, item in sorted(by_ref.items()) if _changed(item, state.known_media)]
    unread = {item["media_ref"]: item for item in state.media_never_read} if read_images else {}
    taken = {item["media_ref"] for item in fresh}
    fresh += [item for ref, item in sorted(unread.items()) if ref not in taken]
    recheck = [item for item in by_ref.values() if item["media_ref"] not in unread]
    return fresh + thumbnails_to_recheck(recheck, state)


def thumbnails_to_recheck(wanted: Iterable[dict[str, Any]], state: WarehouseState) -> list[dict[str, Any]]:
    """YouTube thumbnails fingerprinted before whose version the API shows unchanged: their size at the URL
    is checked (`known_bytes`), since a custom thumbnail can be replaced at the same URL."""
    return [
        {**item, "known_bytes": state.thumbnail_bytes[item["media_ref"]]}
        for item in sorted(wanted, key=lambda i: str(i["media_ref"]))
        if item["media_ref"] in state.thumbnail_bytes and not _changed(item, state.known_media)
    ]


def _changed(item: dict[str, Any], known: dict[str, str | None]) -> bool:
    """Never fingerprinted, or the platform now shows another version of it (a thumbnail replaced)."""
    if item["media_ref"] not in known:
        return True
    held = known[item["media_ref"]]
    return held is not None and item.get("version") is not None and item["version"] != held


def posts_with_open_exceptions(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Per X account, the posts whose exceptions are still unresolved (a deleted post should resolve them)."""
    by_account: dict[str, list[str]] = {}
    for account_id, post_id in con.execute(
        "SELECT DISTINCT account_id, subject_id FROM audit.exceptions"
        " WHERE platform = 'x' AND subject_kind = 'post' AND status <> 'resolved' AND account_id IS NOT NULL"
        " ORDER BY account_id, subject_id"
    ).fetchall():
        by_account.setdefault(str(account_id), []).append(str(post_id))
    return by_account


def open_meta_subjects(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], frozenset[str]]:
    """Per Facebook Page and Instagram account, the posts with an open exception about them or one of their
    comments (the comment's post as the comments mart last showed it)."""
    try:
        rows = con.execute(
            "SELECT DISTINCT e.platform, e.account_id, coalesce(c.post_id, e.subject_id) FROM audit.exceptions AS e"
            " LEFT JOIN (SELECT DISTINCT platform, account_id, comment_id, post_id FROM marts.fct_meta_comments) AS c"
            "   ON c.platform = e.platform AND c.account_id = e.account_id AND c.comment_id = e.subject_id"
            " WHERE e.platform IN ('facebook', 'instagram') AND e.status <> 'resolved' AND e.account_id IS NOT NULL"
        ).fetchall()
    except duckdb.CatalogException:  # before the first run made the marts
        return {}
    found: dict[tuple[str, str], set[str]] = {}
    for platform, account_id, post_id in rows:
        found.setdefault((str(platform), str(account_id)), set()).add(str(post_id))
    return {key: frozenset(ids) for key, ids in found.items()}


def last_tweet_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Per X account, the `public_metrics.tweet_count` of the account object stored last."""
    rows = con.execute(
        "SELECT s.account_id, TRY_CAST(json_extract_string(p.payload, '$.data.public_metrics.tweet_count') AS BIGINT)"
        " FROM raw.snapshots AS s JOIN raw.api_pages AS p USING (snapshot_id)"
        " WHERE s.platform = 'x' AND s.stream = 'account' ORDER BY s.fetched_at, s.as_of"
    ).fetchall()
    return {str(account_id): int(count) for account_id, count in rows if count is not None}


def last_mutual_follows(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Per X account, how many users were both its followers and its following in the week stored last (none
    before a week's models exist)."""
    try:
        rows = con.execute(
            "WITH latest AS (SELECT account_id, max(as_of) AS as_of FROM staging.stg_x__users"
            "   WHERE relation IN ('follower', 'following') GROUP BY account_id)"
            " SELECT u.account_id, count(DISTINCT u.user_id) FILTER (WHERE u.relation = 'follower'"
            "   AND u.user_id IN (SELECT f.user_id FROM staging.stg_x__users AS f WHERE f.account_id = u.account_id"
            "     AND f.as_of = u.as_of AND f.relation = 'following'))"
            " FROM staging.stg_x__users AS u JOIN latest USING (account_id, as_of) GROUP BY u.account_id"
        ).fetchall()
    except duckdb.CatalogException:
        return {}
    return {str(account_id): int(count) for account_id, count in rows}


class RuleDescription(Protocol):
    """What the warehouse and the DPIA need of a policy rule (checks.rules.RULES is passed in, never imported)."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def policy(self) -> str: ...
    @property
    def what_counts(self) -> str: ...


def record_rules(con: duckdb.DuckDBPyConnection, rules: Iterable[RuleDescription]) -> None:
    """meta.rules says which rules exist and what each enforces (the DPO's dpo.rules reads it)."""
    con.execute("DELETE FROM meta.rules")
    con.executemany(
        "INSERT INTO meta.rules VALUES (?, ?, ?, ?)",
        [[r.id, r.title, r.policy, r.what_counts] for r in rules],
    )
