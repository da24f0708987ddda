"""unapproved-media: a post or video carries an image that no approval covers.

Policy: corbets-tey.txt §6, cornist-park.txt Code of Conduct for Social Networking, bledington.txt A. An image is
covered by an approval for its platform (`x`, `youtube` or `any`, not `website`) naming the post or video id, or by
an approved library file whose pHash and dHash are both within `[rules] media_hash_max_distance` bits of its own
(after EXIF orientation; docs/media-matching.md), or by an approved checked draft (check-post). An exception is one
per post or video with an uncovered image, an image that could not be fetched included; the evidence lists each by
media key with the nearest approved file, the faces it shows (counted, never recognised), and, where the school
checks drafts, whether it was checked with a hold or never. Those showing people are listed first.
"""

from __future__ import annotations

from checks.findings import Finding, RuleContext
from checks.rule_support.media import (
    Approvals,
    PostChecks,
    load_approvals,
    load_post_check_images,
    load_published_media,
)
from checks.rule_support.posts import post_finding
from checks.rule_support.rule import Rule


def find(ctx: RuleContext) -> list[Finding]:
    approvals = Approvals(load_approvals(ctx.con, read_once=ctx.read_once))
    checks = PostChecks(load_post_check_images(ctx.con, read_once=ctx.read_once))
    findings = []
    for post in load_published_media(ctx.con, read_once=ctx.read_once):
        problems = []
        faces: list[int] = []
        for image in post.images:
            approved, reason = approvals.verdict(image, ctx.thresholds.media_hash_max_distance)
            if not approved:
                if image["faces"] is not None:
                    faces.append(image["faces"])
                # Said only when there are faces: the evidence of an image without people reads as it always did
                # (a changed evidence would reopen a false positive).
                if image["faces"]:
                    reason += f"; shows people: {image['faces']} face{'' if image['faces'] == 1 else 's'}"
                reason += checks.note(image, ctx.thresholds.media_hash_max_distance)
                problems.append(reason)
        if not problems:
            continue
        what = (
            "thumbnail" if post.platform == "youtube" else f"{len(problems)} of {len(post.images)} image(s)"
        )
        findings.append(
            post_finding(
                ctx,
                post,
                rule="unapproved-media",
                severity="high",
                confidence=1.0,
                evidence=f"{what} not covered by any approval for {post.platform}: " + "; ".join(problems),
                faces_shown=sum(faces) if faces else None,
            )
        )
    return findings


RULE = Rule(
    id="unapproved-media",
    title="Photos and videos published without approval",
    general_basis="ICO guidance on taking photographs in schools (an identifiable pupil's image is personal data, "
    "published only as the school has recorded it may be); UK GDPR Art. 5(1)(a); KCSIE (online safety)",
    example_clauses=(
        "corbets-tey.txt §6 (pictures follow the AUP; official use approved by the Headteacher)",
        "cornist-park.txt Code of Conduct (images only with the necessary permissions)",
        "bledington.txt A (pupil photos only via the school's own website or accounts)",
    ),
    what_counts="a post or video carries a photo or thumbnail that is not in the approved media register for "
    "that platform",
    find=find,
    aged_out=None,
    options=(),
    remediations=("make-video-private", "delete-post", "delete-page-post", "delete-ig-media"),
    reads_images="pixels",
    reads_text=frozenset(),
)
