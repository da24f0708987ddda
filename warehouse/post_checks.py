"""Drafts checked before posting and the approvals given to them (audit.post_checks, audit.post_check_images,
audit.post_approvals: migration 0018), as the command line and the review app record and read them."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from warehouse import portable
from warehouse.db import connect_waiting, migrate, transaction
from warehouse.load import now_utc
from warehouse.people import Actor, entry_actor, second_person_refusal
from warehouse.privacy import access_log
from warehouse.privacy.access_log import AccessEntry
from warehouse.snapshot import publish_snapshot_from

APPROVAL_COLUMNS = (
    "approval_id",
    "check_id",
    "approved_by",
    "approved_at",
    "platform",
    "pupils_pictured",
    "verdict",
)
IMAGE_COLUMNS = ("check_id", "position", "sha256", "phash", "dhash", "faces")


@dataclass(frozen=True)
class CheckedImage:
    sha256: str
    phash: str | None
    dhash: str | None
    faces: int | None
    data: bytes | None  # kept for the approver to see until retention removes it; None: not kept


# How audit.post_checks.via names the path a draft was checked on, as warehouse/people.py names it.
CHECK_VIAS = {"app": "review-app", "cli": "cli"}


class NotApprovable(Exception):
    """The check cannot be approved (unknown, already approved, or its findings are not all settled by approval)."""


def has_tables(con: duckdb.DuckDBPyConnection) -> bool:
    return portable.table_exists(con, "audit", "post_checks")


def record_check(
    con: duckdb.DuckDBPyConnection,
    *,
    checked_by: str,
    checked_identity: str,
    via: str,
    platform: str,
    text: str,
    pupils_pictured: Sequence[str],
    verdict: str,
    findings: list[dict[str, Any]],
    images: Sequence[CheckedImage],
) -> str:
    """Record one check in the caller's transaction; its id."""
    check_id = uuid.uuid4().hex[:16]
    con.execute(
        "INSERT INTO audit.post_checks (check_id, checked_at, checked_by, checked_identity, via, platform, draft_text,"
        " pupils_pictured, verdict, findings) VALUES (?, ?, ?, ?, ?, ?, ?, ?::VARCHAR[], ?, ?)",
        [
            check_id,
            now_utc(),
            checked_by,
            checked_identity,
            via,
            platform,
            text,
            list(pupils_pictured),
            verdict,
            json.dumps(findings),
        ],
    )
    for position, image in enumerate(images, start=1):
        con.execute(
            "INSERT INTO audit.post_check_images VALUES (?, ?, ?, ?, ?, ?, ?)",
            [check_id, position, image.sha256, image.phash, image.dhash, image.faces, image.data],
        )
    return check_id


def approvals_held(con: duckdb.DuckDBPyConnection) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every approval given to a checked draft, and its images' fingerprints (the draft stage's library)."""
    if not has_tables(con):
        return [], []
    approvals = _dicts(
        con, f"SELECT {', '.join(APPROVAL_COLUMNS)} FROM audit.post_approvals ORDER BY approved_at"
    )
    images = _dicts(
        con,
        f"SELECT {', '.join('i.' + c for c in IMAGE_COLUMNS)} FROM audit.post_check_images AS i"
        " WHERE i.check_id IN (SELECT check_id FROM audit.post_approvals) ORDER BY i.check_id, i.position",
    )
    return approvals, images


def check(con: duckdb.DuckDBPyConnection, check_id: str) -> dict[str, Any] | None:
    rows = _dicts(con, "SELECT * FROM audit.post_checks WHERE check_id = ?", [check_id])
    if not rows:
        return None
    found = rows[0]
    found["findings"] = (
        json.loads(found["findings"]) if isinstance(found["findings"], str) else found["findings"]
    )
    found["images"] = _dicts(
        con,
        "SELECT position, sha256, faces, image IS NOT NULL AS kept FROM audit.post_check_images"
        " WHERE check_id = ? ORDER BY position",
        [check_id],
    )
    found["approval"] = next(
        iter(_dicts(con, "SELECT * FROM audit.post_approvals WHERE check_id = ?", [check_id])), None
    )
    return found


def image_bytes(con: duckdb.DuckDBPyConnection, check_id: str, position: int) -> bytes | None:
    row = con.execute(
        "SELECT image FROM audit.post_check_images WHERE check_id = ? AND position = ?", [check_id, position]
    ).fetchone()
    return bytes(row[0]) if row and row[0] is not None else None


def recent_checks(con: duckdb.DuckDBPyConnection, limit: int = 50) -> list[dict[str, Any]]:
    return _dicts(
        con,
        "SELECT c.check_id, c.checked_at, c.checked_by, c.platform, c.verdict, a.approved_by, a.approved_at"
        " FROM audit.post_checks AS c LEFT JOIN audit.post_approvals AS a USING (check_id)"
        " ORDER BY c.checked_at DESC LIMIT ?",
        [limit],
    )


def settled_by_approval(findings: list[dict[str, Any]]) -> bool:
    """Whether approving the draft settles every finding of its check: only unapproved-media (its own images not
    yet approved) may stand; anything else (a name, a number, consent) is for the poster to change first."""
    return all(f["rule"] == "unapproved-media" for f in findings)


def approve(con: duckdb.DuckDBPyConnection, check_id: str, approver: Actor) -> str:
    """Approve a checked draft in the caller's transaction; its approval id. NotApprovable says why not: among the
    reasons, an approval is a second person's (warehouse/people.py), never the identity that checked the draft."""
    held = check(con, check_id)
    if held is None:
        raise NotApprovable(f"no check {check_id}")
    if held["approval"] is not None:
        raise NotApprovable(f"check {check_id} was approved already by {held['approval']['approved_by']}")
    if not held["checked_identity"]:
        raise NotApprovable(f"who checked {check_id} is not recorded: check the draft again, then approve it")
    refusal = second_person_refusal(
        approver, held["checked_identity"], CHECK_VIAS.get(held["via"], held["via"]), held["checked_by"]
    )
    if refusal is not None:
        raise NotApprovable(f"check {check_id} cannot be approved by {approver.label}: {refusal}")
    if not settled_by_approval(held["findings"]):
        rules = sorted({f["rule"] for f in held["findings"]} - {"unapproved-media"})
        raise NotApprovable(
            f"check {check_id} holds on {', '.join(rules)}: change the draft and check it again"
        )
    approval_id = f"post-approval-{uuid.uuid4().hex[:12]}"
    con.execute(
        "INSERT INTO audit.post_approvals VALUES (?, ?, ?, ?, ?, ?::VARCHAR[], ?)",
        [
            approval_id,
            check_id,
            approver.label,
            now_utc(),
            held["platform"],
            list(held["pupils_pictured"]),
            held["verdict"],
        ],
    )
    return approval_id


def publish_copy(db_path: Path, wait_seconds: float = 120.0) -> None:
    """The read-only copy published again, so the review app and `sql` see the checks recorded since: done once the
    verdict is shown (in a large warehouse it costs as much as the check itself)."""
    writer = connect_waiting(db_path, wait_seconds)
    try:
        publish_snapshot_from(writer, db_path)
    finally:
        writer.close()


def approve_and_record(db_path: Path, check_id: str, entry: AccessEntry, wait_seconds: float = 120.0) -> str:
    """Approve a checked draft (`approve`: NotApprovable says why not) with `entry` (its access-log line, about the
    check), then publish the read-only copy; the approval's id."""
    writer = connect_waiting(db_path, wait_seconds)
    try:
        migrate(writer)
        with transaction(writer):
            approval_id = approve(writer, check_id, entry_actor(entry))
            logged = replace(entry, object=check_id, detail=f"approved as {approval_id}")
            access_log.keep(writer, db_path, [logged])
        publish_snapshot_from(writer, db_path)
        return approval_id
    finally:
        writer.close()


def approvals(con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Every approval of a checked draft, one row per approved image (as approved_media.csv lists files): the
    columns and the rows."""
    rows = con.execute(
        "SELECT a.approval_id, a.check_id, i.position AS image, i.sha256, i.phash, i.dhash, a.platform,"
        " a.approved_by, a.approved_at, array_to_string(a.pupils_pictured, ';') AS pupils_pictured, a.verdict"
        " FROM audit.post_approvals AS a JOIN audit.post_check_images AS i USING (check_id)"
        " ORDER BY a.approved_at, a.approval_id, i.position"
    )
    return [d[0] for d in rows.description], rows.fetchall()


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params or [])
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def purge_drafts(con: duckdb.DuckDBPyConnection, cutoff: date) -> int:
    """Retention: the text, images and findings' evidence of drafts checked before `cutoff` removed; the verdict,
    each finding's rule and severity, the images' fingerprints and the approvals are kept (a published copy is still
    recognised). How many checks were purged."""
    if not has_tables(con):
        return 0
    rows = con.execute(
        "SELECT check_id, findings FROM audit.post_checks WHERE checked_at < ? AND (draft_text IS NOT NULL"
        " OR check_id IN (SELECT check_id FROM audit.post_check_images WHERE image IS NOT NULL)"
        " OR json_exists(findings, '$[0].evidence'))",
        [cutoff],
    ).fetchall()
    for check_id, findings in rows:
        kept = [{"rule": f["rule"], "severity": f["severity"]} for f in json.loads(findings)]
        con.execute(
            "UPDATE audit.post_checks SET draft_text = NULL, findings = ? WHERE check_id = ?",
            [json.dumps(kept), check_id],
        )
        con.execute("UPDATE audit.post_check_images SET image = NULL WHERE check_id = ?", [check_id])
    return len(rows)


def checks_about(
    con: duckdb.DuckDBPyConnection, person_ids: Collection[str], names_them: Callable[[str], bool]
) -> list[dict[str, Any]]:
    """The checks whose draft pictures one of `person_ids` (declared), whose findings name one, or whose text
    `names_them`: subject access lists them, an erasure removes their images."""
    if not has_tables(con):
        return []
    ids = set(person_ids)
    found = []
    for row in _dicts(
        con,
        "SELECT check_id, checked_at, checked_by, via, platform, draft_text, pupils_pictured, verdict, findings"
        " FROM audit.post_checks ORDER BY checked_at",
    ):
        findings = row["findings"] if isinstance(row["findings"], str) else json.dumps(row["findings"])
        if (
            ids & set(row["pupils_pictured"] or [])
            or any(person_id in findings for person_id in ids)
            or (row["draft_text"] and names_them(row["draft_text"]))
        ):
            found.append(row)
    return found


def erase_images(con: duckdb.DuckDBPyConnection, check_ids: Collection[str]) -> int:
    """An erasure: the images of these checks removed (their fingerprints stay, naming nobody); how many."""
    if not check_ids:
        return 0
    row = con.execute(
        "UPDATE audit.post_check_images SET image = NULL WHERE image IS NOT NULL"
        " AND check_id IN (SELECT unnest(?::VARCHAR[]))",
        [sorted(check_ids)],
    ).fetchone()
    return int(row[0]) if row else 0
