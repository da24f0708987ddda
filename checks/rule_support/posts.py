"""A finding about something the school published (a post or video) or wrote under it (a comment thread).

`short_label` is the one way a subject's label is made (docs/contracts/outputs.md: the post's first words, the video's
title, the comment's first words); `post_finding` the one way such a finding is built.
"""

from __future__ import annotations

from typing import Protocol

from checks.findings import Finding, RuleContext

LABEL_CHARS = 60


def short_label(text: str | None, fallback: str, *, max_words: int | None = None) -> str:
    """`text` on one line and short: cut at a word break within LABEL_CHARS characters, or after `max_words`
    words when given, with "…" where it was cut; `fallback` when there is no text."""
    words = (text or "").split()
    if not words:
        return fallback
    if max_words is not None:
        return " ".join(words[:max_words]) + ("…" if len(words) > max_words else "")
    line = " ".join(words)
    if len(line) <= LABEL_CHARS:
        return line
    return line[:LABEL_CHARS].rsplit(" ", 1)[0] + "…"


class Post(Protocol):
    """A post, video or comment thread a finding is about, as the official account published or hosts it."""

    @property
    def platform(self) -> str: ...

    @property
    def account_id(self) -> str: ...

    @property
    def subject_kind(self) -> str: ...  # post | video | comment

    @property
    def subject_id(self) -> str: ...

    @property
    def subject_url(self) -> str | None: ...

    @property
    def label(self) -> str: ...


def post_finding(
    ctx: RuleContext,
    post: Post,
    *,
    rule: str,
    severity: str,
    confidence: float,
    evidence: str,
    person_kind: str | None = None,
    person_id: str | None = None,
    faces_shown: int | None = None,
    basis: tuple[str, ...] | None = None,
) -> Finding:
    """A finding about `post`, keyed on its official account's platform id and labelled by `post.label`."""
    return Finding(
        rule=rule,
        severity=severity,
        platform=post.platform,
        account=ctx.account_label(post.platform, post.account_id),
        account_id=post.account_id,
        subject_kind=post.subject_kind,
        subject_id=post.subject_id,
        subject_label=post.label,
        subject_url=post.subject_url,
        person_kind=person_kind,
        person_id=person_id,
        confidence=confidence,
        evidence=evidence,
        faces_shown=faces_shown,
        basis=basis,
    )
