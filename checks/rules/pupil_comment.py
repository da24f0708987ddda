"""pupil-comment: a current pupil comments on one of the school's YouTube videos, Facebook posts or Instagram media.

Policy: corbets-tey.txt §6 and §8. Every comment on the school's YouTube videos, Facebook posts and Instagram media
is audited: top-level comments and replies, published, held for review or likely spam (a pupil's held comment is
what the school most needs to see). An exception is a current pupil's comment: on YouTube one per thread and pupil
(the top-level commenter has the thread's key, a pupil who only replied the thread's key followed by their channel
id); on Facebook and Instagram one per comment or reply, the commenter resolved by the name (Facebook) or username
(Instagram) the token is shown; a hidden comment is not judged, nor one whose author is not shown. High; a possible
match is low.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import polars as pl

from checks.findings import Finding, RuleContext
from checks.rule_support.posts import post_finding, short_label
from checks.rule_support.rule import Rule

RULE_ID = "pupil-comment"
COMMENTS = """
SELECT account_id, thread_id, comment_id, video_id, is_reply, moderation_status, author_channel_id,
       author_display_name, text
FROM marts.fct_comments WHERE as_of = ? ORDER BY account_id, thread_id, is_reply, published_at, comment_id
"""
LABEL_WORDS = 8
STATE_WORDS = {"heldForReview": "held for review", "likelySpam": "likely spam", "rejected": "rejected"}


@dataclass(frozen=True)
class Comment:
    """One comment on one of the channel's videos: a thread's top-level comment or a reply in it."""

    account_id: str
    thread_id: str
    comment_id: str
    video_id: str | None
    is_reply: bool
    moderation_status: str
    author: str
    shown: str | None  # the author's display name
    text: str | None

    @property
    def described(self) -> str:
        what = f"reply {self.comment_id}" if self.is_reply else f"top-level comment {self.comment_id}"
        state = STATE_WORDS.get(self.moderation_status, self.moderation_status)
        return what if self.moderation_status == "published" else f"{what} ({state})"


@dataclass(frozen=True)
class PupilInThread:
    """The comments one pupil wrote in one thread, the first of them standing for the thread in the report."""

    comments: tuple[Comment, ...]
    key_channel: str | None  # None when the pupil wrote the top-level comment: the thread's own key
    platform: str = "youtube"
    subject_kind: str = "comment"

    @property
    def first(self) -> Comment:
        return self.comments[0]

    @property
    def account_id(self) -> str:
        return self.first.account_id

    @property
    def subject_id(self) -> str:
        return self.first.thread_id

    @property
    def subject_url(self) -> str | None:
        if self.first.video_id is None:
            return None
        return f"https://www.youtube.com/watch?v={self.first.video_id}&lc={self.first.comment_id}"

    @property
    def label(self) -> str:
        return short_label(self.first.text, self.first.shown or self.first.thread_id, max_words=LABEL_WORDS)

    @property
    def plain(self) -> bool:
        """Only a published top-level comment: described as before replies and moderation states were read."""
        return (
            len(self.comments) == 1
            and not self.first.is_reply
            and self.first.moderation_status == "published"
        )

    def what(self) -> str:
        if self.plain:
            return "comment"
        return ", ".join(c.described for c in self.comments)

    def by(self) -> str:
        authors = dict.fromkeys((c.author, c.shown) for c in self.comments)
        return ", ".join(f"channel {author} ({shown})" for author, shown in authors)


def _pupils_by_channel(ctx: RuleContext) -> dict[tuple[str, str], dict[str, Any]]:
    pupils = ctx.identities.filter(
        (pl.col("platform") == "youtube")
        & (pl.col("relation") == "commenter")
        & (pl.col("person_kind") == "pupil")
    )
    by_channel: dict[tuple[str, str], dict[str, Any]] = {}
    for row in pupils.iter_rows(named=True):
        # A shared channel reads as several pupils (the first is the best reading): its comments are the first's.
        by_channel.setdefault((row["account_id"], row["subject_id"]), row)
    return by_channel


def _person(match: dict[str, Any]) -> str:
    return str(match["person_id"] if match["person_id"] is not None else match["subject_id"])


def find(ctx: RuleContext) -> list[Finding]:
    return _youtube_findings(ctx) + _meta_findings(ctx)


def _youtube_findings(ctx: RuleContext) -> list[Finding]:
    by_channel = _pupils_by_channel(ctx)
    if not by_channel:
        return []
    # (account, thread, person) -> that person's comments there and their best identity match
    written: dict[tuple[str, str, str], list[Comment]] = defaultdict(list)
    best: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in ctx.con.execute(COMMENTS, [ctx.as_of]).fetchall():
        comment = Comment(*row)
        match = by_channel.get((comment.account_id, comment.author))
        if match is None or ctx.severity_for(match["confidence"], "high") is None:
            continue
        group = (comment.account_id, comment.thread_id, _person(match))
        written[group].append(comment)
        if group not in best or match["confidence"] > best[group]["confidence"]:
            best[group] = match
    findings = []
    for group, comments in written.items():
        match = best[group]
        wrote_top_level = any(not c.is_reply for c in comments)
        pupil = PupilInThread(tuple(comments), None if wrote_top_level else min(c.author for c in comments))
        severity = ctx.severity_for(match["confidence"], "high")
        assert severity is not None  # comments below the review floor were skipped above
        prefix = "possible match, needs a person's judgement: " if severity == "low" else ""
        finding = post_finding(
            ctx,
            pupil,
            rule=RULE_ID,
            severity=severity,
            person_kind="pupil",
            person_id=match["person_id"],
            confidence=float(match["confidence"]),
            evidence=f"{prefix}{pupil.what()} by {pupil.by()} on video {pupil.first.video_id}: "
            f"{match['evidence']} (score {match['confidence']:.2f})",
            basis=(str(pupil.first.video_id),),
        )
        findings.append(finding if pupil.key_channel is None else finding.keyed_also_on(pupil.key_channel))
    return findings


META_COMMENTS = """
SELECT platform, account_id, comment_id, post_id, parent_id, author_id, author_name, text, post_url
FROM marts.fct_meta_comments WHERE author_id IS NOT NULL AND NOT coalesce(by_school, false)
ORDER BY platform, account_id, post_id, comment_id
"""


@dataclass(frozen=True)
class MetaComment:
    """A comment or reply on a Facebook Page's post or an Instagram account's media, as last read."""

    platform: str
    account_id: str
    subject_id: str
    post_id: str
    parent_id: str | None
    author: str
    shown: str | None
    text: str | None
    subject_url: str | None
    subject_kind: str = "comment"

    @property
    def label(self) -> str:
        return short_label(self.text, self.shown or self.subject_id, max_words=LABEL_WORDS)

    def described(self) -> str:
        what = "reply" if self.parent_id else "comment"
        by = f"{self.shown} ({self.author})" if self.shown and self.shown != self.author else self.author
        where = "post" if self.platform == "facebook" else "media"
        return f"{what} {self.subject_id} by {by} on {where} {self.post_id}"


def _meta_findings(ctx: RuleContext) -> list[Finding]:
    pupils = ctx.identities.filter(
        pl.col("platform").is_in(["facebook", "instagram"])
        & (pl.col("relation") == "commenter")
        & (pl.col("person_kind") == "pupil")
    )
    by_author: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in pupils.iter_rows(named=True):
        by_author.setdefault((row["platform"], row["account_id"], row["subject_id"]), row)
    if not by_author:
        return []
    findings = []
    for fields in ctx.con.execute(META_COMMENTS).fetchall():
        comment = MetaComment(*fields)
        match = by_author.get((comment.platform, comment.account_id, comment.author))
        severity = None if match is None else ctx.severity_for(match["confidence"], "high")
        if match is None or severity is None:
            continue
        prefix = "possible match, needs a person's judgement: " if severity == "low" else ""
        findings.append(
            post_finding(
                ctx,
                comment,
                rule=RULE_ID,
                severity=severity,
                person_kind="pupil",
                person_id=match["person_id"],
                confidence=float(match["confidence"]),
                evidence=f"{prefix}{comment.described()}: {match['evidence']} (score {match['confidence']:.2f})",
                basis=(comment.post_id,),
            )
        )
    return findings


RULE = Rule(
    id=RULE_ID,
    title="Pupils commenting on the school's videos and posts",
    general_basis="KCSIE (online safety: no personal online contact between the school's staff and pupils); UK GDPR "
    "Art. 8 with the Data Protection Act 2018 s9 and the ICO Children's Code (13 is the age a child may consent to "
    "an online service)",
    example_clauses=(
        "corbets-tey.txt §6 (follow requests from parents, not students)",
        "corbets-tey.txt §8 (no student under 13 on social networking sites)",
    ),
    what_counts="a current pupil's channel writes a comment or a reply, in any moderation state, on one of the "
    "school's YouTube videos (one exception per thread and pupil), or a pupil's Facebook or Instagram account one "
    "still shown on the school's post (one exception per comment)",
    find=find,
    aged_out=None,
    options=(),
    remediations=(
        "reject-comment",
        "reject-comment-ban-author",
        "set-made-for-kids",
        "hide-comment",
        "delete-comment",
        "hide-ig-comment",
        "delete-ig-comment",
        "turn-off-ig-comments",
    ),
    reads_images="",
    reads_text=frozenset(),
)
