"""What the media rules read: the images the school published, and the approved media register to match them to.

Both come from the marts (`marts.fct_published_media`, `marts.dim_approved_media`). An approval covers an image
for a platform when it is for that platform or `any`; it is *about* an image, whatever platform it covers, when it
names the post or video id or its library file's pHash and dHash are within the match distance
(docs/media-matching.md).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb
import numpy as np

from checks.rule_support.posts import short_label
from platforms import NAMES, item_kind

PUBLISHED_MEDIA = """
SELECT platform, account_id, post_id, media_key, media_type, url, post_url, phash, dhash, fetch_error, post_text,
    faces, published_at
FROM marts.fct_published_media WHERE post_id IS NOT NULL ORDER BY platform, post_id, media_key
"""
POST_CHECK_IMAGES = """
SELECT check_id, checked_at, platform, verdict, approved, phash, dhash
FROM marts.dim_post_check_images ORDER BY checked_at, check_id, position
"""
APPROVALS = """
SELECT approval_id, file, platform, post_id, phash, dhash, pupils_pictured, crops
FROM marts.dim_approved_media ORDER BY approval_id
"""


@dataclass
class PublishedMedia:
    """One post or video and every image it carries (an X post's photos and video previews, a video's
    thumbnail), each as a dict of its `marts.fct_published_media` columns."""

    platform: str
    account_id: str
    subject_id: str
    subject_url: str | None
    label_text: str | None  # the post's text, the video's title
    images: list[dict[str, Any]] = field(default_factory=list)

    @property
    def subject_kind(self) -> str:
        return item_kind(self.platform)

    @property
    def label(self) -> str:
        return short_label(self.label_text, f"{self.subject_kind} {self.subject_id}")


def _rows(con: duckdb.DuckDBPyConnection, sql: str, read_once: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The query's rows as dicts, read once per checks pass when given its `read_once` (each rule gets copies)."""
    memo = read_once if read_once is not None else {}
    if sql not in memo:
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description]
        memo[sql] = [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
    return [dict(row) for row in memo[sql]]


def load_approvals(
    con: duckdb.DuckDBPyConnection, *, read_once: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The approved_media register in force, with each file's cached perceptual hashes."""
    return _rows(con, APPROVALS, read_once)


def load_published_media(
    con: duckdb.DuckDBPyConnection, *, read_once: dict[str, Any] | None = None
) -> list[PublishedMedia]:
    """Every published image with its fingerprint, grouped by post or video (platform, account id, post id).
    `read_once` (a checks pass's `RuleContext.read_once`): read once for every media rule of the pass."""
    by_post: dict[tuple[str, str, str], PublishedMedia] = {}
    for image in _rows(con, PUBLISHED_MEDIA, read_once):
        key = (image["platform"], image["account_id"], image["post_id"])
        if key not in by_post:
            by_post[key] = PublishedMedia(*key, image["post_url"], image["post_text"])
        by_post[key].images.append(image)
    return list(by_post.values())


def load_post_check_images(
    con: duckdb.DuckDBPyConnection, *, read_once: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Every image of every draft checked before posting (check-post, the review app), oldest check first."""
    return _rows(con, POST_CHECK_IMAGES, read_once)


def covers(approval_platform: str, platform: str) -> bool:
    return approval_platform in (platform, "any")


def _bits(hex_hash: str | None) -> int:
    return int(hex_hash, 16) if hex_hash else 0


def _fingerprints(approval: dict[str, Any]) -> list[dict[str, Any]]:
    """The approval's whole-file hashes, then its Instagram crops' (a crop of an approved photo is that photo)."""
    return [approval, *(approval.get("crops") or [])]


class Library:
    """Approved files with a hash, as arrays: one image is compared with thousands of approvals at once. An
    approval appears once per fingerprint (the whole file, each crop); a match names it once, at its nearest."""

    def __init__(self, approvals: list[dict[str, Any]]) -> None:
        rows = [(a, f) for a in approvals if a["phash"] for f in _fingerprints(a) if f["phash"]]
        self.approvals = [a for a, _ in rows]
        self.phash = np.array([_bits(f["phash"]) for _, f in rows], dtype=np.uint64)
        self.dhash = np.array([_bits(f["dhash"]) for _, f in rows], dtype=np.uint64)
        self.has_dhash = np.array([bool(f["dhash"]) for _, f in rows], dtype=bool)

    def distances(self, item: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        """pHash and dHash distances from `item` to every approval (dHash -1 where either side lacks one)."""
        phash = np.bitwise_count(self.phash ^ np.uint64(_bits(item["phash"]))).astype(np.int64)
        dhash = np.bitwise_count(self.dhash ^ np.uint64(_bits(item["dhash"]))).astype(np.int64)
        return phash, np.where(self.has_dhash & bool(item["dhash"]), dhash, -1)

    def matches(self, item: dict[str, Any], max_distance: int) -> list[tuple[dict[str, Any], int]]:
        """Approvals within `max_distance` bits on both hashes (pHash alone where a dHash is missing):
        benchmarks/media_matching.py (docs/media-matching.md) found platform copies within 4 bits on each, and
        no two different pictures (nor two shots of one event) within 12 bits on both, though pHash alone came
        to 8."""
        if not item["phash"] or not self.approvals:
            return []
        phash, dhash = self.distances(item)
        nearest: dict[int, tuple[dict[str, Any], int]] = {}
        for i in np.flatnonzero((phash <= max_distance) & (dhash <= max_distance)):
            approval = self.approvals[i]
            held = nearest.get(id(approval))
            if held is None or phash[i] < held[1]:
                nearest[id(approval)] = (approval, int(phash[i]))
        return list(nearest.values())

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
            platform: Library([a for a in approvals if covers(a["platform"], platform)]) for platform in NAMES
        }

    def about(self, item: dict[str, Any], max_distance: int) -> list[tuple[dict[str, Any], str]]:
        """Every approval that is about this image, whatever platform it covers: by post/video id, or by a
        library file whose hashes are within `max_distance` bits. Each with how it matched."""
        kind = item_kind(item["platform"])
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


class PostChecks:
    """The drafts a school checked before posting, by their images' hashes: what a published image's evidence says
    of its check. Empty for a school that does not check its drafts, whose evidence then reads as it always did."""

    def __init__(self, images: list[dict[str, Any]]) -> None:
        self.images = Library([{**image, "approval_id": image["check_id"]} for image in images])
        self.since = min((as_utc(image["checked_at"]) for image in images), default=None)

    def note(self, item: dict[str, Any], max_distance: int) -> str:
        """`; ...` said of a published image not covered by any approval: the hold its check gave, or that it was
        never checked (only of images published since the school first checked a draft); else nothing."""
        published = item.get("published_at")
        # Images published before the school first checked a draft read as they always did.
        if self.since is None or published is None or as_utc(published) < self.since:
            return ""
        checked = [image for image, _ in self.images.matches(item, max_distance)]
        if checked:
            return checked_note(max(checked, key=lambda image: as_utc(image["checked_at"])))
        if item["phash"] is None:
            return ""
        return "; never checked before posting (the school checks its drafts with check-post)"


def checked_note(check: dict[str, Any]) -> str:
    """What evidence says of a published post or image that matches a check (the latest that matches)."""
    approved = "approved" if check["approved"] else "never approved"
    return f"; checked before posting (check {check['check_id']}, {check['checked_at']:%Y-%m-%d}): {check['verdict']}, {approved}"


def as_utc(moment: datetime) -> datetime:
    """A stored time (naive UTC, or with a zone) as an aware UTC time, to compare the two kinds."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
