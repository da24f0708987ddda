"""unapproved-media: a post or video carries an image that no approval covers.

Policy: corbets-tey.txt §6 (pictures follow the Acceptable Use Policy; all official use approved by the
Headteacher), cornist-park.txt (images only with the necessary permissions), bledington.txt A (pupil photos
only through the school's own accounts). An image is covered when an approval for this platform (`x`,
`youtube` or `any`; a `website` approval does not count) names the post or video id, or when its perceptual
hashes (pHash and dHash, after EXIF orientation) are both within `[rules] media_hash_max_distance` bits
(default 8, measured in docs/media-matching.md) of an approved library file's cached hashes. An exception is
one per post or video with at least one uncovered image (evidence lists each by media key, with the nearest
approved file); an image that could not be fetched cannot be shown to be approved, so it counts too.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import duckdb
import numpy as np

from checks.findings import Finding, RuleContext
from checks.rules.base import Rule

PUBLISHED_MEDIA = """
SELECT m.platform, m.account_id, m.post_id, m.media_key, m.media_type, m.url, m.post_url, m.phash, m.dhash,
    m.fetch_error,
    coalesce(p.text, v.title) AS post_text
FROM marts.fct_published_media AS m
LEFT JOIN staging.stg_x__posts AS p ON m.platform = 'x' AND p.post_id = m.post_id
LEFT JOIN (
    SELECT video_id, arg_max(title, as_of) AS title FROM staging.stg_youtube__videos GROUP BY video_id
) AS v ON m.platform = 'youtube' AND v.video_id = m.post_id
WHERE m.post_id IS NOT NULL
ORDER BY m.platform, m.post_id, m.media_key
"""
MEDIA_COLUMNS = (
    "platform",
    "account_id",
    "post_id",
    "media_key",
    "media_type",
    "url",
    "post_url",
    "phash",
    "dhash",
    "fetch_error",
    "post_text",
)
LABEL_CHARS = 60
APPROVALS = """
SELECT a.approval_id, a.file, a.platform, a.post_id, h.phash, h.dhash, a.pupils_pictured
FROM staging.stg_ref__approved_media AS a
LEFT JOIN ref.approved_media_hashes AS h ON h.file_sha256 = a.file_sha256
ORDER BY a.approval_id
"""
APPROVAL_COLUMNS = ("approval_id", "file", "platform", "post_id", "phash", "dhash", "pupils_pictured")


def load_approvals(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The current approved_media register with each file's cached perceptual hash."""
    return [dict(zip(APPROVAL_COLUMNS, r, strict=True)) for r in con.execute(APPROVALS).fetchall()]


def load_published_media(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    """Every published image with its fingerprint, grouped by (platform, account id, post or video id)."""
    by_post: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in con.execute(PUBLISHED_MEDIA).fetchall():
        item = dict(zip(MEDIA_COLUMNS, r, strict=True))
        by_post[(item["platform"], item["account_id"], item["post_id"])].append(item)
    return by_post


def post_label(text: str | None, fallback: str) -> str:
    """The post's first words or the video's title (DESIGN.md §5.5), on one line and short."""
    words = " ".join((text or "").split())
    if len(words) <= LABEL_CHARS:
        return words or fallback
    return words[:LABEL_CHARS].rsplit(" ", 1)[0] + "…"


def covers(approval_platform: str, platform: str) -> bool:
    return approval_platform in (platform, "any")


def _bits(hex_hash: str | None) -> int:
    return int(hex_hash, 16) if hex_hash else 0


class Library:
    """Approved files with a hash, as arrays: one image is compared with thousands of approvals at once."""

    def __init__(self, approvals: list[dict[str, Any]]) -> None:
        self.approvals = [a for a in approvals if a["phash"]]
        self.phash = np.array([_bits(a["phash"]) for a in self.approvals], dtype=np.uint64)
        self.dhash = np.array([_bits(a["dhash"]) for a in self.approvals], dtype=np.uint64)
        self.has_dhash = np.array([bool(a["dhash"]) for a in self.approvals], dtype=bool)

    def distances(self, item: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        """pHash and dHash distances from `item` to every approval (dHash -1 where either side lacks one)."""
        phash = np.bitwise_count(self.phash ^ np.uint64(_bits(item["phash"]))).astype(np.int64)
        dhash = np.bitwise_count(self.dhash ^ np.uint64(_bits(item["dhash"]))).astype(np.int64)
        return phash, np.where(self.has_dhash & bool(item["dhash"]), dhash, -1)

    def matches(self, item: dict[str, Any], max_distance: int) -> list[tuple[dict[str, Any], int]]:
        """Approvals within `max_distance` bits on both hashes (pHash alone where a dHash is missing):
        docs/media-matching.md measured platform copies within 4 bits on each, and no two different pictures
        (nor two shots of one event) within 12 bits on both, though pHash alone came to 8."""
        if not item["phash"] or not self.approvals:
            return []
        phash, dhash = self.distances(item)
        hits = np.flatnonzero((phash <= max_distance) & (dhash <= max_distance))
        return [(self.approvals[i], int(phash[i])) for i in hits]

    def nearest(self, item: dict[str, Any]) -> tuple[dict[str, Any], int, int | None] | None:
        if not item["phash"] or not self.approvals:
            return None
        phash, dhash = self.distances(item)
        i = int(np.argmin(phash))
        return self.approvals[i], int(phash[i]), (int(dhash[i]) if dhash[i] >= 0 else None)


class Approvals:
    """The approved_media register indexed for matching: by post/video id, and by hash per platform covered."""

    def __init__(self, approvals: list[dict[str, Any]]) -> None:
        self.by_id: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for approval in approvals:
            if approval["post_id"]:
                self.by_id[approval["post_id"]].append(approval)
        self.everything = Library(approvals)
        self.covering = {
            platform: Library([a for a in approvals if covers(a["platform"], platform)])
            for platform in ("x", "youtube")
        }

    def about(self, item: dict[str, Any], max_distance: int) -> list[tuple[dict[str, Any], str]]:
        """Every approval that is about this image, whatever platform it covers: by post/video id, or by a
        library file whose hashes are within `max_distance` bits. Each with how it matched."""
        kind = "video" if item["platform"] == "youtube" else "post"
        found = [(a, f"{a['approval_id']} by {kind} id") for a in self.by_id.get(item["post_id"], [])]
        by_id = {a["approval_id"] for a, _ in found}
        for approval, distance in self.everything.matches(item, max_distance):
            if approval["approval_id"] not in by_id:
                found.append(
                    (approval, f"{approval['approval_id']} ({approval['file']}) at distance {distance}")
                )
        return found

    def verdict(self, item: dict[str, Any], max_distance: int) -> tuple[bool, str]:
        """Whether an approval for the item's platform covers it, and the evidence either way."""
        for approval in self.by_id.get(item["post_id"], []):
            if covers(approval["platform"], item["platform"]):
                return True, f"approved by id in {approval['approval_id']}"
        if item["phash"] is None:
            return (
                False,
                f"{item['media_key']}: image could not be fetched to check ({item['fetch_error'] or 'no hash'})",
            )
        library = self.covering.get(item["platform"]) or Library([])
        matched = library.matches(item, max_distance)
        if matched:
            approval, distance = min(matched, key=lambda m: m[1])
            return True, f"matches {approval['approval_id']} ({approval['file']}) at distance {distance}"
        nearest = library.nearest(item)
        if nearest:
            approval, phash, dhash = nearest
            closest = (
                f"nearest approved image {approval['approval_id']} ({approval['file']}) at distance {phash}"
            )
            closest += f" (dHash {dhash})" if dhash is not None else ""
        else:
            closest = "no approved images"
        return (
            False,
            f"{item['media_key']}: not in the approved library ({closest}; a match needs both hashes <= "
            f"{max_distance})",
        )


def find(ctx: RuleContext) -> list[Finding]:
    approvals = Approvals(load_approvals(ctx.con))
    by_post = load_published_media(ctx.con)
    findings = []
    for (platform, account_id, post_id), items in by_post.items():
        problems = []
        for item in items:
            approved, reason = approvals.verdict(item, ctx.thresholds.media_hash_max_distance)
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
                subject_label=post_label(items[0]["post_text"], f"{kind} {post_id}"),
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
