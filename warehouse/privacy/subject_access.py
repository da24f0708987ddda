"""A subject access export: everything held about one person, in every schema, with other people left out.

What it holds (warehouse/privacy/subjects.py finds the rows): their register rows in every version still kept, the parents'
rows that list them as a child, the approvals picturing them (and their photo consent, in their register row),
their identities, findings, exceptions with events, reviews and actions, their objects in the raw API pages (profiles,
comments and replies), and every stored copy of the school's posts (API and archive), videos and comments whose
text names them. As the ICO's guidance on subject access asks, other people's personal data in it is redacted:
another pupil named in the same evidence becomes "another pupil" (their id, name and handles), staff "a member of
staff", parents "a parent", reviewers appear by role ("a reviewer"), and other people's replies inside a thread
the person started are withheld.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import duckdb

from warehouse import post_checks
from warehouse.load import now_utc
from warehouse.portable import table_exists
from warehouse.privacy.keyed import ensure_secret
from warehouse.privacy.redaction import Redaction
from warehouse.privacy.subjects import (
    REGISTER_HANDLE_COLUMNS,
    REGISTER_TABLES,
    Subject,
    rows_for,
    select_rows,
    written_by,
)

OTHERS = {"pupils": "another pupil", "staff": "a member of staff", "parents": "a parent"}
REVIEWER = "a reviewer"
SYSTEM_ACTORS = ("weekly-run", "system", "socialaudit restore")
TEXT_STREAMS = ("posts", "post_lookup", "videos", "comments", "comment_replies")


def others_redaction(con: duckdb.DuckDBPyConnection, subject: Subject) -> Redaction:
    """Every other register person's ids, names and handles, by what they are to the requester."""
    redaction = Redaction()
    for table, id_column in REGISTER_TABLES.items():
        given = "coalesce(forename, '')"
        preferred = "coalesce(preferred_name, forename, '')" if table != "parents" else given
        handles = " || ".join(f"coalesce({c}, [])" for c in REGISTER_HANDLE_COLUMNS[table])
        rows = con.execute(
            f"SELECT DISTINCT {id_column}, {given}, {preferred}, surname,"
            f" list_transform({handles}, h -> h.handle) FROM ref.{table}"
            f" WHERE {id_column} NOT IN (SELECT unnest($mine))",
            {"mine": sorted(subject.person_ids) or [""]},
        ).fetchall()
        for person_id, forename, preferred_name, surname, handle_list in rows:
            replacement = OTHERS[table]
            redaction.add_identifier(str(person_id), replacement)
            for name in {f"{forename} {surname}", f"{preferred_name} {surname}"}:
                redaction.add_name(name, replacement)
            for handle in handle_list or []:
                if handle and handle.lstrip("@").casefold() not in subject.handles:
                    redaction.add_handle(handle, replacement)
    return redaction


def _finder(subject: Subject) -> Redaction:
    """What finds the person in text: their handles and names."""
    finder = Redaction()
    for handle in subject.handles:
        finder.add_handle(handle)
    for name in subject.names:
        finder.add_name(name)
    return finder


def _texts_naming(con: duckdb.DuckDBPyConnection, subject: Subject) -> list[dict[str, Any]]:
    """Stored copies of the school's posts (API and archive), videos and comments whose text names the person."""
    finder = _finder(subject)
    if not finder:
        return []
    condition, params = finder.candidates_sql("p.payload::VARCHAR")
    rows = con.execute(
        "SELECT s.platform, s.stream, s.source, s.as_of, p.payload FROM raw.api_pages AS p"
        " JOIN raw.snapshots AS s USING (snapshot_id)"
        f" WHERE s.stream IN (SELECT unnest(?)) AND {condition} ORDER BY s.as_of, s.snapshot_id, p.page_no",
        [list(TEXT_STREAMS), *params],
    ).fetchall()
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for platform, stream, source, as_of, payload in rows:
        for obj in _items(json.loads(payload)):
            text = _text_of(obj)
            if text and finder.text(text)[1]:
                found[(stream, str(obj.get("id")))] = {
                    "platform": platform,
                    "stream": stream,
                    "source": source,
                    "as_of": as_of,
                    "id": obj.get("id"),
                    "text": text,
                }
    return list(found.values())


def _image_text_naming(con: duckdb.DuckDBPyConnection, subject: Subject) -> list[dict[str, Any]]:
    """Lines read in images (a certificate, a name card) that name the person, with where the image is: every
    line is looked at, as an engine may have split a name across a space."""
    finder = _finder(subject)
    if not finder:
        return []
    cursor = con.execute(
        "SELECT media_ref, approval_file, line_no, text, confidence, read_at FROM dpo.image_text"
        " ORDER BY media_ref NULLS LAST, approval_file, line_no"
    )
    columns = [d[0] for d in cursor.description]
    rows = [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
    return [row for row in rows if finder.text(row["text"])[1]]


def _post_checks(con: duckdb.DuckDBPyConnection, subject: Subject) -> list[dict[str, Any]]:
    """Drafts checked before posting that picture the person (as declared), or whose text or findings name them."""
    finder = _finder(subject)
    return post_checks.checks_about(
        con, subject.person_ids, lambda text: bool(finder and finder.text(text)[1])
    )


def _pictures_listed(con: duckdb.DuckDBPyConnection, keys: list[str]) -> list[dict[str, Any]]:
    """The small pictures held beside the person's findings (audit.finding_pictures), listed without the pictures:
    a photo may show other children, so the DPO looks at each before handing it over (docs/dpo.md)."""
    if not keys or not table_exists(con, "audit", "finding_pictures"):
        return []
    return select_rows(
        con,
        "SELECT key, position, role, label, sha256, octet_length(jpeg) AS picture_bytes"
        " FROM audit.finding_pictures WHERE key IN (SELECT unnest($keys)) ORDER BY key, position",
        {"keys": keys},
    )


def _items(payload: Any) -> list[dict[str, Any]]:
    if not isinstance(payload, dict):
        return []
    items = [o for k in ("data", "items") if isinstance(payload.get(k), list) for o in payload[k]]
    replies = [
        r for o in items if isinstance(o, dict) for r in ((o.get("replies") or {}).get("comments") or [])
    ]
    return [o for o in [*items, *replies] if isinstance(o, dict)]


def _text_of(obj: dict[str, Any]) -> str:
    """The words of a post, a video (title, description, tags) or a comment, as one text."""
    snippet = obj.get("snippet") or {}
    comment = (snippet.get("topLevelComment") or {}).get("snippet") or snippet
    parts = [
        obj.get("text"),
        snippet.get("title"),
        snippet.get("description"),
        " ".join(snippet.get("tags") or []),
        comment.get("textOriginal") or comment.get("textDisplay"),
    ]
    return "\n".join(str(p) for p in parts if p)


def _parents_listing(con: duckdb.DuckDBPyConnection, subject: Subject) -> list[dict[str, Any]]:
    """The parents' rows that list the person as their child: which parent, in which register version."""
    result = con.execute(
        "SELECT l.loaded_at, p.load_id, p.parent_id, list_filter(p.pupil_ids, i -> list_contains($mine, i))"
        " AS pupil_ids FROM ref.parents AS p JOIN ref.register_loads AS l USING (load_id)"
        " WHERE len(list_intersect(p.pupil_ids, $mine)) > 0 ORDER BY l.loaded_at",
        {"mine": sorted(subject.person_ids)},
    )
    columns = [d[0] for d in result.description or []]
    return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]


def _fair(section: str, row: dict[str, Any], others: Redaction, subject: Subject) -> dict[str, Any]:
    """One row with other people redacted: their ids, names and handles; reviewers by role; others' replies."""
    row = dict(row)
    if section == "exception_reviews":
        for who in ("reviewer", "seconded_by", "os_user"):
            if row.get(who):
                row[who] = REVIEWER
    if section == "exception_events" and str(row.get("actor", "")).casefold() not in SYSTEM_ACTORS:
        row["actor"] = REVIEWER
    if section == "exception_remediations" and str(row.get("actor", "")).casefold() not in SYSTEM_ACTORS:
        row["actor"] = row["actor_identity"] = REVIEWER
    if section == "raw_objects" and isinstance(row.get("object"), dict):
        row["object"] = _without_others_replies(row["object"], subject.platform_ids)
    if section == "approved_media_picturing":
        row["approved_by"] = "the approver" if row.get("approved_by") else row.get("approved_by")
    redacted, _ = others.value(json.loads(json.dumps(row, default=str)))
    return dict(redacted)


def _without_others_replies(obj: dict[str, Any], platform_ids: set[str]) -> dict[str, Any]:
    replies = (obj.get("replies") or {}).get("comments")
    if not isinstance(replies, list):
        return obj
    kept = [r for r in replies if isinstance(r, dict) and written_by(r.get("snippet"), platform_ids)]
    withheld = len(replies) - len(kept)
    return {**obj, "replies": {"comments": kept, "withheld": f"{withheld} replies by other people"}}


def subject_access(con: duckdb.DuckDBPyConnection, subject: Subject) -> dict[str, Any]:
    """Everything held about the subject, section by section, other people redacted."""
    sections = rows_for(con, subject)
    sections["parents_listing_them"] = _parents_listing(con, subject) if subject.person_ids else []
    sections["texts_naming_them"] = _texts_naming(con, subject)
    sections["image_text_naming_them"] = _image_text_naming(con, subject)
    sections["post_checks"] = _post_checks(con, subject)
    sections["pictures_beside_findings"] = _pictures_listed(
        con, [row["key"] for row in sections["exceptions"]]
    )
    others = others_redaction(con, subject)
    # The requester's own names, handles and ids are theirs to see, whoever else shares them.
    own = _finder(subject)
    for identifier in (*subject.person_ids, *subject.platform_ids):
        own.add_identifier(identifier)
    others.keep(own)
    return {
        "selector": {"kind": subject.selector_kind, "value": subject.selector},
        "register_ids": sorted(subject.person_ids),
        "platform_ids": sorted(subject.platform_ids),
        "generated_at": now_utc().isoformat(),
        "school": _school_name(con),
        "retention": _retention(con),
        "other_people": "redacted: another pupil, a member of staff, a parent, a reviewer (ICO subject access guidance)",
        "sections": {
            name: [_fair(name, row, others, subject) for row in rows] for name, rows in sections.items()
        },
    }


def _school_name(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.execute("SELECT school_name FROM audit.runs ORDER BY as_of DESC LIMIT 1").fetchone()
    return str(row[0]) if row else None


def _retention(con: duckdb.DuckDBPyConnection) -> list[dict[str, str]]:
    """The retention policy the last run enforced, in words (meta.retention_policy)."""
    rows = con.execute("SELECT what, keep_for FROM meta.retention_policy ORDER BY rule").fetchall()
    return [{"what": str(what), "keep_for": str(keep_for)} for what, keep_for in rows]


def log_request(
    con: duckdb.DuckDBPyConnection,
    subject: Subject,
    performed_by: str,
    reason: str | None,
    export_folder: Path,
    export: dict[str, Any],
) -> str:
    """Record the request in audit.subject_access_requests (inside the caller's transaction): keyed selector and
    counts, never the data."""
    secret = ensure_secret(con)
    request_id = uuid.uuid4().hex
    counts = {name: len(rows) for name, rows in export["sections"].items()}
    con.execute(
        "INSERT INTO audit.subject_access_requests VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            request_id,
            now_utc(),
            performed_by,
            reason,
            subject.selector_kind,
            subject.selector_hash(secret),
            str(export_folder.absolute()),
            json.dumps(counts, sort_keys=True),
        ],
    )
    return request_id
