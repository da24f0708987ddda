"""A tiny school's published content in a real warehouse, for the media and content rule tests."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import duckdb
import polars as pl
from PIL import Image

from checks.findings import ConfiguredAccount, Finding, RuleContext, Thresholds
from checks.media_hash import fingerprint_image
from checks.rule_support.rule import Rule
from tests.builders.images import original
from tests.builders.raw_pages import T0, items_page, snapshot, x_photo, x_post, x_posts_page, yt_video
from tests.builders.registers import ACCOUNT_LABELS, AS_OF, CHANNEL, X_ACCOUNT, register_frames
from warehouse.image_readings import store_readings
from warehouse.load import store_approved_hashes, store_media_fingerprints, store_registers, store_snapshot

fingerprint = functools.cache(fingerprint_image)


@dataclass
class Published:
    """Registers, posts, videos and image fingerprints as a week's run would have stored them."""

    con: duckdb.DuckDBPyConnection
    posts: list[dict[str, Any]] = field(default_factory=list)
    media: list[dict[str, Any]] = field(default_factory=list)
    videos: list[dict[str, Any]] = field(default_factory=list)
    fingerprints: list[dict[str, Any]] = field(default_factory=list)
    readings: list[dict[str, Any]] = field(default_factory=list)
    run: int = 0

    def registers(
        self,
        pupils: Sequence[dict[str, Any]] = (),
        staff: Sequence[dict[str, Any]] = (),
        parents: Sequence[dict[str, Any]] = (),
        approvals: Sequence[dict[str, Any]] = (),
        library: Mapping[str, Image.Image | bytes] | None = None,
        as_of: date = AS_OF,
    ) -> None:
        """Load a version of the registers; approvals naming a `file` in `library` (a picture, or the file's
        bytes) get its cached hashes."""
        files = {
            name: image if isinstance(image, bytes) else original(image)
            for name, image in (library or {}).items()
        }
        shas = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
        if files:
            store_approved_hashes(self.con, {shas[n]: fingerprint(data) for n, data in files.items()})
        frames = register_frames(pupils, staff, parents, approvals)
        frames["approved_media"] = frames["approved_media"].with_columns(
            pl.Series("file_sha256", [shas.get(a["file"] or "") for a in approvals], dtype=pl.String)
        )
        content = json.dumps(
            [list(pupils), list(staff), list(parents), list(approvals)], default=str, sort_keys=True
        )
        hashes = {"registers": hashlib.sha256(content.encode()).hexdigest(), **shas}
        store_registers(self.con, frames, hashes, as_of)

    def post(
        self,
        post_id: str,
        text: str,
        images: dict[str, bytes | None] | None = None,
        alt_text: dict[str, str] | None = None,
        hashtags: tuple[str, ...] = (),
    ) -> None:
        """An X post; `images` maps media keys to the bytes the platform served (None: never fingerprinted)."""
        images = images or {}
        self.posts.append(x_post(post_id, text, media_keys=list(images), hashtags=hashtags))
        for key, data in images.items():
            photo = x_photo(key, (alt_text or {}).get(key))
            self.media.append(photo)
            if data is not None:
                self.fingerprints.append(
                    {"media_ref": f"x:{key}", "platform": "x", "account_id": X_ACCOUNT, "url": photo["url"]}
                    | fingerprint(data)
                    | {"error": None}
                )

    def video(
        self, video_id: str, title: str, description: str | None = None, thumbnail: bytes | None = None
    ) -> None:
        video = yt_video(video_id, title, description)
        self.videos.append(video)
        if thumbnail is not None:
            url = video["snippet"]["thumbnails"]["high"]["url"]
            self.fingerprints.append(
                {"media_ref": f"youtube:{video_id}", "platform": "youtube", "account_id": CHANNEL, "url": url}
                | fingerprint(thumbnail)
                | {"error": None}
            )

    def read(self, data: bytes, lines: Sequence[tuple[str, float]] = (), faces: int = 0) -> None:
        """What the engines read in the image `data`: lines of text, each word read with the line's confidence."""
        self.readings.append(
            {
                "sha256": hashlib.sha256(data).hexdigest(),
                "reader": "test reading",
                "lines": [
                    {"text": text, "confidences": [confidence] * len(text.split()), "box": [0, 0, 10, 10]}
                    for text, confidence in lines
                ],
                "faces": [[10 * i, 10, 40, 40] for i in range(faces)],
                "error": None,
            }
        )

    def store(self, as_of: date = AS_OF) -> None:
        """Store what was added since the last call as that week's fetch (posts arrive incrementally)."""
        self.run += 1
        fetched = T0 + timedelta(days=(as_of - AS_OF).days)
        if self.posts:
            page = x_posts_page(self.posts, self.media)
            store_snapshot(
                self.con, snapshot("x", X_ACCOUNT, "posts", [page], fetched_at=fetched), as_of, f"r{self.run}"
            )
        if self.videos:
            page = items_page(self.videos)
            store_snapshot(
                self.con,
                snapshot("youtube", CHANNEL, "videos", [page], fetched_at=fetched),
                as_of,
                f"r{self.run}",
            )
        store_media_fingerprints(self.con, self.fingerprints)
        store_readings(self.con, self.readings)
        self.posts, self.media, self.fingerprints, self.readings = [], [], [], []

    def store_account(
        self, as_of: date, user: dict[str, Any] | None = None, channel: dict[str, Any] | None = None
    ) -> None:
        """The official accounts' own objects as fetched in the week of `as_of`."""
        fetched = datetime(as_of.year, as_of.month, as_of.day, 6, 0)
        if user is not None:
            store_snapshot(
                self.con,
                snapshot("x", X_ACCOUNT, "account", [{"data": user}], fetched_at=fetched),
                as_of,
                "a",
            )
        if channel is not None:
            page = items_page([channel])
            store_snapshot(
                self.con, snapshot("youtube", CHANNEL, "channel", [page], fetched_at=fetched), as_of, "a"
            )

    def context(
        self,
        as_of: date = AS_OF,
        *,
        email_domains: tuple[str, ...] = (),
        phones: tuple[str, ...] = (),
        accounts: tuple[ConfiguredAccount, ...] = (),
        options: dict[str, dict[str, Any]] | None = None,
        thresholds: Thresholds | None = None,
    ) -> RuleContext:
        return RuleContext(
            as_of=as_of,
            con=self.con,
            identities=pl.DataFrame(),
            account_labels=ACCOUNT_LABELS,
            thresholds=thresholds or Thresholds(),
            school_name="Tiny Lane Primary School",
            email_domains=email_domains,
            phones=phones,
            accounts=accounts,
            options=options or {},
        )

    def findings(self, rule: Rule, as_of: date = AS_OF, **context: Any) -> list[Finding]:
        return sorted(rule.find(self.context(as_of, **context)), key=lambda f: (f.platform, f.subject_id))
