"""unapproved-media: a post or video carries an image that no approval covers.

Policy: corbets-tey.txt §6 (pictures follow the Acceptable Use Policy; all official use approved by the
Headteacher), cornist-park.txt (images only with the necessary permissions), bledington.txt A (pupil photos
only through the school's own accounts). An image is covered when an approval for this platform (`x`,
`youtube` or `any`; a `website` approval does not count) names the post or video id, or when its perceptual
hash is within the configured distance of an approved library file. An exception is one per post or video
with at least one uncovered image (evidence lists each by media key, with the nearest approved file); an
image that could not be fetched cannot be shown to be approved, so it counts too.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from checks.findings import Finding, RuleContext
from checks.media_hash import hamming
from checks.rules.base import Rule

PUBLISHED_MEDIA = """
SELECT m.platform, m.account_id, m.post_id, m.media_key, m.media_type, m.url, m.post_url, m.phash, m.fetch_error,
    coalesce(p.text, v.title) AS post_text
FROM marts.fct_published_media AS m
LEFT JOIN staging.stg_x__posts AS p ON m.platform = 'x' AND p.post_id = m.post_id
LEFT JOIN (
    SELECT video_id, arg_max(title, as_of) AS title FROM staging.stg_youtube__videos GROUP BY video_id
) AS v ON m.platform = 'youtube' AND v.video_id = m.post_id
WHERE m.post_id IS NOT NULL
ORDER BY m.platform, m.post_id, m.media_key
"""
LABEL_CHARS = 60
APPROVALS = """
SELECT a.approval_id, a.file, a.platform, a.post_id, h.phash
FROM staging.stg_ref__approved_media AS a
LEFT JOIN ref.approved_media_hashes AS h ON h.file_sha256 = a.file_sha256
ORDER BY a.approval_id
"""


def _label(text: str | None, fallback: str) -> str:
    """The post's first words or the video's title (DESIGN.md §5.5), on one line and short."""
    words = " ".join((text or "").split())
    if len(words) <= LABEL_CHARS:
        return words or fallback
    return words[:LABEL_CHARS].rsplit(" ", 1)[0] + "…"


def covers(approval_platform: str, platform: str) -> bool:
    return approval_platform in (platform, "any")


def _verdict(item: dict[str, Any], approvals: list[dict[str, Any]], max_distance: int) -> tuple[bool, str]:
    usable = [a for a in approvals if covers(a["platform"], item["platform"])]
    for approval in usable:
        if approval["post_id"] and approval["post_id"] == item["post_id"]:
            return True, f"approved by id in {approval['approval_id']}"
    if item["phash"] is None:
        return (
            False,
            f"{item['media_key']}: image could not be fetched to check ({item['fetch_error'] or 'no hash'})",
        )
    nearest: tuple[int, str] | None = None
    for approval in usable:
        if approval["phash"]:
            distance = hamming(item["phash"], approval["phash"])
            if nearest is None or distance < nearest[0]:
                nearest = (distance, f"{approval['approval_id']} ({approval['file']})")
    if nearest and nearest[0] <= max_distance:
        return True, f"matches {nearest[1]} at distance {nearest[0]}"
    closest = (
        f"nearest approved image {nearest[1]} at distance {nearest[0]}" if nearest else "no approved images"
    )
    return (
        False,
        f"{item['media_key']}: not in the approved library ({closest}; match needs <= {max_distance})",
    )


def find(ctx: RuleContext) -> list[Finding]:
    approvals = [
        dict(zip(("approval_id", "file", "platform", "post_id", "phash"), r, strict=True))
        for r in ctx.con.execute(APPROVALS).fetchall()
    ]
    columns = (
        "platform",
        "account_id",
        "post_id",
        "media_key",
        "media_type",
        "url",
        "post_url",
        "phash",
        "fetch_error",
        "post_text",
    )
    by_post: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in ctx.con.execute(PUBLISHED_MEDIA).fetchall():
        item = dict(zip(columns, r, strict=True))
        by_post[(item["platform"], item["account_id"], item["post_id"])].append(item)
    findings = []
    for (platform, account_id, post_id), items in by_post.items():
        problems = []
        for item in items:
            approved, reason = _verdict(item, approvals, ctx.thresholds.media_hash_max_distance)
            if not approved:
                problems.append(reason)
        if not problems:
            continue
        kind = "video" if platform == "youtube" else "post"
        what = "thumbnail" if platform == "youtube" else f"{len(problems)} of {len(items)} image(s)"
        findings.append(
            Finding(
                rule="unapproved-media",
                severity="high",
                platform=platform,
                account=ctx.account_label(platform, account_id),
                subject_kind=kind,
                subject_id=post_id,
                subject_label=_label(items[0]["post_text"], f"{kind} {post_id}"),
                subject_url=items[0]["post_url"],
                person_kind=None,
                person_id=None,
                confidence=1.0,
                evidence=f"{what} not covered by any approval for {platform}: " + "; ".join(problems),
            )
        )
    return findings


RULE = Rule(
    id="unapproved-media",
    title="Photos and videos published without approval",
    policy="corbets-tey.txt §6 (pictures follow the AUP; official use approved by the Headteacher); "
    "cornist-park.txt (images only with the necessary permissions); bledington.txt A",
    what_counts="a post or video carries a photo or thumbnail that is not in the approved media register for "
    "that platform",
    find=find,
)
