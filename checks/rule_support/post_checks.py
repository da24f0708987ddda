"""What the weekly run says of a school's post that it checked before posting (check-post, the review app): a
finding about the published text (a name, a number, party politics) says whether the post was checked with a hold,
or never checked. Only where the school checks its drafts, and only of posts published since its first check, so the
evidence of every other post reads as it always did. (unapproved-media says it of each image itself:
checks/rule_support/media.py `PostChecks`.)"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from typing import Any

import duckdb

from checks.findings import Finding
from checks.rule_support.media import Library, as_utc, checked_note

TEXT_RULES = ("pupil-named", "contact-details", "political-content")
LINK = re.compile(r"(?i)^(?:https?://|www\.)\S+$")
CHECKS = """
SELECT c.check_id, c.checked_at, c.verdict, c.draft_text,
    EXISTS (SELECT 1 FROM audit.post_approvals AS a WHERE a.check_id = c.check_id) AS approved
FROM audit.post_checks AS c ORDER BY c.checked_at
"""
CHECK_IMAGES = "SELECT check_id, phash, dhash FROM marts.dim_post_check_images"
PUBLISHED = """
SELECT 'x' AS platform, post_id AS subject_id, text, created_at AS published_at FROM staging.stg_x__posts
UNION ALL
SELECT 'youtube', video_id, title || chr(10) || coalesce(description, ''), published_at FROM marts.fct_published_videos
"""
PUBLISHED_IMAGES = "SELECT platform, post_id AS subject_id, phash, dhash FROM marts.fct_published_media"


def note_post_checks(
    con: duckdb.DuckDBPyConnection, findings: list[Finding], max_distance: int
) -> list[Finding]:
    wanted = [f for f in findings if f.rule in TEXT_RULES and f.subject_kind in ("post", "video")]
    if not wanted:
        return findings
    checks = _rows(con, CHECKS)
    if not checks:
        return findings
    since = min(as_utc(c["checked_at"]) for c in checks)
    by_text = {comparable_text(c["draft_text"]): c for c in checks if c["draft_text"]}
    by_id = {c["check_id"]: c for c in checks}
    library = Library([{**i, "approval_id": i["check_id"]} for i in _rows(con, CHECK_IMAGES)])
    posts = {(p["platform"], p["subject_id"]): p for p in _rows(con, PUBLISHED)}
    images: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for image in _rows(con, PUBLISHED_IMAGES):
        images[(image["platform"], image["subject_id"])].append(image)
    wanted_ids = {id(f) for f in wanted}
    notes: dict[tuple[str, str], str] = {}
    for finding in wanted:
        key = (finding.platform, finding.subject_id)
        post = posts.get(key)
        # Posts published before the school first checked a draft read as they always did.
        if (
            key in notes
            or post is None
            or post["published_at"] is None
            or as_utc(post["published_at"]) < since
        ):
            continue
        text = comparable_text(post["text"] or "")
        matched = [by_text[text]] if text and text in by_text else []
        matched += [
            by_id[a["check_id"]] for image in images[key] for a, _ in library.matches(image, max_distance)
        ]
        notes[key] = (
            checked_note(max(matched, key=lambda c: as_utc(c["checked_at"])))
            if matched
            else "; never checked before posting (the school checks its drafts with check-post)"
        )
    return [
        replace(f, evidence=f"{f.evidence}{notes[(f.platform, f.subject_id)]}")
        if id(f) in wanted_ids and notes.get((f.platform, f.subject_id))
        else f
        for f in findings
    ]


def comparable_text(text: str) -> str:
    """A draft's or a published post's words, as both can be compared: X serves every link of a post as a t.co link
    and appends one for its media, so links are left out, and spacing does not count."""
    return " ".join(word for word in text.split() if not LINK.match(word))


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
