"""Keyed hashes: a value recorded without keeping it, and without letting anyone who guesses it confirm the guess.

Each warehouse makes one random secret at its first write (`meta.warehouse_secret`, migration 9). Erasure and
access records keep HMAC-SHA256(secret, kind:value) of the selector instead of the value; the erasure journal
beside the warehouse keeps the same hashes of every identifier erased, so a restored copy can be matched against
it; and what the weekly run shows Prefect names an exception by an opaque reference made the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import duckdb

from warehouse.load import now_utc

SECRET_TABLE = "meta.warehouse_secret"  # noqa: S105 (a table name, not a password)
REFERENCE_LENGTH = 16  # hex characters of an opaque reference: 64 bits, no collision in any one school's keys


class NoWarehouseSecret(Exception):
    """The warehouse has never been written since migration 9, so it has no secret yet."""


def _stored(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.execute(f"SELECT secret FROM {SECRET_TABLE} ORDER BY created_at LIMIT 1").fetchone()
    return str(row[0]) if row else None


def ensure_secret(con: duckdb.DuckDBPyConnection) -> bytes:
    """The warehouse's secret, made now (inside the caller's write transaction) if it has none yet."""
    stored = _stored(con)
    if stored is None:
        stored = secrets.token_hex(32)
        con.execute(f"INSERT INTO {SECRET_TABLE} VALUES (?, ?)", [stored, now_utc()])
    return bytes.fromhex(stored)


def warehouse_secret(con: duckdb.DuckDBPyConnection) -> bytes:
    """The secret, read-only; `NoWarehouseSecret` when no run has written the warehouse since migration 9."""
    stored = _stored(con)
    if stored is None:
        raise NoWarehouseSecret("the warehouse has no secret yet: the next weekly run makes it")
    return bytes.fromhex(stored)


def secret_id(secret: bytes) -> str:
    """A name for the secret that reveals nothing of it: which secret a journal entry was hashed with."""
    return hashlib.sha256(b"socialaudit-secret-id:" + secret).hexdigest()[:16]


def keyed_hash(secret: bytes, kind: str, value: str) -> str:
    """HMAC-SHA256 of `kind:value`, hex. `kind` keeps a pupil id and a handle that happen to be equal apart."""
    return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def opaque_reference(secret: bytes, key: str) -> str:
    """An exception key as Prefect may show it: stable week to week, meaningless without the warehouse."""
    return "ref-" + keyed_hash(secret, "exception-key", key)[:REFERENCE_LENGTH]
