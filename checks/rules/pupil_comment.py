"""pupil-comment: a current pupil comments on one of the school's YouTube videos.

Policy: corbets-tey.txt §6 (the Enterprise and Technology Lead approves parents, "but not students", on the
school's accounts) and §8 ("No student under 13 should be accessing social networking sites"). An exception is
one per comment thread whose top-level comment's author channel resolves to a current pupil; the subject is the
comment thread id (DESIGN.md §5.6). High severity; a possible match (between the review floor and the
threshold) is low.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from checks.findings import Finding, RuleContext
from checks.rule_support.posts import post_finding, short_label
from checks.rule_support.rule import Rule

RULE_ID = "pupil-comment"
THREADS = """
SELECT account_id, thread_id, comment_id, video_id, author_channel_id, author_display_name, text
FROM marts.fct_comment_threads WHERE as_of = ? ORDER BY account_id, thread_id
"""
LABEL_WORDS = 8


@dataclass(frozen=True)
class CommentThread:
    """A comment thread on one of the channel's videos, as its top-level comment shows it."""

    account_id: str
    thread_id: str
    comment_id: str
    video_id: str
    author: str
    shown: str | None  # the author's display name
    text: str | None
    platform: str = "youtube"
    subject_kind: str = "comment"

    @property
    def subject_id(self) -> str:
        return self.thread_id

    @property
    def subject_url(self) -> str:
        return f"https://www.youtube.com/watch?v={self.video_id}&lc={self.comment_id}"

    @property
    def label(self) -> str:
        return short_label(self.text, self.shown or self.thread_id, max_words=LABEL_WORDS)


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
    for row in ctx.con.execute(THREADS, [ctx.as_of]).fetchall():
        thread = CommentThread(*row)
        match = by_author.get((thread.account_id, thread.author))
        if match is None:
            continue
        severity = ctx.severity_for(match["confidence"], "high")
        if severity is None:
            continue
        prefix = "possible match, needs a person's judgement: " if severity == "low" else ""
        findings.append(
            post_finding(
                ctx,
                thread,
                rule=RULE_ID,
                severity=severity,
                person_kind="pupil",
                person_id=match["person_id"],
                confidence=float(match["confidence"]),
                evidence=f"{prefix}comment by channel {thread.author} ({thread.shown}) on video {thread.video_id}: "
                f"{match['evidence']} (score {match['confidence']:.2f})",
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
