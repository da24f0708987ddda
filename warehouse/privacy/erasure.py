"""Erasure inside the warehouse: every row about the person deleted, their objects cut out of the raw pages, and
their names, handles and ids redacted from every text the product copied (posts, videos, comments, evidence,
notes, other people's register rows), with a record of every place cleaned and counts, never the data.

What lies outside one transaction (the file rewritten so no freed block keeps them, the read-only copy and the
outputs made again, the run logs) is done by flows/erasure.py, which calls `erase` first.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from warehouse import image_readings, post_checks
from warehouse.db import transaction
from warehouse.load import now_utc
from warehouse.privacy import erasure_journal
from warehouse.privacy.keyed import ensure_secret
from warehouse.privacy.redaction import Redaction, sweep, text_columns
from warehouse.privacy.subjects import (
    REGISTER_TABLES,
    Subject,
    keys_clause,
    raw_pages_mentioning,
    strip_objects,
    table_exists,
)

SWEPT_SCHEMAS = ("raw", "ref", "audit", "meta")
# Never personal, or the secret itself: left as they are.
NOT_SWEPT = ("meta.migrations", "meta.warehouse_secret", "meta.rules", "meta.retention_policy")
# Copies the product made but cannot reach: listed in every erasure record (and docs/dpo.md).
NOT_REACHABLE = (
    "e-mails already sent: the weekly summary (and its attachment, where one is configured) and the safeguarding "
    "lead's message, in the recipients' mailboxes",
    "backups taken before this erasure: a restore re-applies it from the erasure journal beside the warehouse",
    "subject access exports already written and handed over",
    "copies people made: downloaded or printed reports, spreadsheets opened from exceptions.csv",
    "the platforms themselves: the person's account and posts on X or YouTube are theirs and the platform's",
    "a failed scheduled run's reason in its worker's log (journald), kept as long as the machine is set to keep it",
)


@dataclass(frozen=True)
class Erased:
    """What `erase` did: the record's id, when, and every place it cleaned with counts."""

    erasure_id: str
    erased_at: datetime
    counts: dict[str, Any]
    # The thumbnails removed (audit.finding_pictures): a kept report showing one is written again, whether or not
    # it names the person (a photo finding need not).
    pictures: tuple[bytes, ...] = ()


def redaction_for(subject: Subject, name_forms: Iterable[str] = ()) -> Redaction:
    """Everything that names the person in text: register ids, account ids, handles, full names in either order
    (and the forms the caller adds, e.g. a diminutive with the surname)."""
    redaction = Redaction()
    for identifier in sorted(subject.person_ids | subject.platform_ids):
        redaction.add_identifier(identifier)
    for handle in sorted(subject.handles):
        redaction.add_handle(handle)
    for name in sorted(subject.names | set(name_forms)):
        redaction.add_name(name)
    return redaction


def erase(
    con: duckdb.DuckDBPyConnection,
    subject: Subject,
    performed_by: str,
    reason: str,
    name_forms: Iterable[str] = (),
    journal: erasure_journal.Journal | None = None,
) -> Erased:
    """Delete and redact everything held about the subject inside the caller's transaction, record it in
    audit.erasures, and (before the caller commits) append the keyed identifiers to `journal`."""
    counts: dict[str, Any] = {}
    person_ids = sorted(subject.person_ids)
    params = {"platform_ids": sorted(subject.platform_ids), "person_ids": person_ids}
    secret = ensure_secret(con)

    def count(name: str, sql: str, values: Any) -> None:
        # The statement's own row count: DuckLake refuses DELETE ... RETURNING.
        row = con.execute(sql, values).fetchone()
        counts[name] = counts.get(name, 0) + (int(row[0]) if row else 0)

    keys = [
        r[0]
        for r in con.execute(
            f"SELECT key FROM audit.exceptions WHERE {keys_clause(by_evidence=True)}", params
        ).fetchall()
    ]
    by_key = {"keys": keys}
    count(
        "audit.exception_events",
        "DELETE FROM audit.exception_events WHERE key IN (SELECT unnest($keys))",
        by_key,
    )
    if table_exists(con, "audit", "reviews"):
        count("audit.reviews", "DELETE FROM audit.reviews WHERE key IN (SELECT unnest($keys))", by_key)
    if table_exists(con, "audit", "remediations"):
        # The actions taken on the person's exceptions: their ids, the objects acted on, the notes written.
        count(
            "audit.remediations", "DELETE FROM audit.remediations WHERE key IN (SELECT unnest($keys))", by_key
        )
    pictures: tuple[bytes, ...] = ()
    if table_exists(con, "audit", "finding_pictures"):
        # A picture beside one of the person's findings, or an approved file that pictures them, goes from beside
        # every finding it is shown with (a post's photo is shown beside each of the post's media findings).
        shown = {**by_key, "person_ids": person_ids}
        of_person = (
            "sha256 IN (SELECT sha256 FROM audit.finding_pictures WHERE key IN (SELECT unnest($keys))"
            " UNION SELECT file_sha256 FROM ref.approved_media"
            " WHERE list_has_any(pupils_pictured, $person_ids::VARCHAR[]))"
        )
        pictures = tuple(
            bytes(r[0])
            for r in con.execute(
                f"SELECT DISTINCT jpeg FROM audit.finding_pictures WHERE {of_person} ORDER BY jpeg", shown
            ).fetchall()
        )
        count("audit.finding_pictures", f"DELETE FROM audit.finding_pictures WHERE {of_person}", shown)
    if table_exists(con, "audit", "pending_decisions"):
        count(
            "audit.pending_decisions",
            "DELETE FROM audit.pending_decisions WHERE key IN (SELECT unnest($keys))",
            by_key,
        )
    for table, by_evidence in (
        ("audit.exceptions", True),
        ("audit.findings", True),
        ("audit.identities", False),
    ):
        count(table, f"DELETE FROM {table} WHERE {keys_clause(by_evidence)}", params)
    for table, id_column in REGISTER_TABLES.items():
        count(
            f"ref.{table}",
            f"DELETE FROM ref.{table} WHERE {id_column} IN (SELECT unnest($person_ids))",
            {"person_ids": person_ids},
        )
    rewritten = removed = 0
    for page, payload in raw_pages_mentioning(con, subject.platform_ids):
        stripped, n = strip_objects(payload, subject.platform_ids)
        if n:
            con.execute(
                "UPDATE raw.api_pages SET payload = ? WHERE snapshot_id = ? AND page_no = ?",
                [json.dumps(stripped), page["snapshot_id"], page["page_no"]],
            )
            rewritten += 1
            removed += n
    counts["raw.api_pages (pages rewritten)"] = rewritten
    counts["raw.api_pages (objects removed)"] = removed
    redaction = redaction_for(subject, name_forms)
    # Before the sweep redacts the ids and names these checks are found by.
    drafts = post_checks.checks_about(con, subject.person_ids, lambda text: redaction.text(text)[1] > 0)
    images_removed = post_checks.erase_images(con, [row["check_id"] for row in drafts])
    if images_removed:
        counts["audit.post_check_images (images removed)"] = images_removed
    columns = text_columns(con, SWEPT_SCHEMAS, skip=NOT_SWEPT)
    for place, n in sweep(con, redaction, columns).items():
        counts[f"{place} (mentions redacted)"] = n
    # Names read in images: also where the engine split a word, which the sweep's needles cannot see.
    split_reads = image_readings.redact_lines(con, redaction)
    if split_reads:
        counts["raw.image_text (names read in images redacted)"] = split_reads
    erased = Erased(uuid.uuid4().hex, now_utc(), counts, pictures)
    recorded_reason = redaction.text(reason)[0]  # a reference that names the person is a copy too
    con.execute(
        "INSERT INTO audit.erasures (erasure_id, performed_at, performed_by, reason, selector_kind,"
        " selector_sha256, counts) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            erased.erasure_id,
            erased.erased_at,
            performed_by,
            recorded_reason,
            subject.selector_kind,
            subject.selector_hash(secret),
            json.dumps(record_counts(counts), sort_keys=True),
        ],
    )
    if journal is not None:
        journal.append(
            erasure_journal.entry_for(
                subject, secret, erased.erasure_id, erased.erased_at, performed_by, recorded_reason
            )
        )
    return erased


def record_counts(counts: dict[str, Any]) -> dict[str, Any]:
    """The record's counts with the copies the product cannot reach listed beside them."""
    return {**counts, "not reachable": list(NOT_REACHABLE)}


def complete_record(con: duckdb.DuckDBPyConnection, erased: Erased, places: dict[str, Any]) -> None:
    """Add the places cleaned after the transaction (outputs, run logs, the file rewritten) to the record, in a
    short transaction of its own."""
    counts = record_counts({**erased.counts, **places})
    with transaction(con):
        con.execute(
            "UPDATE audit.erasures SET counts = ? WHERE erasure_id = ?",
            [json.dumps(counts, sort_keys=True), erased.erasure_id],
        )
