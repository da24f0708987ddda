"""The thumbnails beside open media findings (audit.finding_pictures), as the report shows them.

The checks pass hands the week's pictures over (checks/images/thumbnails.py); a picture whose bytes this run did not
hold keeps the thumbnail stored when they were. Only open exceptions keep pictures: a resolved, accepted or
false-positive exception's go the same run, and an erasure removes those of the person's exceptions
(warehouse/privacy/erasure.py), so a kept week written again without the person shows none of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import duckdb

from warehouse.lifecycle import ACTIVE
from warehouse.portable import table_exists

COLUMNS = ("key", "position", "role", "label", "sha256", "jpeg")


def keep_for_open_findings(con: duckdb.DuckDBPyConnection, pictures: Iterable[dict[str, Any]]) -> int:
    """Store this week's pictures (each finding's replace what it had); drop every picture of an exception not
    open. Returns the pictures held afterwards."""
    held = {
        str(r[0]): bytes(r[1])
        for r in con.execute(
            "SELECT sha256, any_value(jpeg) FROM audit.finding_pictures GROUP BY sha256"
        ).fetchall()
    }
    fresh: dict[str, list[list[Any]]] = {}
    for picture in pictures:
        jpeg = picture.get("jpeg") or held.get(picture["sha256"])
        rows = fresh.setdefault(picture["key"], [])
        if jpeg is not None:
            rows.append(
                [picture["key"], len(rows) + 1, picture["role"], picture["label"], picture["sha256"], jpeg]
            )
    if fresh:
        con.execute(
            "DELETE FROM audit.finding_pictures WHERE key IN (SELECT unnest(?::VARCHAR[]))", [sorted(fresh)]
        )
        batch = [row for rows in fresh.values() for row in rows]
        if batch:
            con.executemany(
                f"INSERT INTO audit.finding_pictures VALUES ({', '.join('?' for _ in COLUMNS)})", batch
            )
    placeholders = ", ".join("?" for _ in ACTIVE)
    con.execute(
        "DELETE FROM audit.finding_pictures WHERE key NOT IN"
        f" (SELECT key FROM audit.exceptions WHERE status IN ({placeholders}))",
        list(ACTIVE),
    )
    row = con.execute("SELECT count(*) FROM audit.finding_pictures").fetchone()
    return int(row[0]) if row else 0


def pictures_for(con: duckdb.DuckDBPyConnection, keys: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """Each exception's pictures in order (role, label, jpeg bytes), by key."""
    if not keys or not table_exists(con, "audit", "finding_pictures"):
        return {}
    found: dict[str, list[dict[str, Any]]] = {}
    for key, role, label, jpeg in con.execute(
        "SELECT key, role, label, jpeg FROM audit.finding_pictures WHERE key IN (SELECT unnest(?::VARCHAR[]))"
        " ORDER BY key, position",
        [list(keys)],
    ).fetchall():
        found.setdefault(str(key), []).append({"role": role, "label": label, "jpeg": bytes(jpeg)})
    return found
