"""A draft checked by the weekly rules, held as a published post (checks/post_check.py, warehouse/draft_stage.py)."""

from __future__ import annotations

import io
from typing import Any

import polars as pl
import pytest
from PIL import Image

from checks.audit import AuditSettings
from checks.media_hash import fingerprint_image
from checks.post_check import DraftRefused, UploadedImage, check_draft, read_images
from tests.builders.images import original, textured_image
from tests.builders.registers import AS_OF, approval, pupil, register_frames
from warehouse.draft_stage import Draft, Library

SETTINGS = AuditSettings(school_name="Tiny Lane Primary School", accounts=())
LIBRARY_PHOTO = original(textured_image(1))


def library(covers: str) -> Library:
    photo = approval("A001", "trip.jpg", platform=covers)
    frames = register_frames(
        pupils=[pupil("P0001", "Alfie", "Price"), pupil("P0002", "Eleanor", "Brown", consent="refused")],
        approvals=[photo],
    )
    fingerprint = fingerprint_image(LIBRARY_PHOTO)
    frames["approved_media"] = frames["approved_media"].with_columns(
        pl.lit(fingerprint["sha256"]).alias("file_sha256")
    )
    return Library(frames, {"pupils.csv": "x"}, {fingerprint["sha256"]: fingerprint})


def checked(
    text: str,
    images: list[bytes] | None = None,
    platform: str = "x",
    pupils: tuple[str, ...] = (),
    covers: str = "x",
) -> Any:
    images = images or []
    read = read_images(
        [UploadedImage(f"p{n}.jpg", data) for n, data in enumerate(images)], 20_000_000, read_text=False
    )
    draft = Draft(platform, text, read, pupils)
    return check_draft(library(covers), draft, [f"p{n}.jpg" for n in range(len(images))], SETTINGS, AS_OF)


def test_text_naming_a_pupil_holds_and_plain_text_is_ok() -> None:
    held = checked("Well done Alfie Price!")
    assert held.verdict == "hold" and [f.rule for f in held.findings] == ["pupil-named"]
    assert checked("Well done everyone in year 5!").as_dict() == {"verdict": "ok", "findings": []}


def test_the_json_verdict_meets_its_schema() -> None:
    from jsonschema import Draft202012Validator

    from dashboards.manifest import COMMAND_SCHEMAS, load_schema

    validator = Draft202012Validator(load_schema(COMMAND_SCHEMAS["check-post"]))
    for outcome in (checked("Well done Alfie Price!"), checked("Our trip", [original(textured_image(2))])):
        assert list(validator.iter_errors(outcome.as_dict())) == []
    assert list(validator.iter_errors({"verdict": "maybe", "findings": []}))


def test_a_library_photo_is_covered_and_a_new_one_holds_for_approval() -> None:
    assert checked("Our trip", [LIBRARY_PHOTO]).verdict == "ok"
    new = checked("Our trip", [original(textured_image(2))])
    assert [(f.rule, f.image) for f in new.findings] == [("unapproved-media", "p0.jpg")]
    assert "p0.jpg (image 1)" in new.findings[0].evidence


def test_declared_pupils_consent_applies_and_the_library_approval_is_for_the_platform() -> None:
    refused = checked("Our trip", [LIBRARY_PHOTO], pupils=("P0002",))
    assert [f.rule for f in refused.findings] == ["consent-breach"]
    assert "P0002 (photo consent is refused)" in refused.findings[0].evidence
    youtube = checked("Our trip\nA day out", [LIBRARY_PHOTO], platform="youtube")
    assert [f.rule for f in youtube.findings] == ["unapproved-media"]  # A001 approves it for X only
    assert checked("Our trip", [LIBRARY_PHOTO], platform="youtube", covers="any").verdict == "ok"


def test_images_too_large_too_many_or_bombs_are_refused() -> None:
    with pytest.raises(DraftRefused, match="over the 10 limit"):
        read_images([UploadedImage("big.jpg", LIBRARY_PHOTO)], 10)
    with pytest.raises(DraftRefused, match="at most 4"):
        read_images([UploadedImage(f"{n}.jpg", LIBRARY_PHOTO) for n in range(5)], 20_000_000)
    bomb = io.BytesIO()
    Image.new("L", (10_000, 10_000)).save(bomb, "PNG")
    with pytest.raises(DraftRefused, match=r"bomb\.png"):
        read_images([UploadedImage("bomb.png", bomb.getvalue())], 20_000_000)
    with pytest.raises(DraftRefused, match="not a readable image"):
        read_images([UploadedImage("notes.jpg", b"not an image")], 20_000_000)
