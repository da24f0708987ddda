"""Hand-written findings, and audit.exceptions and meta.rules rows as a run writes them (report and review tests)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from checks.findings import Finding
from checks.rules import RULES
from tests.builders.tiny_dataset import CHANNEL_ID
from tests.builders.tiny_dataset import X_ACCOUNT_ID as X_ID
from warehouse.snapshot import publish_snapshot

AS_OF = date(2026, 11, 13)
LAST_WEEK = date(2026, 11, 6)
FIRST_WEEK = date(2026, 10, 30)

PUPIL_FOLLOWER = Finding(
    rule="pupil-follower",
    severity="high",
    platform="x",
    account="TinyLanePrimary",
    account_id=X_ID,
    subject_kind="follower",
    subject_id="1600000000000000001",
    subject_label="@jess_smith",
    subject_url="https://x.com/jess_smith",
    person_kind="pupil",
    person_id="P0001",
    confidence=1.0,
    evidence="x account @jess_smith is declared in pupils.csv known_handles for pupil P0001, Year 5 (score 1.00)",
)
STAFF_FOLLOWER = Finding(
    rule="staff-personal-follower",
    severity="medium",
    platform="x",
    account="TinyLanePrimary",
    account_id=X_ID,
    subject_kind="follower",
    subject_id="1700000000000000002",
    subject_label="@helenward",
    subject_url="https://x.com/helenward",
    person_kind="staff",
    person_id="S001",
    confidence=1.0,
    evidence="x account @helenward is declared in staff.csv personal_handles for staff S001 (score 1.00)",
)
UNAPPROVED_VIDEO = Finding(
    rule="unapproved-media",
    severity="high",
    platform="youtube",
    account="@tinylaneprimary",
    account_id=CHANNEL_ID,
    subject_kind="video",
    subject_id="vidStranger1",
    subject_label="video vidStranger1",
    subject_url="https://www.youtube.com/watch?v=vidStranger1",
    person_kind=None,
    person_id=None,
    confidence=1.0,
    evidence="thumbnail not covered by any approval for youtube: vidStranger1: not in the approved library",
)


def variant(finding: Finding, subject_id: str, **changes: Any) -> Finding:
    """The same kind of finding about another subject."""
    return replace(finding, subject_id=subject_id, **changes)


def insert_exception(
    con: duckdb.DuckDBPyConnection,
    finding: Finding,
    status: str = "new",
    first_seen: date = AS_OF,
    last_seen: date = AS_OF,
    resolved_on: date | None = None,
) -> None:
    row = finding.as_row(AS_OF)
    con.execute(
        "INSERT INTO audit.exceptions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            row["key"],
            row["rule"],
            row["severity"],
            status,
            row["platform"],
            row["account"],
            row["subject_kind"],
            row["subject_id"],
            row["subject_label"],
            row["subject_url"],
            row["person_kind"],
            row["person_id"],
            row["confidence"],
            row["evidence"],
            row["evidence_sha256"],
            first_seen,
            last_seen,
            resolved_on,
            datetime(2026, 11, 13, 9, 30),
            row["account_id"],
            "gone" if resolved_on else None,
            row["faces_shown"],
        ],
    )


def insert_rules(con: duckdb.DuckDBPyConnection) -> None:
    """meta.rules as a run writes it: the running code's catalogue."""
    con.executemany(
        "INSERT INTO meta.rules VALUES (?, ?, ?, ?)",
        [[r.id, r.title, r.policy, r.what_counts] for r in RULES],
    )


# Safeguarding-critical: a published post picturing a pupil whose photo consent is withdrawn.
CONSENT_BREACH = Finding(
    rule="consent-breach",
    severity="critical",
    platform="x",
    account="TinyLanePrimary",
    account_id=X_ID,
    subject_kind="post",
    subject_id="1800000000000000003",
    subject_label="post 1800000000000000003",
    subject_url="https://x.com/TinyLanePrimary/status/1800000000000000003",
    person_kind="pupil",
    person_id="P0002",
    confidence=0.97,
    evidence="image 1 pictures pupil P0002 (Molly Green), whose photo consent is withdrawn",
)


def one_run(con: duckdb.DuckDBPyConnection, db_path: Path, findings: Iterable[Finding]) -> Path:
    """A warehouse after one run of AS_OF that raised `findings`, with its read-only copy published (the
    connection is closed)."""
    insert_rules(con)
    for finding in findings:
        insert_exception(con, finding)
    con.execute(
        "INSERT INTO audit.runs VALUES (?, 'r1', 'sandbox', 'Tiny Lane', ?, ?, 1, NULL)",
        [AS_OF, datetime(2026, 11, 13, 6), datetime(2026, 11, 13, 6, 1)],
    )
    con.close()
    publish_snapshot(db_path)
    return db_path
