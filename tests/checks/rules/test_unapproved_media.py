"""unapproved-media over a real warehouse: posts and thumbnails hashed, compared with the approved library."""

from __future__ import annotations

import functools
import hashlib
import json
import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import duckdb
import polars as pl
import pytest
from PIL import Image

from checks.findings import Finding
from checks.media_hash import UnreadableImage, fingerprint_image, hamming
from checks.rules.unapproved_media import RULE
from sandbox.school import images as sample_images
from tests.builders.images import encode, original, platform_copy, textured_image
from tests.builders.published import Published
from tests.builders.raw_pages import items_page, snapshot, x_photo, x_post, x_posts_page, yt_video
from tests.builders.registers import AS_OF, CHANNEL, X_ACCOUNT, X_LABEL, approval, register_frames
from tests.builders.rules import rule_context
from warehouse.load import store_approved_hashes, store_media_fingerprints, store_registers, store_snapshot


@dataclass(frozen=True)
class Pictures:
    sports_day: Image.Image  # in the approved library
    nativity: Image.Image  # in the approved library
    stranger: Image.Image  # never approved
    another: Image.Image  # never approved


@pytest.fixture(scope="module")
def pictures() -> Pictures:
    return Pictures(textured_image(1), textured_image(2), textured_image(7), textured_image(8))


# Setting up a warehouse hashes the same few pictures again and again: once per distinct bytes is enough.
fingerprint = functools.cache(fingerprint_image)

Fetched = bytes | str  # the image bytes a fetch returned, or the error it failed with


@dataclass
class School:
    """What a week's run would have stored: registers, approved hashes, posts, videos and fingerprints."""

    con: duckdb.DuckDBPyConnection
    posts: list[dict[str, Any]] = field(default_factory=list)
    media: list[dict[str, Any]] = field(default_factory=list)
    videos: list[dict[str, Any]] = field(default_factory=list)
    fingerprints: list[dict[str, Any]] = field(default_factory=list)

    def approve(self, approvals: list[dict[str, Any]], library: Mapping[str, Image.Image]) -> None:
        files = {name: original(image) for name, image in library.items()}
        shas = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
        if files:
            store_approved_hashes(self.con, {shas[n]: fingerprint(data) for n, data in files.items()})
        frame = register_frames(approvals=approvals)["approved_media"]
        frame = frame.with_columns(
            pl.Series("file_sha256", [shas.get(a["file"] or "") for a in approvals], dtype=pl.String)
        )
        frames = {**register_frames(), "approved_media": frame}
        file_hashes = {
            "approved_media.csv": hashlib.sha256(json.dumps(approvals, default=str).encode()).hexdigest()
        }
        file_hashes.update({f"approved_media/{name}": sha for name, sha in shas.items()})
        store_registers(self.con, frames, file_hashes, AS_OF)

    def post(self, post_id: str, images: Mapping[str, Fetched | None], text: str = "Sports day!") -> None:
        """An X post carrying photos by media key; None means the image was never fingerprinted."""
        self.posts.append(x_post(post_id, text, media_keys=list(images)))
        for media_key, fetched in images.items():
            photo = x_photo(media_key)
            self.media.append(photo)
            self._fingerprint(f"x:{media_key}", "x", X_ACCOUNT, photo["url"], fetched)

    def video(self, video_id: str, thumbnail: Fetched, title: str = "Our nativity") -> None:
        video = yt_video(video_id, title)
        self.videos.append(video)
        url = video["snippet"]["thumbnails"]["high"]["url"]
        self._fingerprint(f"youtube:{video_id}", "youtube", CHANNEL, url, thumbnail)

    def _fingerprint(self, ref: str, platform: str, account: str, url: str, fetched: Fetched | None) -> None:
        if fetched is None:
            return
        row: dict[str, Any] = {"media_ref": ref, "platform": platform, "account_id": account, "url": url}
        if isinstance(fetched, bytes):
            row.update(fingerprint(fetched), error=None)
        else:
            row["error"] = fetched
        self.fingerprints.append(row)

    def findings(self, **thresholds: Any) -> list[Finding]:
        if self.posts:
            posts = snapshot("x", X_ACCOUNT, "posts", [x_posts_page(self.posts, self.media)])
            assert store_snapshot(self.con, posts, AS_OF, "run-1")
        if self.videos:
            videos = snapshot("youtube", CHANNEL, "videos", [items_page(self.videos)])
            assert store_snapshot(self.con, videos, AS_OF, "run-1")
        store_media_fingerprints(self.con, self.fingerprints)
        return sorted(RULE.find(rule_context(self.con)), key=lambda f: f.subject_id)


@pytest.fixture
def school(con: duckdb.DuckDBPyConnection) -> School:
    return School(con)


def library(pictures: Pictures) -> dict[str, Image.Image]:
    return {"sports_day.jpg": pictures.sports_day, "nativity.jpg": pictures.nativity}


def approved_library(platform: str = "x") -> list[dict[str, Any]]:
    return [approval("A001", "sports_day.jpg", platform), approval("A002", "nativity.jpg", platform)]


def test_a_resized_recompressed_copy_of_an_approved_image_is_covered(
    school: School, pictures: Pictures
) -> None:
    school.approve(approved_library(), library(pictures))
    school.post("1850000000000000001", {"3_1": platform_copy(pictures.sports_day)})
    school.post("1850000000000000002", {"3_2": platform_copy(pictures.nativity, scale=0.5, quality=60)})
    assert school.findings() == []


def test_a_different_image_is_one_finding_naming_the_key_and_the_nearest_approved_file(
    school: School, pictures: Pictures
) -> None:
    school.approve(approved_library(), library(pictures))
    stranger = platform_copy(pictures.stranger)
    school.post("1850000000000000003", {"3_3": stranger})
    (finding,) = school.findings()
    assert finding.key == f"unapproved-media:x:{X_ACCOUNT}:post:1850000000000000003"
    assert (finding.rule, finding.severity, finding.platform, finding.account) == (
        "unapproved-media",
        "high",
        "x",
        X_LABEL,
    )
    assert (finding.subject_kind, finding.subject_id) == ("post", "1850000000000000003")
    assert finding.subject_url == "https://x.com/i/status/1850000000000000003"
    assert (finding.person_kind, finding.person_id) == (None, None)
    published = fingerprint(stranger)["phash"]
    distances = {
        name: hamming(published, fingerprint(original(image))["phash"])
        for name, image in library(pictures).items()
    }
    nearest = min(distances, key=lambda name: distances[name])
    assert distances[nearest] > 10
    assert "3_3" in finding.evidence
    assert f"({nearest}) at distance {distances[nearest]}" in finding.evidence


def test_one_finding_per_post_listing_every_unapproved_image(school: School, pictures: Pictures) -> None:
    school.approve(approved_library(), library(pictures))
    school.post(
        "1850000000000000004", {"3_4": original(pictures.stranger), "3_5": original(pictures.another)}
    )
    (finding,) = school.findings()
    assert finding.subject_id == "1850000000000000004"
    assert "3_4" in finding.evidence and "3_5" in finding.evidence
    assert "2 of 2" in finding.evidence


def test_a_carousel_names_only_the_unapproved_image(school: School, pictures: Pictures) -> None:
    school.approve(approved_library(), library(pictures))
    school.post(
        "1850000000000000005",
        {"3_6": platform_copy(pictures.sports_day), "3_7": platform_copy(pictures.stranger)},
    )
    (finding,) = school.findings()
    assert "3_7" in finding.evidence
    assert "3_6" not in finding.evidence
    assert "1 of 2" in finding.evidence


def test_an_approval_by_post_id_covers_whatever_the_post_carries(school: School, pictures: Pictures) -> None:
    school.approve([approval("A003", None, "x", post_id="1850000000000000006")], {})
    school.post("1850000000000000006", {"3_8": original(pictures.stranger), "3_9": "HTTP 404", "3_10": None})
    school.post("1850000000000000007", {"3_11": original(pictures.stranger)})
    (finding,) = school.findings()
    assert finding.subject_id == "1850000000000000007"
    assert "no approved images" in finding.evidence


@pytest.mark.parametrize(
    ("approved_for", "covered"), [("x", True), ("any", True), ("website", False), ("youtube", False)]
)
def test_which_approvals_cover_an_x_post(
    school: School, pictures: Pictures, approved_for: str, covered: bool
) -> None:
    school.approve(approved_library(approved_for), library(pictures))
    school.post("1850000000000000008", {"3_12": platform_copy(pictures.sports_day)})
    assert [f.subject_id for f in school.findings()] == ([] if covered else ["1850000000000000008"])


@pytest.mark.parametrize("approved_for", ["website", "youtube"])
def test_an_approval_by_id_for_another_channel_does_not_cover_x(
    school: School, pictures: Pictures, approved_for: str
) -> None:
    school.approve([approval("A004", None, approved_for, post_id="1850000000000000009")], {})
    school.post("1850000000000000009", {"3_13": platform_copy(pictures.sports_day)})
    assert [f.subject_id for f in school.findings()] == ["1850000000000000009"]


@pytest.mark.parametrize(
    ("fetched", "reason"), [("HTTP 404 from pbs.twimg.com", "HTTP 404 from pbs.twimg.com"), (None, "no hash")]
)
def test_an_image_that_could_not_be_fetched_cannot_be_shown_approved(
    school: School, pictures: Pictures, fetched: str | None, reason: str
) -> None:
    school.approve(approved_library(), library(pictures))
    school.post("1850000000000000010", {"3_14": fetched})
    (finding,) = school.findings()
    assert finding.subject_id == "1850000000000000010"
    assert "3_14" in finding.evidence and "could not be fetched" in finding.evidence
    assert reason in finding.evidence


def test_a_youtube_thumbnail_is_checked_per_video(school: School, pictures: Pictures) -> None:
    school.approve(approved_library("youtube"), library(pictures))
    school.video("vidApproved1", platform_copy(pictures.nativity))
    school.video("vidStranger1", platform_copy(pictures.stranger))
    (finding,) = school.findings()
    assert finding.key == f"unapproved-media:youtube:{CHANNEL}:video:vidStranger1"
    assert (finding.platform, finding.subject_kind, finding.subject_id) == (
        "youtube",
        "video",
        "vidStranger1",
    )
    assert finding.subject_url == "https://www.youtube.com/watch?v=vidStranger1"
    assert "thumbnail" in finding.evidence and "vidStranger1" in finding.evidence


def test_the_label_is_the_first_words_of_the_post_or_the_video_title(
    school: School, pictures: Pictures
) -> None:
    school.approve(approved_library(), library(pictures))
    text = "Well done to everyone at sports day today,\nwhat a brilliant afternoon of races and cheering from all"
    school.post("1850000000000000011", {"3_15": original(pictures.stranger)}, text=text)
    school.post("1850000000000000012", {"3_16": original(pictures.another)}, text="")
    school.video("vidStranger3", original(pictures.stranger), title="Harvest festival 2026")
    post, untitled, video = school.findings()
    assert post.subject_label is not None and post.subject_label.startswith(
        "Well done to everyone at sports day"
    )
    assert len(post.subject_label) <= 61 and "\n" not in post.subject_label
    assert untitled.subject_label == "post 1850000000000000012"
    assert video.subject_label == "Harvest festival 2026"


@pytest.mark.parametrize(
    ("approved_for", "covered"), [("youtube", True), ("any", True), ("x", False), ("website", False)]
)
def test_which_approvals_cover_a_youtube_thumbnail(
    school: School, pictures: Pictures, approved_for: str, covered: bool
) -> None:
    school.approve(approved_library(approved_for), library(pictures))
    school.video("vidSports01", platform_copy(pictures.sports_day))
    assert [f.subject_id for f in school.findings()] == ([] if covered else ["vidSports01"])


def test_a_video_approved_by_id_is_covered(school: School, pictures: Pictures) -> None:
    school.approve([approval("A005", None, "youtube", post_id="vidStranger2")], {})
    school.video("vidStranger2", platform_copy(pictures.stranger))
    assert school.findings() == []


# --- fingerprints ----------------------------------------------------------------------------------------

EXIF_ORIENTATION = 0x0112


def test_exif_orientation_is_applied_before_hashing(pictures: Pictures) -> None:
    upright = pictures.sports_day
    # Orientation 6: the camera stored the picture turned a quarter anticlockwise; viewers turn it back.
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = 6
    tagged = fingerprint_image(encode(stored, "JPEG", quality=90, exif=exif.tobytes()))
    plain = fingerprint_image(encode(upright, "JPEG", quality=90))
    untagged = fingerprint_image(encode(stored, "JPEG", quality=90))
    assert (tagged["width"], tagged["height"]) == upright.size
    assert hamming(tagged["phash"], plain["phash"]) <= 2
    assert hamming(untagged["phash"], plain["phash"]) > 10  # the tag is what made them match


def test_a_fingerprint_carries_the_bytes_sha_and_both_hashes(pictures: Pictures) -> None:
    data = original(pictures.nativity)
    fp = fingerprint_image(data)
    assert fp["sha256"] == hashlib.sha256(data).hexdigest() and fp["n_bytes"] == len(data)
    assert len(fp["phash"]) == 16 and len(fp["dhash"]) == 16


def png_header_only(width: int, height: int) -> bytes:
    """A few hundred bytes that claim to be a huge PNG: what a decompression bomb looks like before decoding."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(png_header_only(9_000, 9_000), id="over-our-pixel-limit"),
        pytest.param(png_header_only(10_000, 10_000), id="pillow-bomb-warning"),
        pytest.param(png_header_only(20_000, 20_000), id="pillow-bomb-error"),
        pytest.param(png_header_only(64, 64), id="truncated"),
        pytest.param(b"", id="empty"),
        pytest.param(b"<html>404 Not Found</html>", id="html"),
        pytest.param(b"\xff\xd8\xff\xe0 not really a jpeg", id="fake-jpeg"),
    ],
)
def test_unreadable_images_are_refused(data: bytes) -> None:
    with pytest.raises(UnreadableImage):
        fingerprint_image(data)


# --- photo-like pictures from the sample generator: phone originals, platform copies, other shots -----------


def sample_photo(scene: int, take: int = 0, size: tuple[int, int] = (768, 1024)) -> Image.Image:
    return sample_images.render(sample_images.Shot(scene, "field", take), *size)


def test_a_sideways_phone_original_matches_its_upright_platform_copies(
    con: duckdb.DuckDBPyConnection,
) -> None:
    school = Published(con)
    picture = sample_photo(4242)
    phone_file = sample_images.camera_original_bytes(
        picture, "2026:06:01 10:00:00", ("Apple", "iPhone 13"), True
    )
    school.registers(approvals=[approval("A001", "IMG_0001.jpg", "x")], library={"IMG_0001.jpg": phone_file})
    for n, (width, quality) in enumerate([(680, 72), (480, 60), (320, 85)]):
        copy = sample_images.jpeg_bytes(sample_images.resized(picture, width), quality)
        school.post(f"18500000000000001{n:02d}", "Sports day", images={f"3_{n}": copy})
    school.store()
    assert school.findings(RULE) == []


def test_another_shot_of_the_same_event_is_not_covered(con: duckdb.DuckDBPyConnection) -> None:
    school = Published(con)
    approved = sample_photo(4243, size=(1024, 768))
    school.registers(approvals=[approval("A001", "sports.jpg", "any")], library={"sports.jpg": approved})
    other_shot = sample_images.jpeg_bytes(sample_photo(4243, take=2, size=(800, 600)), 80)
    school.post("1850000000000000201", "Sports day", images={"3_1": other_shot})
    school.store()
    (finding,) = school.findings(RULE)
    assert "3_1" in finding.evidence and "nearest approved image A001 (sports.jpg)" in finding.evidence
    distance = int(finding.evidence.split("at distance ")[1].split()[0])
    assert distance > 8


def test_a_match_needs_both_hashes_within_the_distance(con: duckdb.DuckDBPyConnection) -> None:
    school = Published(con)
    picture = sample_photo(4244, size=(1024, 768))
    school.registers(approvals=[approval("A001", "fair.jpg", "x")], library={"fair.jpg": picture})
    school.post("1850000000000000301", "Fair", images={"3_1": platform_copy(picture)})
    school.store()
    con.execute("UPDATE raw.media_files SET dhash = 'ffffffffffffffff' WHERE media_ref = 'x:3_1'")
    (finding,) = school.findings(RULE)
    assert "dHash" in finding.evidence and "both hashes <= 8" in finding.evidence
