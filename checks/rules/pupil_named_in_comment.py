"""pupil-named-in-comment: someone other than the school names a current pupil in a comment or reply on the school's
post, photo or video, or in a post others publish on the school's Facebook Page.

Policy: carleton-green.txt §4.1(vi) (comments about named individuals). What counts: a current pupil's forename,
preferred name or diminutive with the surname, in a Facebook, Instagram or YouTube comment or reply, or a visitor's
post on the Page, not written by the school's own account; one whose author is not shown is judged on its text, and
its evidence says so. One exception per comment: medium, high under a post with media, low when the name is shared.
"""

from __future__ import annotations

from dataclasses import dataclass

from checks.findings import Finding, RuleContext
from checks.rule_support.posts import post_finding, short_label
from checks.rule_support.rule import Rule
from checks.rules.pupil_named import (
    AMBIGUOUS_CONFIDENCE,
    CONFIDENCE,
    _best_owners,
    _prose_mentions,
    build_index,
)

RULE_ID = "pupil-named-in-comment"
# (platform, account, comment id, post id, author id, author name, text, under media, link): Facebook and Instagram
# comments as last read, Facebook visitors' posts, YouTube comments and replies of the week.
COMMENTS_SQL = """
SELECT platform, account_id, comment_id, post_id, author_id, author_name, text, carries_media, post_url
FROM marts.fct_meta_comments WHERE NOT coalesce(by_school, false)
UNION ALL
SELECT 'facebook', account_id, post_id, post_id, author_id, author_name, message, len(media_ids) > 0, permalink_url
FROM staging.stg_facebook__posts WHERE by_visitor
UNION ALL
SELECT 'youtube', account_id, comment_id, video_id, author_channel_id, author_display_name, text, true,
    'https://www.youtube.com/watch?v=' || video_id || '&lc=' || comment_id
FROM marts.fct_comments WHERE as_of = ? AND author_channel_id IS DISTINCT FROM account_id
ORDER BY 1, 2, 3
"""


@dataclass(frozen=True)
class CommentText:
    platform: str
    account_id: str
    subject_id: str
    post_id: str | None
    author_id: str | None
    author_name: str | None
    text: str | None
    carries_media: bool
    subject_url: str | None
    subject_kind: str = "comment"

    @property
    def label(self) -> str:
        return short_label(self.text, f"comment {self.subject_id}")

    @property
    def author(self) -> str:
        if self.author_id is None:
            return "an author the platform did not show (judged on its text)"
        return f"{self.author_name or self.author_id} ({self.author_id})"


def find(ctx: RuleContext) -> list[Finding]:
    index = build_index(ctx)
    findings = []
    for row in ctx.con.execute(COMMENTS_SQL, [ctx.as_of]).fetchall():
        comment = CommentText(*row)
        if not comment.text:
            continue
        named = []
        for mention in _prose_mentions("comment", comment.text, index):
            children, ambiguous = _best_owners(mention.owners)
            named += [(mention, child, ambiguous) for child in children if child.person_kind == "pupil"]
        if not named:
            continue
        mention, child, ambiguous = next((n for n in named if not n[2]), named[0])
        if ambiguous:
            severity, confidence = "low", AMBIGUOUS_CONFIDENCE
        else:
            severity, confidence = ("high" if comment.carries_media else "medium"), CONFIDENCE[child.form]
        under = "a post with media" if comment.carries_media else "a post"
        findings.append(
            post_finding(
                ctx,
                comment,
                rule=RULE_ID,
                severity=severity,
                person_kind="pupil",
                person_id=child.person_id,
                confidence=confidence,
                evidence=f"a comment by {comment.author} under {under} ({comment.post_id}) names pupil "
                f'{child.person_id}: "{mention.quote}" ({child.form} + surname)'
                + ("; the name is shared with someone else in the registers" if ambiguous else ""),
                basis=(f"{mention.quote.casefold()}:{child.person_id}",),
            )
        )
    return findings


RULE = Rule(
    id=RULE_ID,
    title="Pupils named in comments",
    general_basis="NSPCC image guidance (a name beside a child's photo identifies the child)",
    example_clauses=(
        "carleton-green.txt §4.1(vi) (comments about named individuals)",
        "cornist-park.txt Code of Conduct for Social Networking (disclosure of information that could compromise)",
    ),
    what_counts="someone other than the school writes a current pupil's forename, preferred name or diminutive with "
    "the surname in a comment or reply on the school's post, photo or video, or in a post others publish on its "
    "Page; worse when the post carries media",
    find=find,
    aged_out=None,
    options=(),
    remediations=(
        "hide-comment",
        "delete-comment",
        "hide-ig-comment",
        "delete-ig-comment",
        "turn-off-ig-comments",
    ),
    reads_images="",
    reads_text=frozenset(),
)
