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
    known_media: set[str] = field(default_factory=set)
    retry_media: list[dict[str, Any]] = field(default_factory=list)
    approved_hashes: dict[str, dict[str, Any]] = field(default_factory=dict)
    registers_in_force: register_versions.RegistersInForce = field(
        default_factory=register_versions.RegistersInForce
    )
    accepted_holds: set[tuple[str, str]] = field(default_factory=set)

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
        state.retry_media = [
            {"media_ref": r[0], "platform": r[1], "account_id": r[2], "url": r[3]}
            for r in con.execute(
                "SELECT media_ref, platform, account_id, url FROM raw.media_files WHERE error IS NOT NULL"
            ).fetchall()
        ]
        state.approved_hashes = load.cached_approved_hashes(con)
        state.registers_in_force = register_versions.registers_in_force(con)
        state.accepted_holds = register_versions.accepted_holds(con)
    finally:
        con.close()
    return state


def not_yet_fingerprinted(wanted: Iterable[dict[str, Any]], state: WarehouseState) -> list[dict[str, Any]]:
    """Media to download: referenced now or failed before, and never fingerprinted successfully."""
    by_ref = {item["media_ref"]: item for item in wanted}
    for item in state.retry_media:
        by_ref.setdefault(item["media_ref"], item)
    return [item for ref, item in sorted(by_ref.items()) if ref not in state.known_media]


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
