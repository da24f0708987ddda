"""A photo Instagram crops to 4:5, 1.91:1 or 1:1 still matches its approved file; a different photo never does."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from checks.media_hash import (
    CROP_RATIOS,
    centre_crop,
    crop_fingerprints,
    fingerprint_approved,
    fingerprint_image,
    fingerprint_picture,
    grayscale,
)
from checks.rule_support.media import Library
from sandbox.school.images import Shot, camera_original_bytes, jpeg_bytes, render

MAX_DISTANCE = 8  # [rules] media_hash_max_distance's default


def _instagram_copy(picture: Image.Image, ratio: float) -> dict[str, str]:
    """What Instagram serves: the centre crop at `ratio`, 1080 px wide, re-encoded."""
    cropped = centre_crop(picture, ratio) or picture
    served = cropped.resize((1080, round(1080 * cropped.height / cropped.width)), Image.Resampling.LANCZOS)
    fingerprint = fingerprint_image(jpeg_bytes(served, 75))
    return {"phash": fingerprint["phash"], "dhash": fingerprint["dhash"]}


def _approval(approval_id: str, data: bytes, *, with_crops: bool = True) -> dict[str, object]:
    fingerprint = fingerprint_approved(data)
    crops = list(fingerprint["crops"].values()) if with_crops else None
    return {
        "approval_id": approval_id,
        "phash": fingerprint["phash"],
        "dhash": fingerprint["dhash"],
        "crops": crops,
    }


@pytest.mark.parametrize("ratio_name", sorted(CROP_RATIOS))
@pytest.mark.parametrize("scene", [11, 12, 13])
def test_an_instagram_crop_of_an_approved_photo_is_that_photo(scene: int, ratio_name: str) -> None:
    picture = render(Shot(scene, "field"), 1600, 1200)
    original = camera_original_bytes(picture, "2026:09:01 10:00:00", ("Apple", "iPhone 13"), False)
    copy = _instagram_copy(picture, CROP_RATIOS[ratio_name])

    matched = Library([_approval("A1", original)]).matches(copy, MAX_DISTANCE)

    assert [a["approval_id"] for a, _ in matched] == ["A1"]
    if ratio_name != "1:1":  # the whole file alone misses the tall and wide crops (why the crops are kept)
        assert not Library([_approval("A1", original, with_crops=False)]).matches(copy, MAX_DISTANCE)


@pytest.mark.parametrize("ratio_name", sorted(CROP_RATIOS))
@pytest.mark.parametrize("scene", [11, 12, 13])
def test_another_shot_of_the_same_event_cropped_alike_matches_nothing(scene: int, ratio_name: str) -> None:
    approved = [
        _approval(f"A{s}", camera_original_bytes(render(Shot(s, "field"), 1600, 1200), "", ("", ""), False))
        for s in (11, 12, 13)
    ]
    other_take = render(Shot(scene, "field", take=1), 1600, 1200)

    assert Library(approved).matches(_instagram_copy(other_take, CROP_RATIOS[ratio_name]), MAX_DISTANCE) == []


def test_a_match_names_its_approval_once_at_its_nearest() -> None:
    picture = render(Shot(21, "playground"), 1200, 1200)
    data = io.BytesIO()
    picture.save(data, "PNG")
    copy = _instagram_copy(picture, 1.0)

    matched = Library([_approval("A9", data.getvalue())]).matches(copy, MAX_DISTANCE)

    assert len(matched) == 1 and matched[0][1] <= 4


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "P"])
def test_a_picture_and_its_grayscale_have_the_same_hashes_and_crops(mode: str) -> None:
    # Every hash, crop's hash and reading is made of one grayscale conversion per picture (`grayscale`).
    picture = render(Shot(7, "field"), 1400, 900).convert(mode)
    data = jpeg_bytes(picture.convert("RGB"), 80)

    gray = grayscale(picture)

    assert gray.mode == "L" and grayscale(gray) is gray
    assert fingerprint_picture(data, gray) == fingerprint_picture(data, picture)
    assert crop_fingerprints(gray) == crop_fingerprints(picture)
    assert set(crop_fingerprints(gray)) == {"4:5", "1.91:1", "1:1"}
