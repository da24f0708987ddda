"""Tests for settling the registers a run audits with: the approved library's fingerprints are computed once a run."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from PIL import Image

from checks.media_hash import UnreadableImage, fingerprint_approved
from checks.registers.loading import load_registers
from checks.registers.settling import settle_registers
from tests.checks.registers.test_loading import IMAGE_BYTES, write_registers
from warehouse.register_versions import RegistersInForce

SPORTS_DAY = hashlib.sha256(IMAGE_BYTES).hexdigest()


def settled(directory: Path, fingerprinted: dict[str, dict]) -> dict[str, dict]:
    registers = load_registers(directory)
    _, holds, approved, fresh = settle_registers(
        registers, RegistersInForce(), set(), 0.5, {}, directory, fingerprinted
    )
    assert holds == [] and approved["file_sha256"].to_list() == [SPORTS_DAY, None, SPORTS_DAY]
    return fresh


def test_fingerprints_the_library_computed_this_run_are_taken_not_computed_again(tmp_path: Path) -> None:
    # The file on disk is not even an image: taking the fingerprints given is the only way this settles.
    directory = write_registers(tmp_path / "registers")
    given = {
        "sha256": SPORTS_DAY,
        "n_bytes": 1,
        "width": 2,
        "height": 3,
        "phash": "ab" * 8,
        "dhash": "cd" * 8,
        "crops": [],  # its Instagram crops' too: an approved file's fingerprints are whole with them
    }
    assert settled(directory, {SPORTS_DAY: given}) == {SPORTS_DAY: given}
    with pytest.raises(UnreadableImage):
        settled(directory, {})


def test_a_file_without_fingerprints_given_is_fingerprinted(tmp_path: Path) -> None:
    directory = write_registers(tmp_path / "registers")
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(buffer, "JPEG")
    (directory / "approved_media" / "sports_day.jpg").write_bytes(buffer.getvalue())
    sha = hashlib.sha256(buffer.getvalue()).hexdigest()
    registers = load_registers(directory)
    other = {"sha256": "f" * 64, "phash": "0" * 16}
    _, _, _, fresh = settle_registers(
        registers, RegistersInForce(), set(), 0.5, {}, directory, {"f" * 64: other}
    )
    assert fresh == {sha: fingerprint_approved(buffer.getvalue())}
