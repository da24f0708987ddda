"""Retention of copied text: pupils' names in the stored copies of the school's old posts.

Posts arrive incrementally, so the copy of an old post is the only one the warehouse has, and the rules need it
(a deleted post resolves its exceptions; an image is matched by its post). What need not be kept past
`[retention] posts_naming_pupils_weeks` is a pupil's name in it: replaced in place, the post kept. A post whose
pupil-named exception is still open (new, open, acknowledged, reopened) keeps its text: the exception needs it
until the post is edited or deleted, or a reviewer decides.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import duckdb

from warehouse import image_readings
from warehouse.privacy.redaction import Redaction

REMOVED = "[removed by retention]"
POST_STREAMS = ("posts", "post_lookup")


def pupils_redaction(con: duckdb.DuckDBPyConnection) -> Redaction:
    redaction = Redaction()
    for forename, preferred, surname in con.execute(
        "SELECT DISTINCT forename, coalesce(preferred_name, forename), surname FROM ref.pupils"
    ).fetchall():
        for name in {f"{forename} {surname}", f"{preferred} {surname}"}:
            redaction.add_name(name, REMOVED)
    return redaction


def _open_posts(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT subject_id FROM audit.exceptions WHERE rule = 'pupil-named'"
        " AND status IN ('new', 'open', 'acknowledged', 'reopened')"
    ).fetchall()
    return {str(r[0]) for r in rows}


def _redact_page(payload: Any, redaction: Redaction, keep: set[str]) -> tuple[Any, int]:
    """Posts (`data`) and their media (`includes.media`) redacted, except the posts in `keep` and their media."""
    if not isinstance(payload, dict):
        return payload, 0
    total = 0
    kept_media: set[str] = set()
    posts = payload.get("data")
    if isinstance(posts, list):
        for index, post in enumerate(posts):
            if isinstance(post, dict) and str(post.get("id")) in keep:
                kept_media |= set((post.get("attachments") or {}).get("media_keys") or [])
                continue
            posts[index], n = redaction.value(post)
            total += n
    includes = payload.get("includes")
    if isinstance(includes, dict) and isinstance(includes.get("media"), list):
        media = includes["media"]
        for index, item in enumerate(media):
            if isinstance(item, dict) and item.get("media_key") in kept_media:
                continue
            media[index], n = redaction.value(item)
            total += n
    return payload, total


def redact_pupils_in_old_posts(con: duckdb.DuckDBPyConnection, cutoff: date) -> int:
    """Inside the caller's transaction: names replaced in posts fetched before `cutoff`, and in the text read from
    images read before it (published or in the approved library); replacements made."""
    # E.g. a school's first weeks: the redaction (regexes for every pupil's name) is not even built.
    if not _anything_older(con, cutoff):
        return 0
    redaction = pupils_redaction(con)
    if not redaction:
        return 0
    return _redact_old_posts(con, cutoff, redaction) + _redact_old_image_text(con, cutoff, redaction)


def _anything_older(con: duckdb.DuckDBPyConnection, cutoff: date) -> bool:
    """Whether any copied post or image text is old enough for its names to be replaced."""
    row = con.execute(
        "SELECT EXISTS (SELECT 1 FROM raw.snapshots WHERE stream IN (SELECT unnest(?)) AND as_of < ?)"
        " OR EXISTS (SELECT 1 FROM raw.image_readings WHERE read_at < ?)",
        [list(POST_STREAMS), cutoff, cutoff],
    ).fetchone()
    return bool(row and row[0])


def _redact_old_image_text(con: duckdb.DuckDBPyConnection, cutoff: date, redaction: Redaction) -> int:
    """The images of a post or video whose pupil-named exception is open keep their text, as the post does."""
    kept = sorted(_open_posts(con))
    return image_readings.redact_lines(
        con,
        redaction,
        "r.read_at < ? AND t.sha256 NOT IN (SELECT f.sha256 FROM raw.media_files AS f WHERE f.sha256 IS NOT NULL"
        " AND (f.media_ref IN (SELECT 'x:' || m.media_key FROM staging.stg_x__media AS m"
        "      WHERE m.post_id IN (SELECT unnest(?::VARCHAR[])))"
        "  OR f.media_ref IN (SELECT 'youtube:' || unnest(?::VARCHAR[]))))",
        [cutoff, kept, kept],
    )


def _redact_old_posts(con: duckdb.DuckDBPyConnection, cutoff: date, redaction: Redaction) -> int:
    condition, params = redaction.candidates_sql("p.payload::VARCHAR")
    pages = con.execute(
        "SELECT p.snapshot_id, p.page_no, p.payload FROM raw.api_pages AS p JOIN raw.snapshots AS s USING (snapshot_id)"
        f" WHERE s.stream IN (SELECT unnest(?)) AND s.as_of < ? AND {condition}",
        [list(POST_STREAMS), cutoff, *params],
    ).fetchall()
    keep = _open_posts(con)
    total = 0
    for snapshot_id, page_no, payload in pages:
        redacted, n = _redact_page(json.loads(payload), redaction, keep)
        if n:
            con.execute(
                "UPDATE raw.api_pages SET payload = ? WHERE snapshot_id = ? AND page_no = ?",
                [json.dumps(redacted), snapshot_id, page_no],
            )
            total += n
    return total
