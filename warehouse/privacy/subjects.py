"""Who a subject access or erasure request is about: every register id, account, handle and name the warehouse
holds for the person, the rows about them in every schema, and their objects inside the raw API pages.

warehouse/privacy/subject_access.py exports what is found (with other people redacted); warehouse/privacy/erasure.py erases it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import duckdb

from warehouse.portable import table_exists
from warehouse.privacy.keyed import keyed_hash

SELECTORS = ("handle", "platform-id", "person")
REGISTER_TABLES = {"pupils": "pupil_id", "staff": "staff_id", "parents": "parent_id"}
REGISTER_HANDLE_COLUMNS = {
    "pupils": ("known_handles",),
    "staff": ("personal_handles", "official_handles"),
    "parents": ("known_handles",),
}


class UnknownSubject(Exception):
    """Nothing in the warehouse matches the handle, platform id or register id given."""


@dataclass
class Subject:
    """One person as the warehouse knows them: register ids and the platform account ids linked to them."""

    selector_kind: str
    selector: str
    person_ids: set[str] = field(default_factory=set)
    platform_ids: set[str] = field(default_factory=set)
    handles: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)

    def selector_hash(self, secret: bytes) -> str:
        """The selector as a record may keep it: keyed with the warehouse's secret, so no guess is confirmed."""
        return keyed_hash(secret, f"selector-{self.selector_kind}", self.selector)


def normalise_handle(handle: str) -> str:
    return handle.strip().lstrip("@").casefold()


def _column(con: duckdb.DuckDBPyConnection, sql: str, params: Any) -> set[str]:
    return {str(r[0]) for r in con.execute(sql, params).fetchall() if r[0] is not None}


def find_subject(con: duckdb.DuckDBPyConnection, selector_kind: str, value: str) -> Subject:
    """Resolve a handle, a platform id or a register id to every id the warehouse holds for that person."""
    if selector_kind not in SELECTORS:
        raise ValueError(f"selector must be one of {', '.join(SELECTORS)}")
    value = value.strip()
    subject = Subject(selector_kind, normalise_handle(value) if selector_kind == "handle" else value)
    if selector_kind == "handle":
        handle = subject.selector
        subject.platform_ids |= _column(
            con,
            "SELECT DISTINCT subject_id FROM marts.fct_audience WHERE lower(ltrim(handle, '@')) = ?"
            " UNION SELECT DISTINCT user_id FROM staging.stg_x__users WHERE lower(username) = ?",
            [handle, handle],
        )
        for table, id_column in REGISTER_TABLES.items():
            for handles in REGISTER_HANDLE_COLUMNS[table]:
                subject.person_ids |= _column(
                    con,
                    f"SELECT DISTINCT {id_column} FROM ref.{table} "
                    f"WHERE list_contains(list_transform({handles}, h -> lower(ltrim(h.handle, '@'))), ?)",
                    [handle],
                )
    elif selector_kind == "platform-id":
        subject.platform_ids.add(value)
    else:
        subject.person_ids.add(value)
        subject.platform_ids |= _column(
            con, "SELECT DISTINCT subject_id FROM audit.identities WHERE person_id = ?", [value]
        )
    held = any(rows_for(con, subject).values()) if subject.person_ids or subject.platform_ids else False
    if not held:
        raise UnknownSubject(f"the warehouse holds nothing for {selector_kind} {value!r}")
    _identifiers(con, subject)
    return subject


def _identifiers(con: duckdb.DuckDBPyConnection, subject: Subject) -> None:
    """The handles and names the person goes by, from the registers and the platforms, for finding them in text."""
    if subject.selector_kind == "handle":
        subject.handles.add(subject.selector)
    person_ids = {"person_ids": sorted(subject.person_ids)}
    for table, id_column in REGISTER_TABLES.items():
        given = "forename" if table != "parents" else "coalesce(forename, '')"
        preferred = "coalesce(preferred_name, forename)" if table != "parents" else given
        for forename, preferred_name, surname in con.execute(
            f"SELECT DISTINCT {given}, {preferred}, surname FROM ref.{table}"
            f" WHERE {id_column} IN (SELECT unnest($person_ids))",
            person_ids,
        ).fetchall():
            subject.names |= {f"{forename} {surname}".strip(), f"{preferred_name} {surname}".strip()}
        for handles in REGISTER_HANDLE_COLUMNS[table]:
            subject.handles |= _column(
                con,
                f"SELECT DISTINCT lower(ltrim(h.handle, '@')) FROM (SELECT unnest({handles}) AS h FROM ref.{table}"
                f" WHERE {id_column} IN (SELECT unnest($person_ids)))",
                person_ids,
            )
    accounts = {"platform_ids": sorted(subject.platform_ids)}
    subject.handles |= _column(
        con,
        "SELECT DISTINCT lower(ltrim(handle, '@')) FROM marts.fct_audience"
        " WHERE platform = 'x' AND subject_id IN (SELECT unnest($platform_ids))",
        accounts,
    )
    subject.names |= _column(
        con,
        "SELECT DISTINCT display_name FROM marts.fct_audience WHERE subject_id IN (SELECT unnest($platform_ids))",
        accounts,
    )
    subject.names = {n for n in subject.names if n}


def select_rows(con: duckdb.DuckDBPyConnection, sql: str, params: Any) -> list[dict[str, Any]]:
    result = con.execute(sql, params)
    columns = [d[0] for d in result.description or []]
    return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]


def keys_clause(by_evidence: bool = False) -> str:
    """Rows about the person. With `by_evidence`, also findings whose evidence names one of their platform ids:
    a pupil-comment exception's subject is the comment thread, and its evidence names the author's channel."""
    clause = "subject_id IN (SELECT unnest($platform_ids)) OR person_id IN (SELECT unnest($person_ids))"
    if by_evidence:
        clause += (
            " OR coalesce(list_bool_or(list_transform($platform_ids, i -> contains(evidence, i))), false)"
        )
    return f"({clause})"


def rows_for(con: duckdb.DuckDBPyConnection, subject: Subject) -> dict[str, list[dict[str, Any]]]:
    params = {"platform_ids": sorted(subject.platform_ids), "person_ids": sorted(subject.person_ids)}
    sections: dict[str, list[dict[str, Any]]] = {}
    for table, id_column in REGISTER_TABLES.items():
        sections[f"register_{table}"] = select_rows(
            con,
            f"SELECT l.loaded_at, r.* FROM ref.{table} AS r JOIN ref.register_loads AS l USING (load_id) "
            f"WHERE r.{id_column} IN (SELECT unnest($person_ids)) ORDER BY l.loaded_at",
            {"person_ids": params["person_ids"]},
        )
    sections["approved_media_picturing"] = select_rows(
        con,
        "SELECT * FROM ref.approved_media WHERE len(list_intersect(pupils_pictured, $person_ids)) > 0",
        {"person_ids": params["person_ids"]},
    )
    where = keys_clause()
    sections["identities"] = select_rows(
        con, f"SELECT * FROM audit.identities WHERE {where} ORDER BY as_of", params
    )
    named = keys_clause(by_evidence=True)
    sections["findings"] = select_rows(
        con, f"SELECT * FROM audit.findings WHERE {named} ORDER BY as_of", params
    )
    sections["exceptions"] = select_rows(
        con, f"SELECT * FROM audit.exceptions WHERE {named} ORDER BY key", params
    )
    keys = [row["key"] for row in sections["exceptions"]]
    sections["exception_events"] = select_rows(
        con,
        "SELECT * FROM audit.exception_events WHERE key IN (SELECT unnest($keys)) ORDER BY occurred_at",
        {"keys": keys},
    )
    if table_exists(con, "audit", "reviews"):
        sections["exception_reviews"] = select_rows(
            con,
            "SELECT * FROM audit.reviews WHERE key IN (SELECT unnest($keys)) ORDER BY reviewed_at",
            {"keys": keys},
        )
    if table_exists(con, "audit", "remediations"):
        sections["exception_remediations"] = select_rows(
            con,
            "SELECT * FROM audit.remediations WHERE key IN (SELECT unnest($keys)) ORDER BY recorded_at",
            {"keys": keys},
        )
    sections["raw_objects"] = [
        {**page, "object": obj}
        for page, payload in raw_pages_mentioning(con, subject.platform_ids)
        for obj in objects_about(payload, subject.platform_ids)
    ]
    return sections


def raw_pages_mentioning(
    con: duckdb.DuckDBPyConnection, platform_ids: set[str]
) -> list[tuple[dict[str, Any], Any]]:
    if not platform_ids:
        return []
    needles = [json.dumps(i) for i in sorted(platform_ids)]
    rows = con.execute(
        "SELECT s.snapshot_id, s.platform, s.stream, s.as_of, p.page_no, p.fetched_at, p.payload "
        "FROM raw.api_pages AS p JOIN raw.snapshots AS s USING (snapshot_id) "
        "WHERE list_bool_or(list_transform($needles, n -> contains(p.payload::VARCHAR, n))) "
        "ORDER BY s.as_of, s.snapshot_id, p.page_no",
        {"needles": needles},
    ).fetchall()
    return [
        (
            {
                "snapshot_id": r[0],
                "platform": r[1],
                "stream": r[2],
                "as_of": r[3],
                "page_no": r[4],
                "fetched_at": r[5],
            },
            json.loads(r[6]),
        )
        for r in rows
    ]


def _is_about(obj: Any, platform_ids: set[str]) -> bool:
    """An API object describing one of the accounts: an X user, a subscription, a comment thread they started,
    a comment (a reply read with comments.list) they wrote."""
    if not isinstance(obj, dict):
        return False
    if str(obj.get("id")) in platform_ids and ("username" in obj or "name" in obj or "snippet" in obj):
        return True
    subscriber = (obj.get("subscriberSnippet") or {}).get("channelId")
    if subscriber in platform_ids:
        return True
    snippet = obj.get("snippet") or {}
    comment = (snippet.get("topLevelComment") or {}).get("snippet") or snippet
    return written_by(comment, platform_ids)


def written_by(comment_snippet: Any, platform_ids: set[str]) -> bool:
    if not isinstance(comment_snippet, dict):
        return False
    return (comment_snippet.get("authorChannelId") or {}).get("value") in platform_ids


def embedded_replies(obj: Any) -> list[Any] | None:
    """The replies YouTube embeds in a comment thread (`replies.comments`), the list itself so it can be edited."""
    if not isinstance(obj, dict) or not isinstance(obj.get("replies"), dict):
        return None
    replies = obj["replies"].get("comments")
    return replies if isinstance(replies, list) else None


def _replies_by(obj: Any, platform_ids: set[str]) -> list[Any]:
    """The person's replies embedded in someone else's comment thread."""
    replies = embedded_replies(obj) or []
    return [r for r in replies if isinstance(r, dict) and written_by(r.get("snippet"), platform_ids)]


def _lists_in(payload: Any) -> list[list[Any]]:
    if not isinstance(payload, dict):
        return []
    found = [payload[k] for k in ("data", "items") if isinstance(payload.get(k), list)]
    includes = payload.get("includes")
    if isinstance(includes, dict) and isinstance(includes.get("users"), list):
        found.append(includes["users"])
    return found


def objects_about(payload: Any, platform_ids: set[str]) -> list[Any]:
    """Objects about the person, and their replies inside threads started by others."""
    found = []
    for items in _lists_in(payload):
        for obj in items:
            if _is_about(obj, platform_ids):
                found.append(obj)
            else:
                found.extend(_replies_by(obj, platform_ids))
    return found


def strip_objects(payload: Any, platform_ids: set[str]) -> tuple[Any, int]:
    """Remove the person's objects from a page, and their replies from threads started by others."""
    removed = 0
    for items in _lists_in(payload):
        kept = [obj for obj in items if not _is_about(obj, platform_ids)]
        removed += len(items) - len(kept)
        items[:] = kept
        for obj in kept:
            replies = embedded_replies(obj)
            if replies is None:
                continue
            others = [
                r for r in replies if not (isinstance(r, dict) and written_by(r.get("snippet"), platform_ids))
            ]
            removed += len(replies) - len(others)
            replies[:] = others
    return payload, removed
