"""pupil-comment: a current pupil comments on one of the school's YouTube videos.

Policy: corbets-tey.txt §6 (the Enterprise and Technology Lead approves parents, "but not students", on the
school's accounts) and §8 ("No student under 13 should be accessing social networking sites"). An exception is
one per comment thread whose top-level comment's author channel resolves to a current pupil; the subject is the
comment thread id (DESIGN.md §5.6). High severity; a possible match (between the review floor and the
threshold) is low.
"""

from __future__ import annotations

import polars as pl

from checks.findings import Finding, RuleContext
from checks.rules.base import Rule

RULE_ID = "pupil-comment"
THREADS = """
SELECT DISTINCT ON (account_id, thread_id)
    account_id, thread_id, comment_id, video_id, author_channel_id, author_display_name, text
FROM staging.stg_youtube__comments
WHERE as_of = ? AND author_channel_id IS NOT NULL
ORDER BY account_id, thread_id
"""
LABEL_WORDS = 8


def _label(text: str | None, fallback: str) -> str:
    words = (text or "").split()
    if not words:
        return fallback
    return " ".join(words[:LABEL_WORDS]) + ("…" if len(words) > LABEL_WORDS else "")


def find(ctx: RuleContext) -> list[Finding]:
    pupils = ctx.identities.filter(
        (pl.col("platform") == "youtube")
        & (pl.col("relation") == "commenter")
        & (pl.col("person_kind") == "pupil")
    )
    if pupils.is_empty():
        return []
    by_author = {(r["account_id"], r["subject_id"]): r for r in pupils.iter_rows(named=True)}
    findings = []
    for account_id, thread_id, comment_id, video_id, author, shown, text in ctx.con.execute(
        THREADS, [ctx.as_of]
    ).fetchall():
        row = by_author.get((account_id, author))
        if row is None:
            continue
        severity = ctx.severity_for(row["confidence"], "high")
        if severity is None:
            continue
        prefix = "possible match, needs a person's judgement: " if severity == "low" else ""
        findings.append(
            Finding(
                rule=RULE_ID,
                severity=severity,
                platform="youtube",
                account=ctx.account_label("youtube", account_id),
                subject_kind="comment",
                subject_id=thread_id,
                subject_label=_label(text, shown or thread_id),
                subject_url=f"https://www.youtube.com/watch?v={video_id}&lc={comment_id}",
                person_kind="pupil",
                person_id=row["person_id"],
                confidence=float(row["confidence"]),
                evidence=f"{prefix}comment by channel {author} ({shown}) on video {video_id}: {row['evidence']} "
                f"(score {row['confidence']:.2f})",
            )
        )
    return findings


RULE = Rule(
    id=RULE_ID,
    title="Pupils commenting on the school's YouTube videos",
    policy="corbets-tey.txt §6 (follow requests from parents, not students); §8 (no student under 13 on social "
    "networking sites)",
    what_counts="a current pupil's channel writes a comment thread on one of the school's YouTube videos (one exception "
    "per thread)",
    find=find,
)
