"""What a run reads from the warehouse before fetching, so unchanged things are not fetched or hashed again."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import duckdb

from warehouse import load, register_versions
from warehouse.db import connect_waiting, migrate


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

    def open_posts(self, account_id: str) -> list[str]:
        return self.posts_with_open_exceptions.get(account_id, [])

    def cursor(self, platform: str, account_id: str, stream: str) -> str | None:
        return self.cursors.get((platform, account_id, stream))


def read_state(db_path: Path, lock_wait_seconds: float = 120.0) -> WarehouseState:
    """Waits a bounded time while a review's short write holds the warehouse, rather than failing at once."""
    state = WarehouseState()
    if not db_path.exists():
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
    finally:
        con.close()
    return state


def not_yet_fingerprinted(wanted: Iterable[dict[str, Any]], state: WarehouseState) -> list[dict[str, Any]]:
    """Media to download: referenced now or failed before, and never fingerprinted successfully (or the
    platform shows another version now); then thumbnails to download only if their size changed."""
    by_ref = {item["media_ref"]: item for item in wanted}
    for item in state.retry_media:
        by_ref.setdefault(item["media_ref"], item)
    fresh = [item for ref, item in sorted(by_ref.items()) if _changed(item, state.known_media)]
    return fresh + thumbnails_to_recheck(by_ref.values(), state)


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
