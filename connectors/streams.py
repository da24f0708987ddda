"""What the rest of the pipeline needs to know about fetched streams, read from the payloads here, once.

The payload shapes (X `includes.media`, YouTube `snippet.thumbnails`) are the connectors' business: callers get
plain lists of objects, never a payload to pick apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from connectors.errors import ConnectorError
from connectors.paging import Snapshot
from platforms import validated_streams

THUMBNAIL_SIZES = ("maxres", "high", "medium", "default")
# Which fetched streams are validated before storing, under which suite name.
VALIDATED = validated_streams()

# The stream each suite checks (`x_media` is the media X sent beside the posts).
SUITE_STREAMS = {**{suite: key for key, suite in VALIDATED.items()}, "x_media": ("x", "posts")}


def stream_of_suite(suite: str) -> tuple[str, str, str] | None:
    """(platform, stream, account id) of a raw suite result named `<suite>@<account id>`."""
    name, _, account_id = suite.partition("@")
    key = SUITE_STREAMS.get(name)
    return (key[0], key[1], account_id) if key and account_id else None


def post_media(snapshot: Snapshot) -> list[dict[str, Any]]:
    """The media objects X sent beside a posts snapshot's pages (`includes.media`)."""
    return [
        media for page in snapshot.pages for media in (page.payload.get("includes") or {}).get("media", [])
    ]


def thumbnail_url(video: dict[str, Any]) -> str | None:
    thumbnails = (video.get("snippet") or {}).get("thumbnails") or {}
    return next((thumbnails[size]["url"] for size in THUMBNAIL_SIZES if size in thumbnails), None)


def thumbnail_version(video: dict[str, Any]) -> str | None:
    """What the API shows of a video's thumbnail for free: the URL and declared size of every size it lists.
    A custom thumbnail replaced in place keeps its URL, but the sizes YouTube offers (maxres only for a large
    enough image) and their dimensions follow the new image; any change fingerprints the thumbnail again."""
    thumbnails = (video.get("snippet") or {}).get("thumbnails") or {}
    shown = [
        f"{size}={thumbnails[size].get('url')}@{thumbnails[size].get('width')}x{thumbnails[size].get('height')}"
        for size in THUMBNAIL_SIZES
        if isinstance(thumbnails.get(size), dict)
    ]
    return " ".join(shown) or None


def posted_media(snap: Snapshot) -> Iterator[dict[str, Any]]:
    """X's published images: each photo and each video's preview sent beside a posts snapshot."""
    if snap.stream != "posts":
        return
    for media in post_media(snap):
        url = media.get("url") or media.get("preview_image_url")
        if url:
            yield {
                "media_ref": f"x:{media['media_key']}",
                "platform": "x",
                "account_id": snap.account_id,
                "url": url,
            }


def video_thumbnails(snap: Snapshot) -> Iterator[dict[str, Any]]:
    """YouTube's published images: each video's thumbnail, with what the API shows of its version."""
    if snap.stream != "videos":
        return
    for video in snap.items:
        url = thumbnail_url(video)
        if url:
            yield {
                "media_ref": f"youtube:{video['id']}",
                "platform": "youtube",
                "account_id": snap.account_id,
                "url": url,
                "version": thumbnail_version(video),
            }


def largest_image(photo: dict[str, Any]) -> str | None:
    """A Facebook Photo node's largest image (`images` lists its sizes)."""
    images = [i for i in photo.get("images") or [] if isinstance(i, dict) and i.get("source")]
    best = max(images, key=lambda i: int(i.get("width") or 0) * int(i.get("height") or 0), default=None)
    return str(best["source"]) if best else None


def facebook_media(snap: Snapshot) -> Iterator[dict[str, Any]]:
    """A Page's published images: each Photo node behind its posts, each video's thumbnail (the attachment's image,
    under the video's id)."""
    if snap.stream == "photos":
        for photo in snap.items:
            url = largest_image(photo)
            if url and photo.get("id"):
                yield {
                    "media_ref": f"facebook:{photo['id']}",
                    "platform": "facebook",
                    "account_id": snap.account_id,
                    "url": url,
                }
    if snap.stream in ("posts", "visitor_posts"):
        for post in snap.items:
            for attachment in facebook_attachments(post):
                kind = str(attachment.get("type") or attachment.get("media_type") or "")
                image = ((attachment.get("media") or {}).get("image") or {}).get("src")
                target = (attachment.get("target") or {}).get("id") or post.get("id")
                if kind.startswith("video") and image and target:
                    yield {
                        "media_ref": f"facebook:{target}",
                        "platform": "facebook",
                        "account_id": snap.account_id,
                        "url": str(image),
                    }


def facebook_attachments(post: dict[str, Any]) -> list[dict[str, Any]]:
    """A post's attachments, each photo of a multi-photo post (its `subattachments`) in its place."""
    found: list[dict[str, Any]] = []
    for attachment in (post.get("attachments") or {}).get("data") or []:
        subs = (attachment.get("subattachments") or {}).get("data") or []
        found += [sub for sub in subs if isinstance(sub, dict)] if subs else [attachment]
    return found


def instagram_media(snap: Snapshot) -> Iterator[dict[str, Any]]:
    """An Instagram account's published images: each IMAGE, each carousel child, each VIDEO's thumbnail."""
    if snap.stream != "media":
        return
    for media in snap.items:
        children = (media.get("children") or {}).get("data") or []
        for item in [c for c in children if isinstance(c, dict)] or [media]:
            url = item.get("thumbnail_url") if item.get("media_type") == "VIDEO" else item.get("media_url")
            if url and item.get("id"):
                yield {
                    "media_ref": f"instagram:{item['id']}",
                    "platform": "instagram",
                    "account_id": snap.account_id,
                    "url": str(url),
                }


# Each platform's published images, read from its snapshots (platforms/ declares the platforms).
MEDIA_REFERENCES: dict[str, Callable[[Snapshot], Iterable[dict[str, Any]]]] = {
    "x": posted_media,
    "youtube": video_thumbnails,
    "facebook": facebook_media,
    "instagram": instagram_media,
}


def media_references(snapshots: Iterable[Snapshot]) -> list[dict[str, Any]]:
    """Every published image a run may fingerprint, once each, in the order of their references."""
    wanted = {ref["media_ref"]: ref for snap in snapshots for ref in MEDIA_REFERENCES[snap.platform](snap)}
    return [wanted[ref] for ref in sorted(wanted)]


def validation_streams(snapshots: Iterable[Snapshot]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """The objects to validate, per official account and suite: one account's followers are one frame, so a
    person who follows two official accounts is not a duplicate."""
    by_account: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for snap in snapshots:
        suite = VALIDATED.get((snap.platform, snap.stream))
        if suite is None:
            continue
        streams = by_account.setdefault(snap.account_id, {})
        streams.setdefault(suite, []).extend(snap.items)
        if suite == "x_posts":
            streams.setdefault("x_media", []).extend(post_media(snap))
    return by_account


def partial_error_counts(snapshots: Iterable[Snapshot]) -> dict[tuple[str, str, str], int]:
    """(platform, account, stream) -> objects the platform said it could not return, for streams with any."""
    return {
        (snap.platform, snap.account_id, snap.stream): snap.partial_errors
        for snap in snapshots
        if snap.partial_errors
    }


@dataclass(frozen=True)
class StreamFailure:
    """A stream that was not read this run: `failed` (its own call failed) or `skipped` (it needs one that did)."""

    platform: str
    stream: str
    account_id: str
    status: str
    reason: str


@dataclass
class StreamReads:
    """Each stream of an account read on its own: one stream's failure never discards another's pages."""

    platform: str
    account_id: str
    # Strict: the first failure is raised (callers that cannot use a partial read).
    strict: bool = False
    snapshots: list[Snapshot] = field(default_factory=list)
    failures: list[StreamFailure] = field(default_factory=list)
    # Set by a failure no later call can get past (a usage cap, credits, the plan, the day's quota).
    stopped: str | None = None
    # Read beside the streams and stored with them, but no stream of their own (X post look-ups by id).
    side_reads: list[Snapshot] = field(default_factory=list)
    # What each stream cost: YouTube quota units, X dollars as X bills them; and the X estimate checked first.
    quota_units: dict[str, int] = field(default_factory=dict)
    cost_usd: dict[str, float] = field(default_factory=dict)
    estimated_cost_usd: float | None = None

    def read(self, stream: str, fetch: Callable[[], Snapshot]) -> Snapshot | None:
        if self.stopped is not None:
            reason = f"not read: {self.stopped}"
            self.failures.append(StreamFailure(self.platform, stream, self.account_id, "skipped", reason))
            return None
        try:
            snapshot = fetch()
        except ConnectorError as error:
            if self.strict:
                raise
            self.failures.append(StreamFailure(self.platform, stream, self.account_id, "failed", str(error)))
            if error.stops_platform:
                self.stopped = str(error)
            return None
        self.snapshots.append(snapshot)
        return snapshot

    def set_aside(self, stream: str, reason: str) -> None:
        """A stream read but refused afterwards (its data failed validation): not stored, counted as failed."""
        kept = [s for s in self.snapshots if s.stream != stream]
        if len(kept) != len(self.snapshots):
            self.snapshots = kept
            self.failures.append(StreamFailure(self.platform, stream, self.account_id, "failed", reason))

    def read_after(
        self, stream: str, needed: Snapshot | None, needs: str, fetch: Callable[[Snapshot], Snapshot]
    ) -> Snapshot | None:
        """Read `stream` from the stream it needs (`needed`, read as `needs`); skipped when that was not read."""
        if needed is None:
            self.skip(stream, needs)
            return None
        return self.read(stream, lambda: fetch(needed))

    def skip(self, stream: str, needs: str) -> None:
        reason = f"not read because {self.platform} {needs} could not be read"
        self.failures.append(StreamFailure(self.platform, stream, self.account_id, "skipped", reason))

    def outcomes(self) -> list[dict[str, Any]]:
        """Each stream attempted, in the order read: `complete`, `capped` (paging stopped at the configured
        limit), `failed` or `skipped`, with the reason, the number of objects read, the objects the platform
        said it could not return beside them, and what the stream cost (quota units, dollars)."""
        read: list[dict[str, Any]] = [
            {
                "platform": s.platform,
                "account_id": s.account_id,
                "stream": s.stream,
                "status": "complete" if s.complete else "capped",
                "reason": None if s.complete else "stopped at the configured page limit ([api] max_*_pages)",
                "n_items": len(s.items),
                "partial_errors": s.partial_errors,
            }
            for s in self.snapshots
        ] + [
            {
                "platform": f.platform,
                "account_id": f.account_id,
                "stream": f.stream,
                "status": f.status,
                "reason": f.reason,
                "n_items": 0,
                "partial_errors": 0,
            }
            for f in self.failures
        ]
        for row in read:
            row["quota_units"] = self.quota_units.get(row["stream"])
            row["cost_usd"] = self.cost_usd.get(row["stream"])
            if row["stream"] == "account" and self.estimated_cost_usd is not None:
                row["estimated_cost_usd"] = self.estimated_cost_usd
        return read
